package io.ferry.validators.paid;

import io.ferry.channels.spi.ValidationResult;
import io.ferry.validators.paid.RetrievalResult.Kind;

/**
 * The answers a paid-retrieval responder gives the engine, each with the {@link RetrievalResult}
 * that tells the client where its channel stands.
 */
final class PaidAnswers {
  private PaidAnswers() {}

  /** Paused until the client pays what {@code account} owes. */
  static ValidationResult paymentDue(PaidChannel account) {
    String why = "payment due: owed " + account.owed() + ", paid " + account.received();
    return limited(ValidationResult.pause(why), account)
        .withVoucherResult(result(Kind.PAYMENT_DUE, account, why));
  }

  /**
   * A paid-up channel at its limit whose peer has no credit left for it: paused, {@code why}, until
   * the credit comes back. Nothing is asked of the client: it has paid what it owes.
   */
  static ValidationResult waitingForCredit(PaidChannel account, String why) {
    return limited(ValidationResult.pause(why), account)
        .withVoucherResult(result(Kind.WAITING_FOR_CREDIT, account, why));
  }

  /**
   * {@code answer} with the account's data limit, when it has one: a channel opened while its peer
   * had no credit has a limit of 0 in the ledger (nothing may be sent), which the engine would take
   * as no limit at all; it stays paused until credit gives it one.
   */
  static ValidationResult limited(ValidationResult answer, PaidChannel account) {
    return account.dataLimit() > 0 ? answer.withDataLimit(account.dataLimit()) : answer;
  }

  static RetrievalResult result(Kind kind, PaidChannel account, String reason) {
    return new RetrievalResult(
        kind, account.owed(), account.received(), account.dataLimit(), reason, null);
  }

  static ValidationResult refuse(String reason) {
    return ValidationResult.reject(reason)
        .withVoucherResult(new RetrievalResult(Kind.REFUSED, 0, 0, 0, reason, null));
  }
}
