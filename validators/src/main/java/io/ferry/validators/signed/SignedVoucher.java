package io.ferry.validators.signed;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A voucher signed by the peer that sends it (the channel's initiator).
 *
 * @param kind what the terms mean, e.g. {@code "ferry/paid-retrieval/payment/1"}; signed too, so a
 *     voucher signed for one purpose is never accepted for another
 * @param channelId the only channel the voucher is good for
 * @param responder the peer the voucher is addressed to
 * @param nonce a number the signer never reuses on this channel (a sequence number)
 * @param expiresAt epoch second after which the voucher is refused
 * @param terms the type-specific content (CBOR bytes of the kind's terms record)
 * @param signature Ed25519 signature over {@link #signedBytes()}
 */
public record SignedVoucher(
    String kind,
    ChannelId channelId,
    PeerId responder,
    long nonce,
    long expiresAt,
    byte[] terms,
    byte[] signature) {
  private static final byte[] DOMAIN = "ferry/signed-voucher/1\n".getBytes(StandardCharsets.UTF_8);

  public SignedVoucher {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(channelId, "channelId");
    Objects.requireNonNull(responder, "responder");
    terms = terms == null ? new byte[0] : terms.clone();
    signature = signature == null ? new byte[0] : signature.clone();
  }

  @Override
  public byte[] terms() {
    return terms.clone();
  }

  @Override
  public byte[] signature() {
    return signature.clone();
  }

  /** The bytes the signature covers: every field but the signature, in a fixed layout. */
  public byte[] signedBytes() {
    return payload(kind, channelId, responder, nonce, expiresAt, terms);
  }

  /** The signed layout: a domain tag, then each field length-prefixed or fixed-width. */
  static byte[] payload(
      String kind,
      ChannelId channelId,
      PeerId responder,
      long nonce,
      long expiresAt,
      byte[] terms) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(160 + terms.length);
      DataOutputStream out = new DataOutputStream(bytes);
      out.write(DOMAIN);
      writeBytes(out, kind.getBytes(StandardCharsets.UTF_8));
      writeBytes(out, channelId.toString().getBytes(StandardCharsets.UTF_8));
      writeBytes(out, responder.toBytes());
      out.writeLong(nonce);
      out.writeLong(expiresAt);
      writeBytes(out, terms);
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
    out.writeInt(b.length);
    out.write(b);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SignedVoucher v
        && kind.equals(v.kind)
        && channelId.equals(v.channelId)
        && responder.equals(v.responder)
        && nonce == v.nonce
        && expiresAt == v.expiresAt
        && Arrays.equals(terms, v.terms)
        && Arrays.equals(signature, v.signature);
  }

  @Override
  public int hashCode() {
    return Objects.hash(kind, channelId, nonce, Arrays.hashCode(signature));
  }

  @Override
  public String toString() {
    return "SignedVoucher["
        + kind
        + " for "
        + channelId
        + " to "
        + responder
        + ", nonce "
        + nonce
        + ", expires "
        + expiresAt
        + ", terms "
        + HexFormat.of().formatHex(terms)
        + "]";
  }
}
