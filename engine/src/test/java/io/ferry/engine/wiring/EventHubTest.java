package io.ferry.engine.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Counters;
import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import io.ferry.channels.testing.Peers;
import io.ferry.ipld.selector.Selectors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Sink;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class EventHubTest {
  private static final ActorTestKit kit = ActorTestKit.create();

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  private static final ChannelState STATE =
      new ChannelState(
          new ChannelId(Peers.ALICE, Peers.BOB, 1),
          Peers.ALICE,
          Peers.cid("root"),
          Selectors.all(),
          Peers.ALICE,
          Peers.BOB,
          0,
          Status.Ongoing,
          Counters.NONE,
          0,
          false,
          false,
          false,
          false,
          0,
          "",
          List.of(),
          List.of(),
          Instant.EPOCH,
          Instant.EPOCH);

  private static ChannelEvent event(long n) {
    return new ChannelEvent(EventCode.DataSent, "", Instant.EPOCH, n);
  }

  @Test
  void aSlowCallbackNeitherBlocksPublishingNorLosesOrder() throws Exception {
    EventHub hub = new EventHub(1000);
    CountDownLatch release = new CountDownLatch(1);
    List<Long> got = new CopyOnWriteArrayList<>();
    hub.subscribe(
        (e, s) -> {
          try {
            release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
          got.add(e.sequenceNr());
        });

    for (long i = 1; i <= 500; i++) {
      hub.publish(event(i), STATE); // returns although the subscriber is stuck on the first
    }
    assertThat(got).isEmpty();
    release.countDown();

    io.ferry.channels.testing.Poll.until(
        Duration.ofSeconds(10), "all delivered", () -> got.size() == 500);
    assertThat(got).isSorted().startsWith(1L).endsWith(500L);
    hub.close();
  }

  @Test
  void anUnsubscribedCallbackHearsNothingMore() {
    EventHub hub = new EventHub(100);
    List<Long> got = new CopyOnWriteArrayList<>();
    var handle = hub.subscribe((e, s) -> got.add(e.sequenceNr()));
    hub.publish(event(1), STATE);
    io.ferry.channels.testing.Poll.until(Duration.ofSeconds(10), "first", () -> got.size() == 1);

    handle.unsubscribe();
    hub.publish(event(2), STATE);
    List<Long> other = new CopyOnWriteArrayList<>();
    hub.subscribe((e, s) -> other.add(e.sequenceNr()));
    hub.publish(event(3), STATE);

    io.ferry.channels.testing.Poll.until(Duration.ofSeconds(10), "other", () -> other.size() == 1);
    assertThat(got).containsExactly(1L);
    hub.close();
  }

  @Test
  void aStreamGetsEveryEventInOrder() throws Exception {
    EventHub hub = new EventHub(100);
    CompletionStage<List<Pair<ChannelEvent, ChannelState>>> all =
        hub.source().take(20).runWith(Sink.seq(), kit.system());
    io.ferry.channels.testing.Poll.until(
        Duration.ofSeconds(10),
        "stream registered",
        () -> {
          hub.publish(event(0), STATE);
          return true;
        });
    for (long i = 1; i < 20; i++) {
      hub.publish(event(i), STATE);
    }

    List<Pair<ChannelEvent, ChannelState>> events =
        all.toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertThat(events).extracting(p -> p.first().sequenceNr()).isSorted().hasSize(20);
    hub.close();
  }

  @Test
  void closingJustAfterAStreamEndedByItselfClosesEverythingElse() throws Exception {
    // A stream that ends by itself (here: its consumer cancels at once) completes its queue before
    // the hub hears of its end; a close() in between must still close the other subscribers.
    for (int round = 0; round < 100; round++) {
      EventHub hub = new EventHub(100);
      hub.source().runWith(Sink.cancelled(), kit.system());
      CountDownLatch heard = new CountDownLatch(1);
      hub.subscribe((e, st) -> heard.countDown());
      // Jitter, not a wait: spinning a varying while moves close() across the stream's end.
      for (int spin = 0; spin < (round % 5) * 20_000; spin++) {
        Thread.onSpinWait();
      }

      hub.close();

      hub.publish(event(1), STATE);
      assertThat(heard.await(20, TimeUnit.MILLISECONDS))
          .as("round %d: the callback subscriber was closed too", round)
          .isFalse();
    }
  }

  @Test
  void aStreamThatFallsTooFarBehindFailsWithAClearError() {
    EventHub hub = new EventHub(10);
    CountDownLatch release = new CountDownLatch(1);
    CompletionStage<Long> count =
        hub.source()
            .map(
                p -> {
                  release.await(10, TimeUnit.SECONDS);
                  return p;
                })
            .runWith(Sink.fold(0L, (n, p) -> n + 1), kit.system());
    // The stream is fused in one actor, now stuck in the map stage: its queue fills and overflows.
    for (int i = 0; i < 100; i++) {
      hub.publish(event(i), STATE);
    }
    release.countDown();

    assertThat(count.toCompletableFuture())
        .failsWithin(Duration.ofSeconds(10))
        .withThrowableThat()
        .withMessageContaining("fell more than 10 events behind");
    hub.close();
  }

  @Test
  void aStreamAfterANumberGetsTheKeptEventsThenTheLiveOnesEachOnce() throws Exception {
    EventHub hub = new EventHub(100);
    for (long i = 1; i <= 10; i++) {
      hub.publish(event(i), STATE);
    }
    assertThat(hub.lastNumber()).isEqualTo(10);

    CompletionStage<List<EventHub.Live>> rest =
        hub.liveAfter(6).orElseThrow().take(9).runWith(Sink.seq(), kit.system());
    io.ferry.channels.testing.Poll.until(
        Duration.ofSeconds(10),
        "the stream took the kept events",
        () -> {
          hub.publish(event(hub.lastNumber() + 1), STATE);
          return hub.lastNumber() >= 15;
        });

    assertThat(rest.toCompletableFuture().get(10, TimeUnit.SECONDS))
        .extracting(EventHub.Live::number)
        .containsExactly(7L, 8L, 9L, 10L, 11L, 12L, 13L, 14L, 15L);
    hub.close();
  }

  @Test
  void aNumberNoLongerKeptOrNotYetReachedCannotBeResumedAfter() {
    EventHub hub = new EventHub(5);
    for (long i = 1; i <= 20; i++) {
      hub.publish(event(i), STATE);
    }

    assertThat(hub.liveAfter(15)).as("16 is the oldest kept").isPresent();
    assertThat(hub.liveAfter(14)).as("15 is gone").isEmpty();
    assertThat(hub.liveAfter(21)).as("21 was never published").isEmpty();
    hub.close();
  }
}
