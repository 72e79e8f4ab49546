package io.ferry.transport.tcp.frame;

import io.ferry.ipld.Cid;
import io.ferry.ipld.Varint;
import io.ferry.transport.tcp.tls.PlaintextLayout;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;

/**
 * Ferry's frames as units of the decrypted stream, for the TLS stage to lay out: a block frame's
 * head is its length prefix, kind, channel reference, index and CID, and its body the block's
 * bytes, which thus arrive in an array of their own (the one the hash check reads and the store
 * keeps); any other frame is all body. Whatever a peer sends that is not a well-formed frame start
 * (a first frame that is not a handshake, a length of 0 or over the maximum, a block head that does
 * not parse) is left to {@link FrameDecoder}, which refuses it with the error it names.
 */
public final class FrameLayout implements PlaintextLayout {
  /** The most bytes a block frame's head can take: prefix, kind, two varints, a CID. */
  static final int MAX_BLOCK_HEAD = 4 + 1 + 2 * Varint.MAX_BYTES + 256;

  private final int maxFrameSize;
  private boolean first = true;

  /** A layout for frames of at most {@code maxFrameSize} bytes (kind and payload). */
  public FrameLayout(int maxFrameSize) {
    this.maxFrameSize = maxFrameSize;
  }

  @Override
  public Unit next(ByteBuffer start) {
    if (start.remaining() < 5) {
      return null;
    }
    long length = start.getInt() & 0xffffffffL;
    int kind = start.get() & 0xff;
    boolean wasFirst = first;
    first = false;
    if (length == 0
        || length > maxFrameSize
        || wasFirst && (kind != FrameCodec.HELLO || length > FrameCodec.MAX_HELLO_BYTES)) {
      return UNKNOWN;
    }
    if (kind != FrameCodec.BLOCK) {
      return new Unit(0, (int) (4 + length));
    }
    long frameEnd = 4 + length;
    if (start.limit() < Math.min(MAX_BLOCK_HEAD, frameEnd)) {
      first = wasFirst;
      return null; // a block head is parsed once it is all there
    }
    start.limit((int) Math.min(start.limit(), frameEnd));
    try {
      Varint.read(start);
      Varint.read(start);
      Cid.read(start);
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      return UNKNOWN;
    }
    int head = start.position();
    return new Unit(head, (int) (frameEnd - head));
  }
}
