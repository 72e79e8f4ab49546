package io.ferry.ipld;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A content identifier. CIDv0 is a bare sha2-256 multihash of a dag-pb block, written in base58btc
 * without prefix ("Qm..."); CIDv1 is {@code varint(1) varint(codec) multihash}, written in
 * multibase (base32 lower, prefix 'b', by default). Immutable; equal by value; ordered by binary
 * form, bytewise unsigned.
 */
public final class Cid implements Comparable<Cid> {
  private final int version;
  private final long codec;
  private final Multihash multihash;
  private final byte[] bytes;

  private Cid(int version, long codec, Multihash multihash) {
    this.version = version;
    this.codec = codec;
    this.multihash = multihash;
    this.bytes = encode(version, codec, multihash);
  }

  /** A CIDv0 of a sha2-256 multihash (always dag-pb). */
  public static Cid v0(Multihash sha256) {
    if (sha256.code() != Multicodec.SHA2_256) {
      throw new IllegalArgumentException(
          "CIDv0 needs a sha2-256 multihash, got " + Multicodec.name(sha256.code()));
    }
    return new Cid(0, Multicodec.DAG_PB, sha256);
  }

  /** A CIDv1 of any codec and multihash. */
  public static Cid v1(long codec, Multihash mh) {
    if (codec < 0) {
      throw new IllegalArgumentException("codec is negative: " + codec);
    }
    return new Cid(1, codec, mh);
  }

  /** The CIDv1 of {@code data} in {@code codec}, hashed with sha2-256. */
  public static Cid sha256(long codec, byte[] data) {
    return v1(codec, Multihash.sha256(data));
  }

  /** This CID with the same version and codec but another multihash. */
  public Cid withMultihash(Multihash mh) {
    return version == 0 ? v0(mh) : v1(codec, mh);
  }

  /** Parses CIDv0 text ("Qm...", 46 characters) or multibase CIDv1 text. */
  public static Cid parse(String text) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException("CID text is empty");
    }
    try {
      if (text.length() == 46 && text.startsWith("Qm")) {
        return decodeV0(Base58.decode(text));
      }
      byte[] raw = Multibase.decode(text);
      if (raw.length > 0 && raw[0] == 0x12) {
        throw new IllegalArgumentException("a CIDv0 must be base58btc without multibase prefix");
      }
      return decode(raw);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("invalid CID \"" + text + "\": " + e.getMessage(), e);
    }
  }

  /**
   * Decodes a binary CID, which must be all of {@code bytes}.
   *
   * @throws IllegalArgumentException saying why the bytes are not a binary CID
   */
  public static Cid decode(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    Cid cid;
    try {
      cid = read(in);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid binary CID of " + bytes.length + " bytes: " + e.getMessage(), e);
    }
    if (in.hasRemaining()) {
      throw new IllegalArgumentException(
          "binary CID has " + in.remaining() + " trailing bytes after " + cid);
    }
    return cid;
  }

  /**
   * Reads one binary CID from {@code in}, leaving the position just after it.
   *
   * @throws IllegalArgumentException when the bytes there are not a CID (unsupported version,
   *     malformed varint or multihash)
   */
  public static Cid read(ByteBuffer in) {
    if (in.remaining() >= 2 && in.get(in.position()) == 0x12 && in.get(in.position() + 1) == 0x20) {
      return v0(Multihash.read(in));
    }
    long version = Varint.read(in);
    if (version != 1) {
      throw new IllegalArgumentException("unsupported CID version " + version);
    }
    long codec = Varint.read(in);
    return v1(codec, Multihash.read(in));
  }

  private static Cid decodeV0(byte[] bytes) {
    Multihash mh = Multihash.decode(bytes);
    return v0(mh);
  }

  private static byte[] encode(int version, long codec, Multihash mh) {
    if (version == 0) {
      return mh.toBytes();
    }
    ByteBuffer out =
        ByteBuffer.allocate(Varint.size(version) + Varint.size(codec) + mh.encodedLength());
    Varint.write(version, out);
    Varint.write(codec, out);
    mh.writeTo(out);
    return out.array();
  }

  /** 0 or 1. */
  public int version() {
    return version;
  }

  /** The multicodec code of the content (always dag-pb for a CIDv0). */
  public long codec() {
    return codec;
  }

  /** The multihash of the content. */
  public Multihash multihash() {
    return multihash;
  }

  /** The binary form (a copy). */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** The length of the binary form. */
  public int byteLength() {
    return bytes.length;
  }

  /** The same content as a CIDv1 (a CIDv1 is returned as is). */
  public Cid toV1() {
    return version == 1 ? this : v1(codec, multihash);
  }

  /** CIDv0 in base58btc without prefix; CIDv1 in base32 lower with prefix 'b'. */
  @Override
  public String toString() {
    return version == 0 ? Base58.encode(bytes) : Multibase.BASE32_LOWER.encode(bytes);
  }

  /** This CID in {@code base}; a CIDv0 can only be written in base58btc (without prefix). */
  public String toString(Multibase base) {
    if (version == 0) {
      if (base != Multibase.BASE58BTC) {
        throw new IllegalArgumentException("a CIDv0 can only be written in base58btc, not " + base);
      }
      return Base58.encode(bytes);
    }
    return base.encode(bytes);
  }

  @Override
  public int compareTo(Cid other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cid other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
