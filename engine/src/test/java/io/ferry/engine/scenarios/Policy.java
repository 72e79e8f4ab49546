package io.ferry.engine.scenarios;

import io.ferry.channels.ChannelId;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.Revalidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.engine.scenarios.Tickets.Ticket;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * A responder's validator and revalidator whose answers a test sets (nodes are shared by the tests
 * of a class; each test states the policy it needs).
 */
final class Policy {
  volatile Function<ValidationRequest<Ticket>, ValidationResult> onRequest;
  volatile BiFunction<ChannelId, Ticket, ValidationResult> onVoucher;
  volatile Function<ChannelId, Optional<ValidationResult>> onComplete;

  Policy() {
    reset();
  }

  void reset() {
    onRequest = r -> ValidationResult.accept();
    onVoucher = (id, t) -> ValidationResult.resume();
    onComplete = id -> Optional.empty();
  }

  RequestValidator<Ticket> validator() {
    return Tickets.validator(r -> onRequest.apply(r));
  }

  Revalidator<Ticket> revalidator() {
    return new Revalidator<>() {
      @Override
      public CompletionStage<ValidationResult> revalidate(ChannelId channelId, Ticket voucher) {
        return CompletableFuture.completedFuture(onVoucher.apply(channelId, voucher));
      }

      @Override
      public CompletionStage<Optional<ValidationResult>> onComplete(ChannelId channelId) {
        return CompletableFuture.completedFuture(onComplete.apply(channelId));
      }
    };
  }
}
