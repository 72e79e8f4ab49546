package io.ferry.engine.scenarios;

import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A responder's validator that accepts every ticket and, once told to {@link #hold()}, answers each
 * restart request only when the test lets it go ({@link #releaseOne()}, {@link #release()}): a test
 * keeps a restart request in flight (asked, not answered) for as long as it needs, and makes the
 * other side restart meanwhile.
 */
final class HeldRestarts implements RequestValidator<Tickets.Ticket> {
  private final Queue<CompletableFuture<ValidationResult>> held = new ArrayDeque<>();
  private int asked;
  private boolean holding;

  /** From now on restart requests wait until they are let go. */
  synchronized void hold() {
    holding = true;
  }

  /** Answers the oldest restart request held. */
  synchronized void releaseOne() {
    CompletableFuture<ValidationResult> next = held.poll();
    if (next == null) {
      throw new IllegalStateException("no restart request is held");
    }
    next.complete(ValidationResult.accept());
  }

  /** Answers every restart request held, and those to come at once. */
  synchronized void release() {
    holding = false;
    held.forEach(f -> f.complete(ValidationResult.accept()));
    held.clear();
  }

  /** How many restart requests this validator was asked to judge. */
  synchronized int restartsAsked() {
    return asked;
  }

  @Override
  public CompletionStage<ValidationResult> validatePush(ValidationRequest<Tickets.Ticket> r) {
    return judge(r);
  }

  @Override
  public CompletionStage<ValidationResult> validatePull(ValidationRequest<Tickets.Ticket> r) {
    return judge(r);
  }

  private synchronized CompletionStage<ValidationResult> judge(
      ValidationRequest<Tickets.Ticket> r) {
    if (!r.isRestart()) {
      return CompletableFuture.completedFuture(ValidationResult.accept());
    }
    asked++;
    if (!holding) {
      return CompletableFuture.completedFuture(ValidationResult.accept());
    }
    CompletableFuture<ValidationResult> answer = new CompletableFuture<>();
    held.add(answer);
    return answer;
  }
}
