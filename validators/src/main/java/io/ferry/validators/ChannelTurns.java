package io.ferry.validators;

import io.ferry.channels.ChannelId;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Runs each channel's plug-in calls one at a time, in the order the channel made them; calls for
 * different channels run side by side.
 *
 * <p>The registry calls plug-ins on a pool of threads, and without this two calls a channel made in
 * order could reach a plug-in in the other order. A paid pull's responder asked {@code
 * onPullDataSent} for its last bytes and then {@code onComplete}; when {@code onComplete} ran first
 * the ledger did not yet count those bytes, saw nothing outstanding and settled the channel without
 * its final payment.
 *
 * <p>A call's turn ends after its answer was handed on (the caller's callbacks on the returned
 * stage have run), so the answers also reach the channel in order. A plug-in that never answers
 * holds its channel's later calls, as it already holds the channel.
 */
final class ChannelTurns {
  /** Each channel's last call, ended once its answer was handed on; removed when nothing waits. */
  private final ConcurrentHashMap<ChannelId, CompletableFuture<Void>> last =
      new ConcurrentHashMap<>();

  /** Starts {@code call} once every earlier call for {@code channel} has ended. */
  <T> CompletionStage<T> inTurn(ChannelId channel, Supplier<CompletionStage<T>> call) {
    CompletableFuture<T> answer = new CompletableFuture<>();
    CompletableFuture<Void> ended = new CompletableFuture<>();
    CompletableFuture<Void> before = last.put(channel, ended);
    Runnable start =
        () -> {
          CompletionStage<T> stage;
          try {
            stage = call.get();
          } catch (RuntimeException e) {
            stage = CompletableFuture.failedFuture(e);
          }
          stage.whenComplete(
              (value, error) -> {
                if (error != null) {
                  answer.completeExceptionally(error);
                } else {
                  answer.complete(value);
                }
                last.remove(channel, ended);
                ended.complete(null);
              });
        };
    if (before == null) {
      start.run();
    } else {
      before.whenComplete((ok, error) -> start.run());
    }
    return answer;
  }

  /** How many channels have a call under way or waiting (for tests). */
  int busyChannels() {
    return last.size();
  }
}
