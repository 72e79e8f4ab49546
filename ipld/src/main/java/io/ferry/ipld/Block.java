package io.ferry.ipld;

/**
 * A CID and the bytes it names. A block is either verified (hashed and compared on creation) or
 * trusted (read back from the local store, which only holds verified blocks). The bytes are not
 * copied: callers must not change the array they pass in or get back.
 */
public final class Block {
  private final Cid cid;
  private final byte[] data;

  private Block(Cid cid, byte[] data) {
    this.cid = cid;
    this.data = data;
  }

  /** Hashes {@code data} with the function of {@code cid}'s multihash and compares. */
  public static Block verify(Cid cid, byte[] data) throws BlockVerificationException {
    Multihash expected = cid.multihash();
    Multihash actual = Multihash.compute(expected.code(), data);
    if (!actual.equals(expected)) {
      throw new BlockVerificationException(cid, cid.withMultihash(actual));
    }
    return new Block(cid, data);
  }

  /** A block from the local store: not re-hashed. */
  public static Block trusted(Cid cid, byte[] data) {
    return new Block(cid, data);
  }

  /** A new block of {@code data} in {@code codec}, named by its CIDv1 with sha2-256. */
  public static Block of(long codec, byte[] data) {
    return new Block(Cid.sha256(codec, data), data);
  }

  public Cid cid() {
    return cid;
  }

  /** The bytes (not a copy). */
  public byte[] data() {
    return data;
  }

  public int size() {
    return data.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Block other && cid.equals(other.cid);
  }

  @Override
  public int hashCode() {
    return cid.hashCode();
  }

  @Override
  public String toString() {
    return "Block[" + cid + ", " + data.length + " bytes]";
  }
}
