package io.ferry.channels;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import io.ferry.ipld.Base58;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.Multihash;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A peer's identity in libp2p's format: the multihash of the peer's protobuf-encoded public key,
 * written in base58btc. Ed25519 keys are small enough to be inlined with the identity hash, which
 * gives the familiar {@code 12D3KooW...} form and lets anyone recover the public key from the ID.
 */
public final class PeerId implements Comparable<PeerId> {
  /** libp2p's protobuf {@code PublicKey{Type: Ed25519 (1), Data: 32 bytes}} prefix. */
  private static final byte[] ED25519_KEY_PREFIX = {0x08, 0x01, 0x12, 0x20};

  /**
   * Peer IDs parsed before, by their text: a node meets few peers but parses their IDs for every
   * channel it reads back (journal events, snapshots, the read model's checkpoint), and base58
   * decoding was a quarter of a restart's CPU with 20,000 channel records. Bounded; once full, new
   * IDs are parsed every time.
   */
  private static final int KNOWN_MAX = 4096;

  private static final Map<String, PeerId> KNOWN = new ConcurrentHashMap<>();

  private final byte[] multihash;
  private final String text;

  private PeerId(byte[] multihash) {
    this(multihash.clone(), Base58.encode(multihash));
  }

  /** {@code text} must be {@code multihash} in base58btc (which has one text per byte string). */
  private PeerId(byte[] multihash, String text) {
    this.multihash = multihash;
    this.text = text;
  }

  /** The peer ID of an Ed25519 public key (32 raw bytes). */
  public static PeerId ofEd25519(byte[] publicKey) {
    if (publicKey.length != 32) {
      throw new IllegalArgumentException(
          "an Ed25519 public key has 32 bytes, not " + publicKey.length);
    }
    byte[] proto = new byte[ED25519_KEY_PREFIX.length + 32];
    System.arraycopy(ED25519_KEY_PREFIX, 0, proto, 0, ED25519_KEY_PREFIX.length);
    System.arraycopy(publicKey, 0, proto, ED25519_KEY_PREFIX.length, 32);
    return new PeerId(Multihash.identity(proto).toBytes());
  }

  /** Parses the base58btc text form, e.g. {@code 12D3KooW...}. */
  @JsonCreator
  public static PeerId parse(String text) {
    PeerId known = text == null ? null : KNOWN.get(text);
    if (known != null) {
      return known;
    }
    byte[] bytes;
    try {
      bytes = Base58.decode(text);
      Multihash.decode(bytes);
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("not a peer ID: '" + text + "' (" + e.getMessage() + ")");
    }
    PeerId parsed = new PeerId(bytes, text);
    if (KNOWN.size() < KNOWN_MAX) {
      KNOWN.putIfAbsent(text, parsed);
    }
    return parsed;
  }

  /** From the binary multihash form. */
  public static PeerId fromBytes(byte[] multihash) {
    Multihash.decode(multihash);
    return new PeerId(multihash);
  }

  /** The binary multihash form. */
  public byte[] toBytes() {
    return multihash.clone();
  }

  /** The 32-byte Ed25519 public key inlined in this ID, if it is an Ed25519 identity ID. */
  public Optional<byte[]> ed25519PublicKey() {
    Multihash mh = Multihash.decode(multihash);
    byte[] d = mh.digest();
    if (mh.code() != Multicodec.IDENTITY
        || d.length != ED25519_KEY_PREFIX.length + 32
        || !Arrays.equals(d, 0, ED25519_KEY_PREFIX.length, ED25519_KEY_PREFIX, 0, 4)) {
      return Optional.empty();
    }
    return Optional.of(Arrays.copyOfRange(d, ED25519_KEY_PREFIX.length, d.length));
  }

  @JsonValue
  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PeerId p && text.equals(p.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public int compareTo(PeerId o) {
    return text.compareTo(o.text);
  }
}
