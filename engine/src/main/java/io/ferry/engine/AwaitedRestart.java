package io.ferry.engine;

import io.ferry.channels.ChannelId;
import io.ferry.channels.EventCode;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.Unsubscribe;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A restart whose caller waits for the attempt it began to end: the channel decides ({@link
 * RestartOutcome}) and, when it sent a restart request, records how the attempt ended: {@code
 * Restart} (answered), {@code Disconnected} (failed), or its end. Nothing here decides a restart;
 * it only listens to what the channel recorded.
 */
final class AwaitedRestart {
  private AwaitedRestart() {}

  /** Restarts {@code id} on {@code manager} and waits up to {@code wait} for its attempt to end. */
  static CompletionStage<RestartOutcome> run(Manager manager, ChannelId id, Duration wait) {
    CompletableFuture<RestartOutcome> ended = new CompletableFuture<>();
    Unsubscribe subscription =
        manager.subscribeToEvents(
            (event, state) -> {
              if (!state.channelId().equals(id)) {
                return;
              }
              if (state.status().isTerminal()) {
                ended.complete(new RestartOutcome.EndedMeanwhile(state.status(), state.message()));
              } else if (event.code() == EventCode.Restart) {
                ended.complete(new RestartOutcome.Restarted());
              } else if (event.code() == EventCode.Disconnected) {
                ended.complete(new RestartOutcome.AttemptFailed(event.message()));
              }
            });
    long millis = Math.max(0, wait.toMillis());
    return manager
        .restartDataTransferChannel(id)
        .thenCompose(
            decided ->
                decided instanceof RestartOutcome.RequestSent
                    ? ended.completeOnTimeout(
                        new RestartOutcome.Unanswered(millis), millis, TimeUnit.MILLISECONDS)
                    : CompletableFuture.completedFuture(decided))
        .whenComplete((outcome, error) -> subscription.unsubscribe());
  }
}
