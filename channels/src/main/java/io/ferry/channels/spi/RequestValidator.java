package io.ferry.channels.spi;

import java.util.concurrent.CompletionStage;

/**
 * Decides whether a responder accepts a push or pull request carrying a voucher of type {@code V}
 * (go-data-transfer's RequestValidator). Answers asynchronously: an implementation that needs I/O
 * (a ledger, a database) returns a stage that completes later and never blocks the caller.
 */
public interface RequestValidator<V> {
  /** A peer wants to send us data. */
  CompletionStage<ValidationResult> validatePush(ValidationRequest<V> request);

  /** A peer wants to receive data from us. */
  CompletionStage<ValidationResult> validatePull(ValidationRequest<V> request);
}
