package io.ferry.server.http;

import io.ferry.channels.ChannelId;
import io.ferry.server.payments.AutoPayer;
import io.ferry.validators.paid.Balance;
import io.ferry.validators.paid.ClientAccount;
import io.ferry.validators.paid.PaidRetrievalTerms;
import io.ferry.validators.paid.PaymentOutcome;
import java.util.Optional;

/**
 * What this node paid for one paid pull, as the API shows it: the terms agreed to, the amounts
 * reserved, signed ({@code paid}), confirmed by the provider ({@code acknowledged}) and spent, how
 * many payment vouchers were sent, the payer's last action, and the node's budget after it.
 *
 * @param channel the channel ID
 * @param terms the price the channel was opened at
 * @param state {@code running} while the channel runs, else the status it ended with
 * @param reserved budget set aside for the channel in all
 * @param paid the cumulative amount of the last payment voucher sent
 * @param acknowledged what the provider confirmed receiving
 * @param spent what counts as spent: acknowledged while running, everything paid once ended
 * @param vouchers how many payment vouchers were sent
 * @param lastNonce the nonce of the last voucher (0 before the first)
 * @param lastOutcome the payer's last action on the channel since the node started, or null
 * @param budget the node's whole budget now
 */
public record PaymentsView(
    String channel,
    Terms terms,
    String state,
    long reserved,
    long paid,
    long acknowledged,
    long spent,
    long vouchers,
    long lastNonce,
    Outcome lastOutcome,
    Budget budget) {

  /** The paid-retrieval terms of a channel. */
  public record Terms(
      long pricePerByte, long paymentInterval, long paymentIntervalIncrease, long unsealPrice) {
    static Terms of(PaidRetrievalTerms t) {
      return new Terms(
          t.pricePerByte(), t.paymentInterval(), t.paymentIntervalIncrease(), t.unsealPrice());
    }
  }

  /**
   * The payer's last action.
   *
   * @param kind {@code Reserved}, {@code Paid}, {@code Acknowledged}, {@code AwaitingData}, {@code
   *     InsufficientFunds}, {@code Refused}, {@code SendFailed}, {@code Settled} or {@code Ignored}
   * @param detail the action in words
   */
  public record Outcome(String kind, String detail) {
    static Outcome of(PaymentOutcome o) {
      return new Outcome(o.getClass().getSimpleName(), describe(o));
    }

    private static String describe(PaymentOutcome o) {
      if (o instanceof PaymentOutcome.Reserved r) {
        return "reserved " + r.amount();
      } else if (o instanceof PaymentOutcome.Paid p) {
        return "sent voucher " + p.nonce() + " for " + p.cumulative() + " (+" + p.increment() + ")";
      } else if (o instanceof PaymentOutcome.Acknowledged a) {
        return "provider confirmed " + a.acknowledged();
      } else if (o instanceof PaymentOutcome.AwaitingData a) {
        return "owed " + a.owed() + ", the data received so far is worth " + a.payable();
      } else if (o instanceof PaymentOutcome.InsufficientFunds f) {
        return f.message();
      } else if (o instanceof PaymentOutcome.Refused r) {
        return "refused: " + r.reason();
      } else if (o instanceof PaymentOutcome.SendFailed s) {
        return "voucher " + s.nonce() + " was not sent: " + s.error();
      } else if (o instanceof PaymentOutcome.Settled s) {
        return "ended " + s.status() + ": spent " + s.spent() + ", released " + s.released();
      } else if (o instanceof PaymentOutcome.Ignored i) {
        return i.why();
      }
      return o.toString();
    }
  }

  /** The node's budget: everything deposited, reserved for running channels, spent, available. */
  public record Budget(long total, long reserved, long spent, long available) {
    static Budget of(Balance b) {
      return new Budget(b.budget(), b.reserved(), b.spent(), b.available());
    }
  }

  /** The view of {@code account}, with what {@code payer} last did about the channel. */
  static PaymentsView of(ChannelId channel, ClientAccount account, AutoPayer payer) {
    Optional<PaymentOutcome> last = payer.lastOutcome(channel);
    return new PaymentsView(
        channel.toString(),
        Terms.of(account.terms()),
        account.ended() ? account.endedAs().name() : "running",
        account.reserved(),
        account.issued(),
        account.acknowledged(),
        account.spent(),
        account.vouchers(),
        account.lastNonce(),
        last.map(Outcome::of).orElse(null),
        Budget.of(payer.balance()));
  }
}
