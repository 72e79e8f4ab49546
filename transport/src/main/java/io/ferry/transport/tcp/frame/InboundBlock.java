package io.ferry.transport.tcp.frame;

import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.Multihash;
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
public record InboundBlock(long ref, long index, Cid cid, byte[] data, String problem) {
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("the JDK has no SHA-256", e);
            }
          });

  public boolean matches() {
    return problem == null;
  }

  /**
   * Hashes a block frame's bytes with the JDK's SHA-256, in the array the store will keep: the TLS
   * stage decrypted them into an array of their own ({@link
   * io.ferry.transport.tcp.frame.FrameLayout}), which is taken as is; bytes spread over several
   * buffers (a small block, or another TLS layer) are copied into one first (the digest's intrinsic
   * works best over one contiguous array, and the read-only buffers a {@code ByteString} exposes
   * would be copied again in small pieces).
   */
  public static InboundBlock verify(Frame.Block frame) {
    Multihash expected = frame.cid().multihash();
    byte[] data = frame.data().compact().toArrayUnsafe();
    String problem = null;
    if (expected.code() == Multicodec.SHA2_256) {
      MessageDigest md = SHA256.get();
      byte[] digest = md.digest(data);
      if (!MessageDigest.isEqual(digest, expected.digest())) {
        problem = mismatch(frame.cid(), Multihash.of(Multicodec.SHA2_256, digest));
      }
    } else if (!Multihash.isSupported(expected.code())) {
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
