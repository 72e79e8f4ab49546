package io.ferry.transport.tcp;

import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.Multihash;
import io.ferry.transport.tcp.frame.Frame;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A received block after its bytes were hashed and compared with its CID (done off the network
 * threads, on the transport's hashing pool).
 *
 * @param ref the receiver's channel reference
 * @param index the traversal index the sender gave it
 * @param cid the CID the sender named
 * @param data the bytes
 * @param problem why the bytes are not the block {@code cid} names; null when they are
 */
record InboundBlock(long ref, long index, Cid cid, byte[] data, String problem) {
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("the JDK has no SHA-256", e);
            }
          });

  boolean matches() {
    return problem == null;
  }

  /**
   * Hashes a block frame's bytes where they lie (the received buffers, not a copy) with the JDK's
   * SHA-256, then copies them once into the array the store will keep.
   */
  static InboundBlock verify(Frame.Block frame) {
    Multihash expected = frame.cid().multihash();
    String problem = null;
    if (expected.code() == Multicodec.SHA2_256) {
      MessageDigest md = SHA256.get();
      for (ByteBuffer bb : frame.data().getByteBuffers()) {
        md.update(bb);
      }
      byte[] digest = md.digest();
      if (!MessageDigest.isEqual(digest, expected.digest())) {
        problem = mismatch(frame.cid(), Multihash.of(Multicodec.SHA2_256, digest));
      }
      return new InboundBlock(
          frame.ref(), frame.index(), frame.cid(), frame.data().toArrayUnsafe(), problem);
    }
    byte[] data = frame.data().toArrayUnsafe();
    if (!Multihash.isSupported(expected.code())) {
      problem =
          "block "
              + frame.cid()
              + " uses hash function "
              + Multicodec.name(expected.code())
              + ", which this node cannot verify";
    } else {
      Multihash actual = Multihash.compute(expected.code(), data);
      if (!actual.equals(expected)) {
        problem = mismatch(frame.cid(), actual);
      }
    }
    return new InboundBlock(frame.ref(), frame.index(), frame.cid(), data, problem);
  }

  private static String mismatch(Cid cid, Multihash actual) {
    return "block " + cid + " does not match its CID: bytes hash to " + cid.withMultihash(actual);
  }
}
