package io.ferry.validators.paid;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.validators.VoucherCodec;
import io.ferry.validators.paid.RetrievalPayment.PaymentClaim;
import io.ferry.validators.paid.RetrievalResult.Kind;
import io.ferry.validators.signed.SeenNonces;
import io.ferry.validators.signed.VoucherRefusal;
import io.ferry.validators.signed.VoucherVerifier;
import java.time.Clock;
import java.util.Optional;

/**
 * Checks a payment voucher before it is credited: signed by the channel's initiator for this
 * channel and this node, not expired, its nonce fresh ({@link VoucherVerifier}), and its claim
 * readable. A voucher credited already is let through again as a repeat, not refused as a replay:
 * after a crash of either side the payer sends its last voucher again, and it counts once (issue
 * 19, 3). The validator calls it holding its ledger's lock.
 */
final class PaymentVouchers {
  /** What a payment voucher turned out to be. */
  sealed interface Checked {}

  /**
   * A payment to credit.
   *
   * @param cumulative the amount paid on the channel in all
   * @param nonce the voucher's nonce
   * @param repeat whether the ledger credited this voucher before (it counts once)
   */
  record Claim(long cumulative, long nonce, boolean repeat) implements Checked {}

  /** A voucher refused, with the answer that says why. */
  record Refused(ValidationResult answer) implements Checked {}

  private final ResponderLedger ledger;
  private final VoucherVerifier verifier;
  private final VoucherCodec codec = VoucherCodec.standard();

  PaymentVouchers(PeerId self, ResponderLedger ledger, Clock clock) {
    this.ledger = ledger;
    this.verifier = new VoucherVerifier(self, clock);
  }

  /** Checks {@code payment} on {@code channel}, whose account was {@code account}. */
  Checked check(ChannelId channel, PaidChannel account, RetrievalPayment payment) {
    long nonce = payment.voucher().nonce();
    boolean repeat = ledger.isSeen(channel, nonce);
    SeenNonces seen = repeat ? (c, n) -> false : ledger;
    Optional<VoucherRefusal> refusal =
        verifier.verify(payment.voucher(), RetrievalPayment.KIND, channel, seen);
    if (refusal.isPresent()) {
      return new Refused(
          ValidationResult.reject("payment refused: " + refusal.get().message())
              .withVoucherResult(
                  new RetrievalResult(
                      Kind.REFUSED,
                      account.owed(),
                      account.received(),
                      account.dataLimit(),
                      refusal.get().message(),
                      refusal.get())));
    }
    PaymentClaim claim;
    try {
      claim = codec.decode(payment.voucher().terms(), PaymentClaim.class);
    } catch (IllegalArgumentException e) {
      return new Refused(PaidAnswers.refuse("payment claim unreadable: " + e.getMessage()));
    }
    if (repeat && claim.cumulativeAmount() > ledger.channel(channel).orElseThrow().received()) {
      return new Refused(
          PaidAnswers.refuse(
              "payment refused: nonce "
                  + nonce
                  + " was used on this channel for a smaller amount"));
    }
    return new Claim(claim.cumulativeAmount(), nonce, repeat);
  }
}
