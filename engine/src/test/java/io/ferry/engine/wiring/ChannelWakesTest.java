package io.ferry.engine.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.entity.ChannelReply;
import io.ferry.channels.testing.Peers;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Wakes after a crash, with the channel's asks played by a stand-in that drops the ones it is told
 * to (as sharding drops a message sent to a shard still placed on a dead member): a dropped ask is
 * asked again, a bounded number of times, and never once the channel runs on this member.
 */
class ChannelWakesTest {
  private static final ChannelId CHANNEL = new ChannelId(Peers.ALICE, Peers.BOB, 7);
  private static final ChannelWakes.Policy THREE =
      new ChannelWakes.Policy(3, Duration.ofMillis(50), Duration.ofMillis(10));

  /** The asks the stand-in got, in order. */
  private final List<ChannelId> asked = new CopyOnWriteArrayList<>();

  private final Set<ChannelId> running = ConcurrentHashMap.newKeySet();

  @Test
  void aWakeWhoseFirstAskIsLostIsAskedAgainUntilTheChannelAnswers() {
    ChannelWakes wakes = new ChannelWakes(dropping(1), running::contains);

    ChannelWakes.Woken woken = join(wakes.wake(CHANNEL, THREE));

    assertThat(woken).isEqualTo(ChannelWakes.Woken.ANSWERED);
    assertThat(asked).containsExactly(CHANNEL, CHANNEL);
  }

  @Test
  void aWakeIsNotAskedAgainOnceTheChannelRunsOnThisMember() {
    // The ask reached the channel (it recovered here) but its answer is slow: asking again would
    // restart it a second time once the first restart is done.
    running.add(CHANNEL);
    ChannelWakes wakes = new ChannelWakes(dropping(Integer.MAX_VALUE), running::contains);

    ChannelWakes.Woken woken = join(wakes.wake(CHANNEL, THREE));

    assertThat(woken).isEqualTo(ChannelWakes.Woken.RUNS_HERE);
    assertThat(asked).containsExactly(CHANNEL);
  }

  @Test
  void aWakeNeverAnsweredGivesUpAfterItsAttempts() {
    ChannelWakes wakes = new ChannelWakes(dropping(Integer.MAX_VALUE), running::contains);

    ChannelWakes.Woken woken = join(wakes.wake(CHANNEL, THREE));

    assertThat(woken).isEqualTo(ChannelWakes.Woken.GAVE_UP);
    assertThat(asked).hasSize(3);
  }

  /**
   * A stand-in for the channel's restart that drops the first {@code lost} asks (they time out).
   */
  private java.util.function.BiFunction<ChannelId, Duration, CompletionStage<ChannelReply>>
      dropping(int lost) {
    return (id, timeout) -> {
      asked.add(id);
      if (asked.size() <= lost) {
        return CompletableFuture.<ChannelReply>supplyAsync(
            () -> {
              throw new java.util.concurrent.CompletionException(
                  new TimeoutException("no answer in " + timeout));
            },
            CompletableFuture.delayedExecutor(timeout.toMillis(), TimeUnit.MILLISECONDS));
      }
      return CompletableFuture.<ChannelReply>completedFuture(new ChannelReply.Unknown());
    };
  }

  private static ChannelWakes.Woken join(CompletionStage<ChannelWakes.Woken> woken) {
    return woken.toCompletableFuture().orTimeout(30, TimeUnit.SECONDS).join();
  }
}
