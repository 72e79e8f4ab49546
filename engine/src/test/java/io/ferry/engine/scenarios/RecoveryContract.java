package io.ferry.engine.scenarios;

import static io.ferry.channels.EventCode.*;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestDags;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.DataTransport;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.ipld.unixfs.ImportResult;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's actor system stops while its channels sit in every non-terminal status; a new one
 * starts on the same data directory. The other side is a scripted peer (a bare transport the test
 * drives message by message), so each status is reached exactly and nothing moves on its own. One
 * subclass per transport.
 */
abstract class RecoveryContract {
  private static final int SCRIPT_SEED = 40;
  private static final PeerId SCRIPT = TestNetwork.identity(SCRIPT_SEED).peerId();

  @TempDir Path dir;
  private final TestNetwork network = network();
  private final Policy policy = new Policy();

  /** While set, no cleanup finishes: channels that enter one stay there. */
  private volatile boolean holdCleanups = true;

  private final List<Heard> heard = new CopyOnWriteArrayList<>();
  private TestNode alice;
  private DataTransport script;
  private ImportResult scriptDag;
  private ImportResult aliceDag;

  record Heard(PeerId from, TransferMessage message) {}

  /** How alice and the scripted peer reach each other. */
  abstract TestNetwork network();

  @AfterEach
  void stop() throws Exception {
    holdCleanups = false;
    alice.close();
    network.close();
  }

  @Test
  void everyChannelComesBackAsItWasAndCleanupsFinish() throws Exception {
    alice =
        TestNode.create(
            network,
            1,
            dir.resolve("alice"),
            ChannelSettings.defaults(),
            n -> {
              n.registerVoucherType(Tickets.TICKET, policy.validator());
              n.registerRevalidator(Tickets.TICKET, policy.revalidator());
              n.onCleanup(
                  s ->
                      holdCleanups
                          ? new CompletableFuture<>()
                          : CompletableFuture.completedFuture(null));
            });
    alice.start().get(60, TimeUnit.SECONDS);
    MemoryBlockStore scriptStore = new MemoryBlockStore();
    scriptDag = TestDags.file(scriptStore, 40_000, 8192, 71);
    aliceDag = TestDags.file(alice.store, 40_000, 8192, 72);
    script = network.join(TestNetwork.identity(SCRIPT_SEED), scriptStore);
    script.bind(new Ears());

    Map<Status, ChannelId> channels = new LinkedHashMap<>();
    channels.put(Status.AwaitingAcceptance, pull());
    channels.put(Status.Ongoing, accepted(pull(), false));
    channels.put(Status.InitiatorPaused, pause(accepted(pull(), false)));
    channels.put(Status.ResponderPaused, accepted(pull(), true));
    channels.put(Status.BothPaused, pause(accepted(pull(), true)));
    // Before any channel delivers the script's DAG: a pull whose side holds the whole DAG finishes
    // when its responder completes (DataTransport.senderCompleted), and leaves ResponderCompleted.
    channels.put(Status.ResponderCompleted, complete(accepted(pull(), false), false));
    channels.put(Status.TransferFinished, delivered(accepted(pull(), false)));
    channels.put(Status.ResponderFinalizing, complete(accepted(pull(), false), true));
    channels.put(
        Status.ResponderFinalizingTransferFinished,
        complete(delivered(accepted(pull(), false)), true));
    policy.onRequest = r -> ValidationResult.pause("unsealing");
    channels.put(Status.Queued, scriptPulls(9001, Status.Queued));
    policy.onRequest = r -> ValidationResult.accept();
    policy.onComplete = id -> Optional.of(ValidationResult.pause("settle"));
    channels.put(Status.Finalizing, scriptPulls(9002, Status.Finalizing));
    policy.onComplete = id -> Optional.empty();
    channels.put(Status.Completing, scriptPulls(9003, Status.Completing));
    channels.put(Status.Failing, rejected());
    channels.put(Status.Cancelling, cancel(accepted(pull(), false)));
    alice.gate.holdAfter(0); // the next pull cannot prepare its receiver: it stays Requested
    channels.put(Status.Requested, pull());

    Set<Status> nonTerminal = EnumSet.allOf(Status.class);
    nonTerminal.removeIf(s -> s.isTerminal() || s == Status.ChannelNotFoundError);
    assertThat(channels.keySet()).containsExactlyInAnyOrderElementsOf(nonTerminal);
    Map<Status, ChannelState> before = new LinkedHashMap<>();
    for (Map.Entry<Status, ChannelId> e : channels.entrySet()) {
      ChannelState s = alice.await(e.getValue(), e.getKey());
      before.put(e.getKey(), s);
    }

    alice.stop();
    holdCleanups = false;
    int mark = alice.seen.size();
    heard.clear();
    alice.start().get(60, TimeUnit.SECONDS);

    for (Status cleanup : List.of(Status.Completing, Status.Failing, Status.Cancelling)) {
      ChannelId id = channels.get(cleanup);
      ChannelState after = alice.await(id, cleanup.terminalAfterCleanup());
      assertThat(after.message()).isEqualTo(before.get(cleanup).message());
      assertThat(after.received()).isEqualTo(before.get(cleanup).received());
      assertThat(since(mark, id)).containsExactly(CompleteCleanupOnRestart, CleanupComplete);
    }
    ChannelId requested = channels.get(Status.Requested);
    ChannelState resent = alice.await(requested, Status.AwaitingAcceptance);
    assertThat(since(mark, requested)).containsExactly(TransferInitiated);
    assertThat(resent.vouchers()).isEqualTo(before.get(Status.Requested).vouchers());
    // The other channels asked the scripted peer to restart (or asked again to be accepted) and
    // changed nothing until it answers, but for recording that they asked.
    List<Status> restarting =
        List.of(
            Status.Ongoing,
            Status.InitiatorPaused,
            Status.ResponderPaused,
            Status.BothPaused,
            Status.ResponderCompleted,
            Status.ResponderFinalizing);
    Poll.until(
        TestNode.WAIT,
        "restart requests for every running initiator channel",
        () -> restartsHeard().containsAll(ids(channels, restarting)));
    Poll.until(
        TestNode.WAIT,
        "the queued responder asks to be restarted",
        () ->
            heard.stream()
                .anyMatch(
                    h ->
                        h.message() instanceof TransferRequest r
                            && r.type() == MessageType.RESTART_EXISTING_CHANNEL
                            && r.restartChannel().equals(channels.get(Status.Queued))));
    for (Status s : before.keySet()) {
      if (s.isCleanup() || s == Status.Requested) {
        continue;
      }
      ChannelId id = channels.get(s);
      // An attempt records only that it began (RestartRequested), which moves updatedAt.
      assertThat(alice.state(id))
          .as("%s after the restart", s)
          .usingRecursiveComparison()
          .ignoringFields("updatedAt")
          .isEqualTo(before.get(s));
      assertThat(since(mark, id))
          .as("events of %s after the restart", s)
          .allMatch(c -> c == RestartRequested);
    }
    assertThat(alice.node.inProgressChannels().toCompletableFuture().get(30, TimeUnit.SECONDS))
        .containsOnlyKeys(
            channels.entrySet().stream()
                .filter(e -> !e.getKey().isCleanup())
                .map(Map.Entry::getValue)
                .collect(Collectors.toList()));
  }

  // ---- driving alice's channels, one message at a time ----

  private ChannelId pull() throws Exception {
    ChannelId id =
        alice
            .node
            .openPullDataChannel(
                SCRIPT, new Tickets.Ticket("pull"), scriptDag.root(), Selectors.all())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    return id;
  }

  private ChannelId accepted(ChannelId id, boolean paused) throws Exception {
    alice.await(id, Status.AwaitingAcceptance);
    tell(new TransferResponse(MessageType.NEW, id.transferId(), true, paused, null, 0, ""));
    alice.await(id, paused ? Status.ResponderPaused : Status.Ongoing);
    return id;
  }

  private ChannelId pause(ChannelId id) throws Exception {
    alice.node.pauseDataTransferChannel(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
    return id;
  }

  private ChannelId cancel(ChannelId id) throws Exception {
    alice.node.closeDataTransferChannel(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
    return id;
  }

  /** The scripted peer sends the whole DAG; alice's side of the data finishes. */
  private ChannelId delivered(ChannelId id) {
    script.openSend(DataRequest.of(id, alice.id, scriptDag.root(), Selectors.all()), null);
    alice.await(id, Status.TransferFinished);
    return id;
  }

  private ChannelId complete(ChannelId id, boolean finalizing) throws Exception {
    tell(
        new TransferResponse(MessageType.COMPLETE, id.transferId(), true, finalizing, null, 0, ""));
    return id;
  }

  private ChannelId rejected() throws Exception {
    ChannelId id = pull();
    alice.await(id, Status.AwaitingAcceptance);
    tell(new TransferResponse(MessageType.NEW, id.transferId(), false, false, null, 0, "no"));
    return id;
  }

  /** The scripted peer pulls alice's DAG: alice is the responder (and the sender). */
  private ChannelId scriptPulls(long transferId, Status until) throws Exception {
    ChannelId id = new ChannelId(SCRIPT, alice.id, transferId);
    script
        .openReceive(DataRequest.of(id, alice.id, aliceDag.root(), Selectors.all()))
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
    TypedVoucher voucher = alice.node.registry().encode(new Tickets.Ticket("script"));
    script.send(
        alice.id,
        TransferRequest.open(transferId, true, aliceDag.root(), Selectors.all(), voucher));
    if (until != null) {
      alice.await(id, until);
    }
    return id;
  }

  private void tell(TransferMessage m) throws Exception {
    script.send(alice.id, m).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private List<EventCode> since(int mark, ChannelId id) {
    return alice.seen.subList(mark, alice.seen.size()).stream()
        .filter(s -> s.state().channelId().equals(id))
        .map(s -> s.event().code())
        .collect(Collectors.toList());
  }

  private Set<ChannelId> restartsHeard() {
    return heard.stream()
        .filter(h -> h.message() instanceof TransferRequest r && r.type() == MessageType.RESTART)
        .map(h -> new ChannelId(alice.id, SCRIPT, h.message().transferId()))
        .collect(Collectors.toSet());
  }

  private static List<ChannelId> ids(Map<Status, ChannelId> channels, List<Status> statuses) {
    return statuses.stream().map(channels::get).collect(Collectors.toList());
  }

  /** The scripted peer's handler: it keeps what it hears and acts only when the test says so. */
  private final class Ears implements TransportHandler {
    @Override
    public void onMessage(PeerId from, TransferMessage message) {
      heard.add(new Heard(from, message));
    }

    @Override
    public void onProgress(ChannelId channelId, DataProgress progress) {}

    @Override
    public void onDataLimitReached(ChannelId channelId, long bytesQueued) {}

    @Override
    public void onDataFinished(ChannelId channelId, boolean sender, String error) {}

    @Override
    public void onPeerConnected(PeerId peer) {}

    @Override
    public void onPeerDisconnected(PeerId peer, String reason) {}
  }
}
