package io.ferry.validators.signed;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.validators.signed.VoucherRefusal.Reason;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * Checks signed vouchers on the responder's side. A voucher passes only if it is of the expected
 * kind, names the channel it arrived on, is addressed to this node, carries a valid Ed25519
 * signature by the channel's other party (the key inlined in its peer ID), has not expired, and
 * uses a nonce not seen before on the channel. Structural checks come first, then the signature, so
 * a forger learns nothing about expiry or nonce state.
 */
public final class VoucherVerifier {
  private final PeerId self;
  private final Clock clock;

  public VoucherVerifier(PeerId self, Clock clock) {
    this.self = Objects.requireNonNull(self, "self");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * Verifies {@code voucher}, which arrived on {@code channel}, without recording its nonce.
   *
   * @return empty when the voucher is good, else why it is refused
   */
  public Optional<VoucherRefusal> verify(
      SignedVoucher voucher, String expectedKind, ChannelId channel, SeenNonces seen) {
    if (!voucher.kind().equals(expectedKind)) {
      return refuse(
          Reason.WRONG_KIND,
          "voucher is a '" + voucher.kind() + "', expected a '" + expectedKind + "'");
    }
    if (!voucher.channelId().equals(channel)) {
      return refuse(
          Reason.OTHER_CHANNEL,
          "voucher is for channel " + voucher.channelId() + ", not " + channel);
    }
    if (!voucher.responder().equals(self)) {
      return refuse(
          Reason.OTHER_PEER, "voucher is addressed to " + voucher.responder() + ", not " + self);
    }
    if (!channel.isParty(self)) {
      return refuse(Reason.OTHER_CHANNEL, self + " is not a party of channel " + channel);
    }
    PeerId signerPeer = channel.otherParty(self);
    Optional<byte[]> key = signerPeer.ed25519PublicKey();
    if (key.isEmpty()) {
      return refuse(
          Reason.UNVERIFIABLE_SIGNER, "peer ID " + signerPeer + " has no inlined Ed25519 key");
    }
    if (!signatureMatches(key.get(), voucher.signedBytes(), voucher.signature())) {
      return refuse(Reason.BAD_SIGNATURE, "signature is not " + signerPeer + "'s");
    }
    long now = clock.instant().getEpochSecond();
    if (now > voucher.expiresAt()) {
      return refuse(
          Reason.EXPIRED,
          "voucher expired at " + voucher.expiresAt() + ", it is now " + now + " (epoch seconds)");
    }
    if (seen.isSeen(channel, voucher.nonce())) {
      return refuse(
          Reason.REPLAYED_NONCE,
          "nonce " + voucher.nonce() + " was already used on channel " + channel);
    }
    return Optional.empty();
  }

  /**
   * Verifies {@code voucher} and, when it passes, records its nonce in {@code store} in the same
   * step, so two copies of one voucher arriving together cannot both pass.
   */
  public Optional<VoucherRefusal> verifyAndRecord(
      SignedVoucher voucher, String expectedKind, ChannelId channel, NonceStore store) {
    synchronized (store) {
      Optional<VoucherRefusal> refusal = verify(voucher, expectedKind, channel, store);
      if (refusal.isEmpty() && !store.markSeen(channel, voucher.nonce())) {
        return refuse(
            Reason.REPLAYED_NONCE,
            "nonce " + voucher.nonce() + " was already used on channel " + channel);
      }
      return refusal;
    }
  }

  private static boolean signatureMatches(byte[] publicKey, byte[] message, byte[] signature) {
    if (signature.length != Ed25519PublicKeyParameters.KEY_SIZE * 2) {
      return false;
    }
    try {
      Ed25519Signer verifier = new Ed25519Signer();
      verifier.init(false, new Ed25519PublicKeyParameters(publicKey, 0));
      verifier.update(message, 0, message.length);
      return verifier.verifySignature(signature);
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Optional<VoucherRefusal> refuse(Reason reason, String detail) {
    return Optional.of(new VoucherRefusal(reason, detail));
  }
}
