package io.ferry.engine.scenarios;

import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.VoucherType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/** A voucher type for the behaviour tests, and validators built from a function. */
final class Tickets {
  private Tickets() {}

  /** The voucher the tests send. */
  record Ticket(String note) {}

  /** The voucher result the tests' validators answer with. */
  record Stamp(String note) {}

  static final VoucherType<Ticket> TICKET = VoucherType.of("ferry-test/ticket", Ticket.class);
  static final VoucherType<Stamp> STAMP = VoucherType.of("ferry-test/stamp", Stamp.class);

  /** A validator that answers every push and pull with {@code answer}. */
  static RequestValidator<Ticket> validator(
      Function<ValidationRequest<Ticket>, ValidationResult> answer) {
    return new RequestValidator<>() {
      @Override
      public CompletionStage<ValidationResult> validatePush(ValidationRequest<Ticket> request) {
        return CompletableFuture.completedFuture(answer.apply(request));
      }

      @Override
      public CompletionStage<ValidationResult> validatePull(ValidationRequest<Ticket> request) {
        return CompletableFuture.completedFuture(answer.apply(request));
      }
    };
  }

  static RequestValidator<Ticket> acceptAll() {
    return validator(r -> ValidationResult.accept());
  }
}
