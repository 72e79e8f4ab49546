package io.ferry.engine.scenarios;

import static io.ferry.channels.EventCode.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestDags;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A node's actor system stops in the middle of a transfer and starts again on the same data
 * directory: the channel restarts by role, the data continues after the blocks the receiver holds,
 * both sides complete, and no byte is counted twice. One subclass per transport.
 */
abstract class RestartContract extends TwoNodes {
  @BeforeEach
  void start() throws Exception {
    startAcceptingAll();
  }

  @ParameterizedTest(name = "{0}, {1} restarts")
  @CsvSource({"pull, initiator", "pull, responder", "push, initiator", "push, responder"})
  void aTransferSurvivesARestartOfEitherSideAndCountsEveryByteOnce(String direction, String who)
      throws Exception {
    boolean pull = direction.equals("pull");
    TestNode sender = pull ? bob : alice;
    TestNode receiver = pull ? alice : bob;
    TestNode bounced = who.equals("initiator") ? alice : bob;
    TestNode survivor = bounced == alice ? bob : alice;
    ImportResult dag = TestDags.file(sender.store, 400_000, 8192, 31);
    sender.gate.holdAfter(24);

    ChannelId id =
        (pull
                ? alice.node.openPullDataChannel(
                    bob.id, new Tickets.Ticket("restart"), dag.root(), Selectors.all())
                : alice.node.openPushDataChannel(
                    bob.id, new Tickets.Ticket("restart"), dag.root(), Selectors.all()))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    receiver.awaitEvent(id, DataReceived, 1);
    Poll.until(TestNode.WAIT, "the sender held mid-DAG", sender.gate::holding);
    ChannelState before = bounced.state(id);

    bounced.stop();
    survivor.gate.open();
    survivor.awaitEvent(id, Disconnected, 1);
    bounced.start().get(60, TimeUnit.SECONDS);

    ChannelState a = alice.await(id, Status.Completed);
    ChannelState b = bob.await(id, Status.Completed);
    ChannelState s = pull ? b : a;
    ChannelState r = pull ? a : b;
    assertThat(r.received()).isEqualTo(dag.dagSize());
    assertThat(r.receivedBlocks()).isEqualTo(dag.blocks());
    assertThat(s.sent()).isEqualTo(dag.dagSize());
    assertThat(s.queued()).isEqualTo(dag.dagSize());
    assertThat(s.sentBlocks()).isEqualTo(dag.blocks());
    assertThat(before.status()).isEqualTo(Status.Ongoing);
    boolean aliceSurvived = survivor == alice;
    // The survivor's restart attempts while the other side is down fail, and a failed attempt is
    // reported as Disconnected (as go-data-transfer reports a restart it cannot send): it sees the
    // connection drop and then as many Disconnected as attempts it made before the other came back.
    // When the connection is back both sides ask for the restart: the bounced node at start-up and
    // the survivor when it reconnects. The request that arrives second (a survivor's kept while the
    // bounced node started, since issue 19) restarts the channel once more, so each side may record
    // Restart twice in a row; the byte and block counts above hold either way.
    assertThat(survivor.codes(id)).contains(Disconnected);
    assertThat(collapseRepeats(alice.controlCodes(id)))
        .containsExactlyElementsOf(
            Expect.seq(
                Open,
                TransferInitiated,
                Accept,
                aliceSurvived ? java.util.List.of(Disconnected) : java.util.List.of(),
                Restart,
                FinishTransfer,
                ResponderCompletes,
                CleanupComplete));
    assertThat(collapseRepeats(bob.controlCodes(id)))
        .containsExactlyElementsOf(
            Expect.seq(
                Open,
                Accept,
                TransferInitiated,
                aliceSurvived ? java.util.List.of() : java.util.List.of(Disconnected),
                Restart,
                Complete,
                CleanupComplete));
    RoundTripContract.assertAllBlocksArrived(dag, sender, receiver);
  }

  /**
   * The codes with each run of Disconnected, and each run of Restart, shown once; an attempt's
   * beginning (RestartRequested) is left out: how many a side makes depends on timing.
   */
  private static List<EventCode> collapseRepeats(List<EventCode> codes) {
    List<EventCode> out = new ArrayList<>();
    for (EventCode c : codes) {
      if (c == EventCode.RestartRequested) {
        continue;
      }
      boolean repeat = !out.isEmpty() && out.get(out.size() - 1) == c;
      if (!(repeat && (c == Disconnected || c == Restart))) {
        out.add(c);
      }
    }
    return out;
  }
}
