package io.ferry.ipld;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * A self-describing hash: the multicodec code of the hash function, then the digest. Immutable;
 * equal by value. SHA2-256 uses the JDK's {@link MessageDigest} (which the JIT turns into SHA-NI
 * instructions where the CPU has them); BLAKE2b-256 uses BouncyCastle.
 */
public final class Multihash {
  /** The largest digest Ferry accepts (identity hashes inline data, so it must be bounded). */
  public static final int MAX_DIGEST_BYTES = 1 << 20;

  private final long code;
  private final byte[] digest;

  private Multihash(long code, byte[] digest) {
    this.code = code;
    this.digest = digest;
  }

  /** The SHA2-256 multihash of {@code data}. */
  public static Multihash sha256(byte[] data) {
    return new Multihash(Multicodec.SHA2_256, newSha256().digest(data));
  }

  /** The SHA2-256 multihash of the remaining bytes of {@code data}, hashed in place. */
  public static Multihash sha256(ByteBuffer data) {
    MessageDigest md = newSha256();
    md.update(data.duplicate());
    return new Multihash(Multicodec.SHA2_256, md.digest());
  }

  /** The identity "hash": the data itself. */
  public static Multihash identity(byte[] data) {
    return of(Multicodec.IDENTITY, data);
  }

  /** The BLAKE2b-256 multihash of {@code data}. */
  public static Multihash blake2b256(byte[] data) {
    Blake2bDigest d = new Blake2bDigest(256);
    d.update(data, 0, data.length);
    byte[] out = new byte[32];
    d.doFinal(out, 0);
    return new Multihash(Multicodec.BLAKE2B_256, out);
  }

  /** A multihash from its parts; the digest is copied. */
  public static Multihash of(long code, byte[] digest) {
    if (code < 0) {
      throw new IllegalArgumentException("multihash code is negative: " + code);
    }
    if (digest.length > MAX_DIGEST_BYTES) {
      throw new IllegalArgumentException(
          "multihash digest of " + digest.length + " bytes is over " + MAX_DIGEST_BYTES);
    }
    if (code == Multicodec.SHA2_256 && digest.length != 32) {
      throw new IllegalArgumentException("sha2-256 digest must be 32 bytes, got " + digest.length);
    }
    if (code == Multicodec.BLAKE2B_256 && digest.length != 32) {
      throw new IllegalArgumentException(
          "blake2b-256 digest must be 32 bytes, got " + digest.length);
    }
    return new Multihash(code, digest.clone());
  }

  /** Decodes a binary multihash: varint code, varint length, digest, and nothing after. */
  public static Multihash decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    Multihash mh = read(in);
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(
          "multihash has " + in.remaining() + " bytes after its digest: " + hex(bytes));
    }
    return mh;
  }

  /** Reads one binary multihash from {@code in}, leaving the position just after it. */
  public static Multihash read(ByteBuffer in) {
    long code = Varint.read(in);
    long length = Varint.read(in);
    if (length > MAX_DIGEST_BYTES) {
      throw new IllegalArgumentException("multihash digest length " + length + " is too large");
    }
    if (in.remaining() < length) {
      throw new IllegalArgumentException(
          "multihash declares a "
              + length
              + "-byte digest but only "
              + in.remaining()
              + " bytes follow");
    }
    byte[] digest = new byte[(int) length];
    in.get(digest);
    return of(code, digest);
  }

  /** The hash function of {@code code} applied to {@code data}. */
  public static Multihash compute(long code, byte[] data) {
    if (code == Multicodec.SHA2_256) {
      return sha256(data);
    } else if (code == Multicodec.IDENTITY) {
      return identity(data);
    } else if (code == Multicodec.BLAKE2B_256) {
      return blake2b256(data);
    }
    throw new IllegalArgumentException("unsupported multihash function " + Multicodec.name(code));
  }

  /** Whether Ferry can compute the hash function {@code code}. */
  public static boolean isSupported(long code) {
    return code == Multicodec.SHA2_256
        || code == Multicodec.IDENTITY
        || code == Multicodec.BLAKE2B_256;
  }

  public long code() {
    return code;
  }

  /** A copy of the digest. */
  public byte[] digest() {
    return digest.clone();
  }

  public int digestLength() {
    return digest.length;
  }

  /** The binary form: varint code, varint length, digest. */
  public byte[] toBytes() {
    ByteBuffer out =
        ByteBuffer.allocate(Varint.size(code) + Varint.size(digest.length) + digest.length);
    writeTo(out);
    return out.array();
  }

  /** The size of {@link #toBytes()}. */
  public int encodedLength() {
    return Varint.size(code) + Varint.size(digest.length) + digest.length;
  }

  void writeTo(ByteBuffer out) {
    Varint.write(code, out);
    Varint.write(digest.length, out);
    out.put(digest);
  }

  /** Recomputes the hash of {@code data} with this multihash's function and compares. */
  public boolean matches(byte[] data) {
    return MessageDigest.isEqual(digest, compute(code, data).digest);
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Multihash other
        && code == other.code
        && Arrays.equals(digest, other.digest);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(code) * 31 + Arrays.hashCode(digest);
  }

  @Override
  public String toString() {
    return Multicodec.name(code) + ":" + hex(digest);
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }
}
