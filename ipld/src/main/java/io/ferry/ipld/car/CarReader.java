package io.ferry.ipld.car;

import io.ferry.ipld.Block;
import io.ferry.ipld.BlockVerificationException;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Varint;
import io.ferry.ipld.codec.CodecException;
import io.ferry.ipld.store.BlockStore;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Reads CARv1 and CARv2 (the inner CARv1 payload; the index is skipped) from a stream, one block at
 * a time. Every block is verified against its CID, since a CAR comes from outside.
 */
public final class CarReader implements AutoCloseable {
  /** The largest header or section Ferry reads (go-car's default limit for sections is 8 MiB). */
  public static final int MAX_SECTION_BYTES = 8 << 20;

  private static final int V2_HEADER_BYTES = 40;
  private static final int V2_PRAGMA_BYTES = 11;

  private final InputStream in;
  private final CarHeader header;
  private final int version;
  private long remaining;
  private long blocksRead;

  private CarReader(InputStream in, CarHeader header, int version, long remaining) {
    this.in = in;
    this.header = header;
    this.version = version;
    this.remaining = remaining;
  }

  /**
   * Reads the header(s) of a CAR, leaving the reader at the first block.
   *
   * @throws CodecException when a header is malformed (naming what is wrong with it)
   * @throws EOFException when the input is empty or ends inside a header
   */
  public static CarReader open(InputStream raw) throws IOException {
    InputStream in =
        raw instanceof BufferedInputStream ? raw : new BufferedInputStream(raw, 1 << 16);
    byte[] first = readSection(in, "CAR header");
    if (first == null) {
      throw new EOFException("not a CAR: the input is empty");
    }
    CarHeader header = CarHeader.decode(first);
    if (header.version() == 1) {
      return new CarReader(in, header, 1, Long.MAX_VALUE);
    }
    byte[] v2 = in.readNBytes(V2_HEADER_BYTES);
    if (v2.length != V2_HEADER_BYTES) {
      throw new EOFException("CARv2 header is truncated");
    }
    ByteBuffer b = ByteBuffer.wrap(v2).order(ByteOrder.LITTLE_ENDIAN);
    b.position(16);
    long dataOffset = b.getLong();
    long dataSize = b.getLong();
    long skip = dataOffset - V2_PRAGMA_BYTES - V2_HEADER_BYTES;
    if (skip < 0 || dataSize < 0) {
      throw new CodecException(
          "invalid CARv2 header: data offset " + dataOffset + ", data size " + dataSize);
    }
    try {
      in.skipNBytes(skip);
    } catch (EOFException e) {
      throw new EOFException(
          "CARv2 is truncated: its data offset " + dataOffset + " lies past the end of the input");
    }
    InputStream payload = new BoundedInputStream(in, dataSize);
    byte[] innerHeader = readSection(payload, "CARv2 inner CARv1 header");
    if (innerHeader == null) {
      throw new EOFException("CARv2 has no inner CARv1");
    }
    CarHeader inner = CarHeader.decode(innerHeader);
    if (inner.version() != 1) {
      throw new CodecException("CARv2 payload is not a CARv1 (version " + inner.version() + ")");
    }
    return new CarReader(payload, inner, 2, dataSize);
  }

  /** 1 or 2: the container format read. */
  public int version() {
    return version;
  }

  /** The roots of the (inner) CARv1 header. */
  public List<Cid> roots() {
    return header.roots();
  }

  /** The next block, verified; empty at the end of the CAR. */
  public Optional<Block> next() throws IOException, BlockVerificationException {
    byte[] section = readSection(in, "CAR section " + blocksRead);
    if (section == null || (section.length == 0 && version == 2)) {
      return Optional.empty();
    }
    ByteBuffer buf = ByteBuffer.wrap(section);
    Cid cid;
    try {
      cid = Cid.read(buf);
    } catch (IllegalArgumentException e) {
      throw new CodecException(
          "invalid CID in CAR section " + blocksRead + ": " + e.getMessage(), e);
    }
    byte[] data = new byte[buf.remaining()];
    buf.get(data);
    blocksRead++;
    return Optional.of(Block.verify(cid, data));
  }

  /**
   * Reads every block of the CAR at {@code in} into {@code store} in batches; returns the roots. A
   * block that does not match its CID stops the import with the exception naming both CIDs.
   */
  public static List<Cid> importInto(BlockStore store, InputStream in)
      throws IOException, BlockVerificationException {
    try (CarReader reader = open(in)) {
      List<Block> batch = new ArrayList<>();
      long bytes = 0;
      for (Optional<Block> b = reader.next(); b.isPresent(); b = reader.next()) {
        batch.add(b.get());
        bytes += b.get().size();
        if (bytes >= (16 << 20) || batch.size() >= 4096) {
          store.putAll(batch);
          batch = new ArrayList<>();
          bytes = 0;
        }
      }
      store.putAll(batch);
      return reader.roots();
    }
  }

  /** A length-prefixed section, or null at a clean end of input. */
  private static byte[] readSection(InputStream in, String what) throws IOException {
    long length = Varint.read(in);
    if (length < 0) {
      return null;
    }
    if (length > MAX_SECTION_BYTES) {
      throw new CodecException(what + " declares " + length + " bytes, over " + MAX_SECTION_BYTES);
    }
    byte[] bytes = in.readNBytes((int) length);
    if (bytes.length != length) {
      throw new EOFException(what + " is truncated: " + bytes.length + " of " + length + " bytes");
    }
    return bytes;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }

  /** At most {@code limit} bytes of the underlying stream (the CARv2 data payload). */
  private static final class BoundedInputStream extends InputStream {
    private final InputStream in;
    private long left;

    BoundedInputStream(InputStream in, long limit) {
      this.in = in;
      this.left = limit;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
