package io.ferry.validators;

import io.ferry.channels.ChannelId;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.validation.Verdict;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * How the registry calls plug-ins: on its executor, never on the engine's thread, one call per
 * channel at a time in the order the channel made them ({@link ChannelTurns}), with whatever
 * happens (an answer, a thrown exception, a failed or missing stage, a voucher result that cannot
 * be encoded) turned into a {@link Verdict} that names the cause. Nothing here throws at the
 * engine.
 */
final class PluginCalls {
  private final Executor executor;
  private final Function<Object, TypedVoucher> encoder;
  private final ChannelTurns turns = new ChannelTurns();

  /**
   * @param executor where plug-ins are called
   * @param encoder turns a plug-in's voucher result into type + bytes (throws when it cannot)
   */
  PluginCalls(Executor executor, Function<Object, TypedVoucher> encoder) {
    this.executor = executor;
    this.encoder = encoder;
  }

  /**
   * Runs one plug-in call for {@code channel} ({@code who} names it in failures) in the channel's
   * turn and turns its outcome into a verdict.
   */
  CompletionStage<Verdict> call(
      ChannelId channel, String who, Supplier<CompletionStage<ValidationResult>> pluginCall) {
    return turns.inTurn(
        channel,
        () ->
            CompletableFuture.supplyAsync(pluginCall, executor)
                .thenCompose(
                    stage -> {
                      if (stage == null) {
                        throw new IllegalStateException("returned no answer");
                      }
                      return stage;
                    })
                .handle((result, error) -> error != null ? failed(who, error) : toVerdict(result)));
  }

  /**
   * Asks {@code plugins} in order until one answers (a non-empty result): its answer, or empty when
   * none does. A plug-in that fails ends the round with a rejection naming it ({@code who}).
   */
  <P> CompletionStage<Optional<Verdict>> firstAnswer(
      ChannelId channel,
      List<P> plugins,
      Function<P, String> who,
      Function<P, CompletionStage<Optional<ValidationResult>>> ask) {
    List<P> snapshot = List.copyOf(plugins);
    return turns.inTurn(
        channel,
        () ->
            CompletableFuture.supplyAsync(() -> tryFrom(snapshot, 0, who, ask), executor)
                .thenCompose(Function.identity()));
  }

  private <P> CompletionStage<Optional<Verdict>> tryFrom(
      List<P> all,
      int index,
      Function<P, String> who,
      Function<P, CompletionStage<Optional<ValidationResult>>> ask) {
    if (index >= all.size()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    P current = all.get(index);
    CompletionStage<Optional<ValidationResult>> answer;
    try {
      answer = ask.apply(current);
      if (answer == null) {
        throw new IllegalStateException("returned no answer");
      }
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    return answer
        .handle(
            (result, error) -> {
              if (error != null) {
                return CompletableFuture.completedFuture(
                    Optional.of(failed(who.apply(current), error)));
              }
              if (result == null || result.isEmpty()) {
                return tryFrom(all, index + 1, who, ask);
              }
              return CompletableFuture.completedFuture(Optional.of(toVerdict(result.get())));
            })
        .thenCompose(Function.identity());
  }

  private Verdict toVerdict(ValidationResult result) {
    if (result == null) {
      return Verdict.reject("validator returned no result");
    }
    TypedVoucher encodedResult;
    try {
      encodedResult = result.voucherResult() == null ? null : encoder.apply(result.voucherResult());
    } catch (RuntimeException e) {
      return Verdict.reject("cannot encode voucher result: " + e.getMessage());
    }
    return new Verdict(
        result.decision(),
        result.reason(),
        encodedResult,
        result.dataLimit(),
        result.requiresFinalization());
  }

  private static Verdict failed(String who, Throwable error) {
    Throwable cause = unwrap(error);
    String message = cause.getMessage() == null ? cause.getClass().getName() : cause.getMessage();
    if (cause instanceof IllegalArgumentException && message.startsWith("cannot decode")) {
      return Verdict.reject(message);
    }
    return Verdict.reject(who + " failed: " + message);
  }

  private static Throwable unwrap(Throwable error) {
    Throwable t = error;
    while ((t instanceof CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }
}
