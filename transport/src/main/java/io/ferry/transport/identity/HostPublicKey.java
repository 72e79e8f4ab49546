package io.ferry.transport.identity;

import io.ferry.channels.PeerId;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A node's public host key: an Ed25519 key of 32 bytes. On the wire (in the TLS certificate
 * extension) it travels in libp2p's protobuf form {@code PublicKey{Type: Ed25519, Data: key}},
 * which is also what the peer ID inlines.
 */
public final class HostPublicKey {
  /** libp2p's KeyType numbers, for error messages about keys Ferry does not accept. */
  private static final String[] KEY_TYPES = {"RSA", "Ed25519", "Secp256k1", "ECDSA"};

  private static final int ED25519 = 1;

  private final byte[] key;

  private HostPublicKey(byte[] key) {
    this.key = key;
  }

  /** The key from its 32 raw bytes. */
  public static HostPublicKey ofEd25519(byte[] raw) {
    if (raw.length != Ed25519PublicKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 public key has 32 bytes, not " + raw.length);
    }
    return new HostPublicKey(raw.clone());
  }

  /**
   * Decodes libp2p's protobuf {@code PublicKey} message: field 1 (varint) the key type, field 2
   * (bytes) the key. Only Ed25519 keys are accepted.
   */
  public static HostPublicKey fromProtobuf(byte[] proto) {
    int type = -1;
    byte[] data = null;
    int i = 0;
    while (i < proto.length) {
      int tag = proto[i++] & 0xff;
      if (tag == 0x08) {
        long[] v = readVarint(proto, i);
        type = (int) v[0];
        i = (int) v[1];
      } else if (tag == 0x12) {
        long[] len = readVarint(proto, i);
        i = (int) len[1];
        if (len[0] > proto.length - i) {
          throw new IllegalArgumentException(
              "public key protobuf declares "
                  + len[0]
                  + " key bytes but has "
                  + (proto.length - i));
        }
        data = Arrays.copyOfRange(proto, i, i + (int) len[0]);
        i += (int) len[0];
      } else {
        throw new IllegalArgumentException(
            "public key protobuf has an unexpected field tag 0x" + Integer.toHexString(tag));
      }
    }
    if (type < 0 || data == null) {
      throw new IllegalArgumentException(
          "public key protobuf lacks its " + (type < 0 ? "Type" : "Data") + " field");
    }
    if (type != ED25519) {
      String name = type < KEY_TYPES.length ? KEY_TYPES[type] : "unknown type " + type;
      throw new IllegalArgumentException(
          "host key is " + name + "; Ferry accepts only Ed25519 host keys");
    }
    return ofEd25519(data);
  }

  private static long[] readVarint(byte[] in, int at) {
    long value = 0;
    int shift = 0;
    while (true) {
      if (at >= in.length || shift > 28) {
        throw new IllegalArgumentException("public key protobuf has a truncated varint");
      }
      int b = in[at++] & 0xff;
      value |= (long) (b & 0x7f) << shift;
      if ((b & 0x80) == 0) {
        return new long[] {value, at};
      }
      shift += 7;
    }
  }

  /** The protobuf form: {@code 08 01 12 20 <32 key bytes>}. */
  public byte[] toProtobuf() {
    byte[] out = new byte[4 + key.length];
    out[0] = 0x08;
    out[1] = ED25519;
    out[2] = 0x12;
    out[3] = (byte) key.length;
    System.arraycopy(key, 0, out, 4, key.length);
    return out;
  }

  /** The 32 raw key bytes (a copy). */
  public byte[] raw() {
    return key.clone();
  }

  /** The peer ID of this key ({@code 12D3KooW...}). */
  public PeerId peerId() {
    return PeerId.ofEd25519(key);
  }

  /** Whether {@code signature} is this key's Ed25519 signature of {@code message}. */
  public boolean verify(byte[] message, byte[] signature) {
    Ed25519Signer verifier = new Ed25519Signer();
    verifier.init(false, new Ed25519PublicKeyParameters(key, 0));
    verifier.update(message, 0, message.length);
    return verifier.verifySignature(signature);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostPublicKey k && Arrays.equals(key, k.key);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "Ed25519:" + HexFormat.of().formatHex(key);
  }
}
