package io.ferry.validators.signed;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.spi.ValidatorContext;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * Signs vouchers on the initiator's side with the node key ({@link ValidatorContext#signer()}).
 * Each voucher is addressed to the channel's other party and expires {@code validity} after it is
 * signed.
 */
public final class VoucherSigner {
  private final PeerId self;
  private final ValidatorContext.Signer signer;
  private final Clock clock;
  private final Duration validity;

  public VoucherSigner(
      PeerId self, ValidatorContext.Signer signer, Clock clock, Duration validity) {
    this.self = Objects.requireNonNull(self, "self");
    this.signer = Objects.requireNonNull(signer, "signer");
    this.clock = Objects.requireNonNull(clock, "clock");
    if (validity.isNegative() || validity.isZero()) {
      throw new IllegalArgumentException("voucher validity must be positive, was " + validity);
    }
    this.validity = validity;
  }

  /** A signer for the node described by {@code context}. */
  public static VoucherSigner of(ValidatorContext context, Clock clock, Duration validity) {
    return new VoucherSigner(context.self(), context.signer(), clock, validity);
  }

  /**
   * Signs {@code terms} of {@code kind} for {@code channelId}, addressed to the channel's other
   * party.
   *
   * @throws IllegalArgumentException when this node is not a party of the channel
   */
  public SignedVoucher sign(String kind, ChannelId channelId, long nonce, byte[] terms) {
    PeerId to = channelId.otherParty(self);
    long expiresAt = clock.instant().plus(validity).getEpochSecond();
    byte[] payload = SignedVoucher.payload(kind, channelId, to, nonce, expiresAt, terms);
    byte[] signature = signer.sign(payload);
    if (signature == null || signature.length != 64) {
      throw new IllegalStateException(
          "the node signer returned "
              + (signature == null ? "nothing" : signature.length + " bytes")
              + ", not a 64-byte Ed25519 signature");
    }
    return new SignedVoucher(kind, channelId, to, nonce, expiresAt, terms, signature);
  }
}
