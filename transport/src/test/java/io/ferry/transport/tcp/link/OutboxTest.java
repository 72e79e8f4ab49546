package io.ferry.transport.tcp.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.FrameCodec;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.Test;

/**
 * The outbox's bound on control frames: a peer that asks (pings) and reads none of the answers must
 * not grow them without end (issue 19, 5).
 */
class OutboxTest {
  private final ByteString pong = FrameCodec.encode(new Frame.Pong(1));

  @Test
  void controlFramesBeyondTheLimitAreDroppedAndTheOverflowIsToldOnce() {
    Outbox outbox = new Outbox();
    AtomicInteger overflows = new AtomicInteger();
    outbox.onOverflow(overflows::incrementAndGet);

    for (int i = 0; i < 3 * Outbox.CONTROL_FRAMES; i++) {
      outbox.offerControl(pong);
    }

    assertThat(overflows).hasValue(1);
    assertThat(outbox.queuedControlBytes()).isEqualTo((long) Outbox.CONTROL_FRAMES * pong.size());
  }

  @Test
  void largeControlFramesAreBoundedByTheirBytes() {
    Outbox outbox = new Outbox();
    AtomicInteger overflows = new AtomicInteger();
    outbox.onOverflow(overflows::incrementAndGet);
    ByteString page = ByteString.fromArray(new byte[150_000]);

    for (int i = 0; i < 200; i++) {
      outbox.offerControl(page);
    }

    assertThat(overflows).hasValue(1);
    assertThat(outbox.queuedControlBytes()).isLessThanOrEqualTo(Outbox.CONTROL_LIMIT);
  }

  @Test
  void aConnectionWhoseOutboxOverflowsIsAborted() {
    Outbox outbox = new Outbox();
    new Connection(
        1,
        false,
        new java.net.InetSocketAddress("127.0.0.1", 1),
        outbox,
        org.apache.pekko.stream.KillSwitches.shared("c"),
        org.apache.pekko.stream.KillSwitches.shared("s"));

    for (int i = 0; i <= Outbox.CONTROL_FRAMES; i++) {
      outbox.offerControl(pong);
    }

    assertThat(outbox.isClosed()).isTrue();
  }

  @Test
  void aControlFrameGoesOutBeforeTheDataQueuedAheadOfIt() throws Exception {
    // The accept of a queued channel travels in its open, a control frame: it must not wait behind
    // the blocks other channels queued on the same connection.
    Outbox outbox = new Outbox();
    ByteString block = ByteString.fromArray(new byte[256 << 10]);
    int blocks = 0;
    while (outbox.offerData(block, () -> {})) {
      blocks++;
    }
    ByteString open = FrameCodec.encode(new Frame.Pong(7)); // as an open with an accept would
    outbox.offerControl(open);
    org.apache.pekko.actor.ActorSystem system =
        org.apache.pekko.actor.ActorSystem.create("outbox-order");
    try {
      java.util.List<ByteString> out =
          org.apache.pekko.stream.javadsl.Source.fromGraph(outbox.source())
              .take(blocks + 2)
              .runWith(org.apache.pekko.stream.javadsl.Sink.seq(), system)
              .toCompletableFuture()
              .get(30, java.util.concurrent.TimeUnit.SECONDS);

      assertThat(blocks).isPositive();
      assertThat(out.get(0)).isEqualTo(open);
      assertThat(out.subList(1, out.size())).allMatch(block::equals);
    } finally {
      system.terminate();
    }
  }
}
