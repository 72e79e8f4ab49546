package io.ferry.node.http;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import io.ferry.channels.Unsubscribe;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A restart an operator asked for ({@code POST /v1/channels/{id}/restart}), with an answer that
 * says what it did. A restart is asynchronous: this side sends a restart request and the channel
 * records {@code Restart} once the other side answered (or {@code Disconnected} when the attempt
 * failed). The operator waits a little for either, and otherwise learns why nothing was recorded
 * (nothing to restart in this state, or a restart already under way). A channel that has ended
 * cannot restart: that is refused (409). Every operator restart is logged with its outcome.
 */
final class OperatorRestart {
  private static final Logger log = LoggerFactory.getLogger(OperatorRestart.class);

  /**
   * What the restart did.
   *
   * @param outcome {@code restarted} (the other side answered; a Restart event was recorded),
   *     {@code failed} (the attempt failed; the channel retries by itself), {@code ended} (the
   *     channel ended meanwhile), {@code nothing-to-restart} (this side only waits for the other),
   *     or {@code pending} (no answer within the wait)
   * @param detail a sentence for the operator
   */
  record Outcome(String outcome, String detail) {}

  private OperatorRestart() {}

  /**
   * Restarts {@code id} on {@code node} and waits up to {@code wait} for the restart to be
   * recorded; completes with the channel afterwards and what the restart did.
   */
  static CompletionStage<Result> run(NodeBackend node, ChannelId id, Duration wait) {
    return node.manager()
        .channelState(id)
        .thenCompose(
            before -> {
              if (before.status().isTerminal()) {
                throw new IllegalStateException(
                    "channel "
                        + id
                        + " is "
                        + before.status()
                        + ": a channel that has ended cannot restart");
              }
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
                      v ->
                          recorded.completeOnTimeout(
                              null, Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS))
                  .thenCompose(
                      seen ->
                          node.manager()
                              .channelState(id)
                              .thenApply(after -> new Result(after, outcome(seen, after, wait))))
                  .whenComplete((r, e) -> subscription.unsubscribe());
            })
        .whenComplete(
            (r, e) -> {
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

  private static Outcome outcome(Seen seen, ChannelState after, Duration wait) {
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
    String waits = waitsOnly(after);
    if (waits != null) {
      return new Outcome("nothing-to-restart", waits);
    }
    return new Outcome(
        "pending",
        "no restart was recorded within "
            + wait.toMillis()
            + " ms: either a restart of this channel is already under way (this side sent a"
            + " request that awaits its answer, or restarted it once since its connection came"
            + " up) or the other side is slow to answer; the channel's events will show a"
            + " Restart when it happens");
  }

  /** Why a channel in this state has nothing to restart, or null when it has. */
  private static String waitsOnly(ChannelState s) {
    Status st = s.status();
    if (s.isInitiator()
        && (st == Status.TransferFinished || st == Status.ResponderFinalizingTransferFinished)) {
      return "this side holds all its data and waits for the responder to finish ("
          + st
          + "); there is nothing to restart";
    }
    if (!s.isInitiator() && st == Status.Finalizing) {
      return "this side sent everything and waits for the initiator's final voucher (Finalizing);"
          + " there is nothing to restart";
    }
    if (st.isCleanup()) {
      return "the channel is finishing its cleanup (" + st + ")";
    }
    return null;
  }
}
