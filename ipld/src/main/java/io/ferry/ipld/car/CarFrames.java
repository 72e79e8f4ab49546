package io.ferry.ipld.car;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Varint;
import java.io.ByteArrayOutputStream;
import java.util.List;

/**
 * The bytes of a CARv1 piece by piece, for writers that stream frames themselves (an HTTP response
 * body, say) instead of writing to an {@link java.io.OutputStream}: the header, then for each block
 * a prefix (length and CID) followed by the block's own bytes, which are never copied.
 */
public final class CarFrames {
  private CarFrames() {}

  /** The length-prefixed CARv1 header naming {@code roots}. */
  public static byte[] header(List<Cid> roots) {
    byte[] header = new CarHeader(1, roots).encode();
    ByteArrayOutputStream out = new ByteArrayOutputStream(header.length + 4);
    out.writeBytes(Varint.encode(header.length));
    out.writeBytes(header);
    return out.toByteArray();
  }

  /** What precedes {@code block.data()} in a CAR: the section's length and the block's CID. */
  public static byte[] blockPrefix(Block block) {
    byte[] cid = block.cid().toBytes();
    ByteArrayOutputStream out = new ByteArrayOutputStream(cid.length + 10);
    out.writeBytes(Varint.encode((long) cid.length + block.size()));
    out.writeBytes(cid);
    return out.toByteArray();
  }
}
