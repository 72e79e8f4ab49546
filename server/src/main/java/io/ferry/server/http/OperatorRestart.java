package io.ferry.server.http;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.Unsubscribe;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restart an operator asked for ({@code POST /v1/channels/{id}/restart}), with an answer that
 * says what it did. The channel decides and says what it did ({@link RestartOutcome}); when it sent
 * a restart request, the operator waits a little for the answer's event ({@code Restart}, or {@code
 * Disconnected} when the attempt failed). A channel that has ended cannot restart: that is refused
 * (409). Every operator restart is logged with its outcome.
 */
final class OperatorRestart {
  private static final Logger log = LoggerFactory.getLogger(OperatorRestart.class);

  /**
   * What the restart did.
   *
   * @param outcome {@code restarted} (the other side answered; a Restart event was recorded),
   *     {@code failed} (the attempt failed; the channel retries by itself), {@code ended} (the
   *     channel ended meanwhile), {@code nothing-to-restart} (this side only waits for the other),
   *     or {@code pending} (a restart already under way, or no answer within the wait)
   * @param detail a sentence for the operator
   */
  record Outcome(String outcome, String detail) {}

  private OperatorRestart() {}

  /**
   * Restarts {@code id} on {@code node} and, when the channel sent a restart request, waits up to
   * {@code wait} for its answer to be recorded; completes with the channel afterwards and what the
   * restart did.
   */
  static CompletionStage<Result> run(NodeBackend node, ChannelId id, Duration wait) {
    CompletableFuture<Seen> recorded = new CompletableFuture<>();
    Unsubscribe subscription =
        node.manager()
            .subscribeToEvents(
                (event, state) -> {
                  if (state.channelId().equals(id)
                      && (event.code() == EventCode.Restart
                          || event.code() == EventCode.Disconnected
                          || state.status().isTerminal())) {
                    recorded.complete(new Seen(event.code(), event.message()));
                  }
                });
    return node.manager()
        .restartDataTransferChannel(id)
        .thenCompose(
            decided -> {
              if (decided instanceof RestartOutcome.Ended ended) {
                throw new IllegalStateException(
                    "channel "
                        + id
                        + " is "
                        + ended.status()
                        + ": a channel that has ended cannot restart");
              }
              CompletionStage<Seen> answered =
                  decided instanceof RestartOutcome.RequestSent
                      ? recorded.completeOnTimeout(
                          null, Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS)
                      : CompletableFuture.completedFuture(null);
              return answered.thenCompose(
                  seen ->
                      node.manager()
                          .channelState(id)
                          .thenApply(
                              after -> new Result(after, outcome(decided, seen, after, wait))));
            })
        .whenComplete(
            (r, e) -> {
              subscription.unsubscribe();
              if (r != null) {
                log.info(
                    "channel {}: restart asked by the operator: {}: {}",
                    id,
                    r.outcome().outcome(),
                    r.outcome().detail());
              }
            });
  }

  /** The channel after the restart, and what the restart did. */
  record Result(ChannelState state, Outcome outcome) {}

  /** The event that told how the restart went. */
  private record Seen(EventCode code, String message) {}

  private static Outcome outcome(
      RestartOutcome decided, Seen seen, ChannelState after, Duration wait) {
    if (decided instanceof RestartOutcome.AlreadyUnderWay) {
      return new Outcome("pending", decided.describe());
    }
    if (!(decided instanceof RestartOutcome.RequestSent)) {
      return new Outcome("nothing-to-restart", decided.describe());
    }
    if (after.status().isTerminal()) {
      return new Outcome(
          "ended",
          "the channel ended "
              + after.status()
              + (after.message().isBlank() ? "" : ": " + after.message()));
    }
    if (seen != null && seen.code() == EventCode.Disconnected) {
      return new Outcome(
          "failed",
          "the restart attempt failed ("
              + seen.message()
              + "); a stalled channel tries again by itself");
    }
    if (seen != null) {
      return new Outcome(
          "restarted",
          "the other side answered the restart; the transfer continues from what this side holds");
    }
    return new Outcome(
        "pending",
        "no restart was recorded within "
            + wait.toMillis()
            + " ms: the other side has not answered the restart request yet; the channel's"
            + " events will show a Restart when it does");
  }
}
