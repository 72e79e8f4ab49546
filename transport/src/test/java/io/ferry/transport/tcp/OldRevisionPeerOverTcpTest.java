package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.channels.wire.DataRequest;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node of revision 1 (its handshake announces no {@code /ferry-revision/}, and it refuses frame
 * kind 0x10 as the nodes before revisions did: the connection closes) and a current node, over one
 * real TLS connection: a pull and a push each way, every receiver pausing its channel while its
 * sender still holds unused credit, which a sender of revision 2 answers with CREDIT-RETURN (0x10)
 * when, and only when, its peer announced revision 2. Without that negotiation the current node
 * sends 0x10 to the old one, which drops the connection.
 */
class OldRevisionPeerOverTcpTest {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final int WINDOW = 1 << 20;
  private static final int SIZE = 1 << 20;

  private TcpNode current;
  private TcpNode old;

  @BeforeEach
  void start() throws Exception {
    // 128 KiB/s to each peer (after a burst of 256 KiB) and one 1 MiB window per channel: every
    // channel is still moving when its receiver pauses it, with credit unused at its sender.
    current =
        new TcpNode(
            "current",
            s -> s.withRates(0, 0, 128 << 10, 0).withFlow(WINDOW, 4 * WINDOW, 64L << 20));
    old =
        new TcpNode(
            "old",
            s ->
                s.withRevision(1)
                    .withRates(0, 0, 128 << 10, 0)
                    .withFlow(WINDOW, 4 * WINDOW, 64L << 20));
    old.transport.connect(current.address()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    old.close();
    current.close();
  }

  /** A channel from {@code sender} to {@code receiver}, initiated by one of them. */
  private record Transfer(
      ChannelId id, TcpNode sender, TcpNode receiver, ImportResult dag, long seed) {}

  @Test
  void anOldRevisionPeerPullsAndPushesBothWaysAndIsNeverSentACreditReturn() throws Exception {
    PeerId c = current.identity.peerId();
    PeerId o = old.identity.peerId();
    List<Transfer> transfers =
        List.of(
            transfer(new ChannelId(o, c, 1), current, old, 1), // old pulls from current
            transfer(new ChannelId(o, c, 2), old, current, 2), // old pushes to current
            transfer(new ChannelId(c, o, 3), old, current, 3), // current pulls from old
            transfer(new ChannelId(c, o, 4), current, old, 4)); // current pushes to old

    for (Transfer t : transfers) {
      PeerId to = t.receiver().identity.peerId();
      PeerId from = t.sender().identity.peerId();
      t.receiver()
          .transport
          .openReceive(DataRequest.of(t.id(), from, t.dag().root(), Selectors.all()));
      t.sender()
          .transport
          .openSend(DataRequest.of(t.id(), to, t.dag().root(), Selectors.all()), null);
    }
    for (Transfer t : transfers) {
      RecordingHandler.await(
          WAIT,
          "channel " + t.id().transferId() + " to move",
          () -> t.receiver().handler.bytes(t.id(), Direction.RECEIVED) > 0);
      t.receiver().transport.pause(t.id());
    }
    for (Transfer t : transfers) {
      t.receiver().transport.resume(t.id());
    }

    for (Transfer t : transfers) {
      assertThat(t.receiver().handler.awaitFinished(t.id(), WAIT))
          .as("channel %d", t.id().transferId())
          .isEqualTo(new RecordingHandler.Finished(false, null));
      assertThat(TestDags.export(t.receiver().store, t.dag().root()))
          .isEqualTo(TestDags.randomBytes(SIZE, t.seed()));
    }
    assertThat(old.handler.events)
        .as("the old node's connection events")
        .noneMatch(e -> e.startsWith("disconnected"));
    assertThat(current.handler.events)
        .as("the current node's connection events")
        .noneMatch(e -> e.startsWith("disconnected"));
  }

  private static Transfer transfer(ChannelId id, TcpNode sender, TcpNode receiver, long seed)
      throws Exception {
    ImportResult dag =
        TestDags.importFile(sender.store, TestDags.randomBytes(SIZE, seed), 64 << 10);
    return new Transfer(id, sender, receiver, dag, seed);
  }
}
