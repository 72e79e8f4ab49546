package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static io.ferry.channels.testing.StubValidation.voucher;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelCommand.Cancel;
import io.ferry.channels.entity.ChannelCommand.FinishData;
import io.ferry.channels.entity.ChannelCommand.GetState;
import io.ferry.channels.entity.ChannelCommand.MarkDisconnected;
import io.ferry.channels.entity.ChannelCommand.MarkQueued;
import io.ferry.channels.entity.ChannelCommand.MessageFailed;
import io.ferry.channels.entity.ChannelCommand.Open;
import io.ferry.channels.entity.ChannelCommand.Pause;
import io.ferry.channels.entity.ChannelCommand.PauseAtLimit;
import io.ferry.channels.entity.ChannelCommand.ReceiveRequest;
import io.ferry.channels.entity.ChannelCommand.ReceiveResponse;
import io.ferry.channels.entity.ChannelCommand.RecordProgress;
import io.ferry.channels.entity.ChannelCommand.Restart;
import io.ferry.channels.entity.ChannelCommand.Resume;
import io.ferry.channels.entity.ChannelCommand.SendVoucher;
import io.ferry.channels.entity.StoredJournal.Expected;
import io.ferry.channels.entity.StoredJournal.Node;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.StubValidation;
import io.ferry.channels.validation.Verdict;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Writes the stored journal samples ({@link StoredJournal}) with the channel actor of the day: run
 * once, by hand, with {@code -Dferry.journalSamples.dir=<empty directory>}, then copy the directory
 * to {@code src/test/resources/journal-v1}. Every channel is driven by the commands a node would
 * send it (API calls, peer messages, transport reports) to one stored status; between them they
 * write every event type. Samples are never rewritten for a changed actor: they are what nodes in
 * the field have on disk.
 */
@EnabledIfSystemProperty(named = "ferry.journalSamples.dir", matches = ".+")
class StoredJournalWriter {
  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final Cid ROOT = Peers.cid("root");

  private ActorTestKit kit;
  private final Node alice = new Node(ALICE);
  private final Node bob = new Node(BOB);
  private long transferIds;
  private final List<Expected> expected = new ArrayList<>();

  @Test
  void writeStoredJournal() throws IOException {
    Path dir = Path.of(System.getProperty("ferry.journalSamples.dir")).toAbsolutePath();
    Files.createDirectories(dir);
    try (Stream<Path> existing = Files.list(dir)) {
      assertThat(existing).as("%s must be empty", dir).isEmpty();
    }
    kit = ActorTestKit.create("stored-journal-writer", StoredJournal.config(dir));
    try {
      writeChannels();
    } finally {
      kit.shutdownTestKit();
    }
    Set<Status> stored = expected.stream().map(Expected::status).collect(Collectors.toSet());
    assertThat(stored).isEqualTo(EnumSet.complementOf(EnumSet.of(Status.ChannelNotFoundError)));
    StringBuilder out = new StringBuilder(Expected.HEADER).append('\n');
    expected.forEach(e -> out.append(e.line()).append('\n'));
    Files.writeString(dir.resolve(StoredJournal.EXPECTED), out);
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.collect(Collectors.toList())) {
        String name = p.getFileName().toString();
        if (name.equals("LOCK") || name.startsWith("LOG")) {
          Files.delete(p); // LevelDB's lock and its text log: not part of the journal
        }
      }
    }
  }

  private void writeChannels() {
    // Initiator, before the request went out: its receiver never gets ready.
    Channel requested = initiator("requested", true);
    alice.transport.heldReceives.add(requested.id);
    requested.open(true);
    requested.await(Status.Requested);
    requested.done();

    Channel awaiting = initiator("awaiting-acceptance", true);
    awaiting.open(true);
    awaiting.await(Status.AwaitingAcceptance);
    awaiting.done();

    // Responder whose validator accepts paused, with a result, a data limit and finalization.
    Channel queued = responder("queued");
    bob.validation.onRequest =
        v ->
            StubValidation.done(
                new Verdict(Decision.PAUSE, "pay first", voucher("terms"), 1000, true));
    queued.receivePull();
    queued.await("queued and paused", s -> s.status() == Status.Queued && s.responderPaused());
    queued.tell(new MarkQueued(null)); // as written before queued channels gave a reason
    bob.validation.onRequest = v -> StubValidation.done(StubValidation.accept());
    queued.done();

    // A pull that moved data, sent a voucher, lost its connection and restarted.
    Channel ongoing = ongoingPull("ongoing-restarted");
    for (int i = 1; i <= 4; i++) {
      ongoing.tell(progress(Direction.RECEIVED, i));
    }
    ongoing.ask(r -> new SendVoucher(voucher("v2"), r));
    ongoing.tell(
        new ReceiveResponse(
            BOB,
            new TransferResponse(
                MessageType.VOUCHER_RESULT,
                ongoing.id.transferId(),
                true,
                false,
                voucher("thanks"),
                0,
                "")));
    ongoing.tell(new MarkDisconnected("peer gone"));
    ongoing.await("stalled", ChannelState::stalled);
    int requests = ongoing.requests(MessageType.RESTART);
    ongoing.ask(Restart::new);
    ongoing.awaitRequests(MessageType.RESTART, requests + 1);
    ongoing.tell(
        new ReceiveResponse(
            BOB,
            new TransferResponse(
                MessageType.RESTART, ongoing.id.transferId(), true, false, null, 4, "")));
    ongoing.await("restarted", s -> !s.stalled() && s.restartAttempts() == 1);
    ongoing.tell(progress(Direction.RECEIVED, 5));
    ongoing.await("five batches", s -> s.receivedBlocks() == 5);
    ongoing.done();

    Channel stalled = ongoingPull("ongoing-stalled");
    stalled.tell(progress(Direction.RECEIVED, 1));
    stalled.tell(new MarkDisconnected("connection reset"));
    stalled.await("stalled", ChannelState::stalled);
    stalled.done();

    Channel push = initiator("ongoing-push", false);
    push.open(false);
    push.await(Status.AwaitingAcceptance);
    push.tell(
        new ReceiveResponse(
            BOB,
            new TransferResponse(MessageType.NEW, push.id.transferId(), true, false, null, 2, "")));
    push.await(Status.Ongoing);
    push.tell(progress(Direction.QUEUED, 3));
    push.tell(progress(Direction.SENT, 3));
    push.await("sent", s -> s.sentBlocks() == 1);
    push.done();

    Channel initiatorPaused = ongoingPull("initiator-paused");
    initiatorPaused.ask(Pause::new);
    initiatorPaused.ask(Resume::new);
    initiatorPaused.ask(Pause::new);
    initiatorPaused.tell(new MessageFailed(MessageType.UPDATE, "could not send UPDATE: refused"));
    initiatorPaused.await(
        "paused, message failed",
        s -> s.status() == Status.InitiatorPaused && s.message().contains("refused"));
    initiatorPaused.done();

    Channel responderPaused = limitedResponder("responder-paused");
    responderPaused.done();

    Channel resumed = limitedResponder("responder-resumed-by-voucher");
    bob.validation.onVoucher =
        v ->
            StubValidation.done(
                StubValidation.withLimit(
                    StubValidation.withResult(StubValidation.accept(), "paid"), 3000));
    resumed.tell(
        new ReceiveRequest(
            ALICE, TransferRequest.voucher(resumed.id.transferId(), voucher("pay"))));
    resumed.await("resumed", s -> s.status() == Status.Ongoing && s.dataLimit() == 3000);
    bob.validation.onVoucher = v -> StubValidation.done(StubValidation.resume());
    resumed.done();

    Channel bothPaused = ongoingPull("both-paused");
    bothPaused.ask(Pause::new);
    bothPaused.tell(
        new ReceiveResponse(BOB, TransferResponse.update(bothPaused.id.transferId(), true)));
    bothPaused.await(Status.BothPaused);
    bothPaused.done();

    Channel finished = ongoingPull("transfer-finished");
    finished.tell(progress(Direction.RECEIVED, 2));
    finished.tell(new FinishData(null));
    finished.await(Status.TransferFinished);
    finished.done();

    Channel responderCompleted = ongoingPull("responder-completed");
    responderCompleted.tell(complete(responderCompleted, false));
    responderCompleted.await(Status.ResponderCompleted);
    responderCompleted.done();

    Channel finalizing = responder("finalizing");
    bob.validation.onComplete =
        Optional.of(StubValidation.withResult(StubValidation.pause("settle"), "bill"));
    finalizing.receivePull();
    finalizing.await(Status.Ongoing);
    finalizing.tell(new FinishData(null));
    finalizing.await(Status.Finalizing);
    bob.validation.onComplete = Optional.empty();
    finalizing.done();

    Channel responderFinalizing = ongoingPull("responder-finalizing");
    responderFinalizing.tell(complete(responderFinalizing, true));
    responderFinalizing.await(Status.ResponderFinalizing);
    responderFinalizing.done();

    Channel bothFinishing = ongoingPull("responder-finalizing-transfer-finished");
    bothFinishing.tell(complete(bothFinishing, true));
    bothFinishing.await(Status.ResponderFinalizing);
    bothFinishing.tell(new FinishData(null));
    bothFinishing.await(Status.ResponderFinalizingTransferFinished);
    bothFinishing.done();

    // Cleanup that never finishes; a restart of the actor resumes it (and it hangs again).
    Channel completing = ongoingPull("completing");
    alice.listener.held.add(completing.id);
    completing.tell(complete(completing, false));
    completing.await(Status.ResponderCompleted);
    completing.tell(new FinishData(null));
    ChannelState before = completing.await(Status.Completing);
    completing.restartActor();
    completing.await("cleanup resumed", s -> s.updatedAt().isAfter(before.updatedAt()));
    completing.done();

    Channel completed = responder("completed");
    completed.receivePull();
    completed.await(Status.Ongoing);
    completed.tell(progress(Direction.QUEUED, 2));
    completed.tell(progress(Direction.SENT, 2));
    completed.tell(new FinishData(null));
    completed.await(Status.Completed);
    completed.done();

    Channel failing = ongoingPull("failing");
    alice.listener.held.add(failing.id);
    failing.tell(new FinishData("block 3 did not match its CID"));
    failing.await(Status.Failing);
    failing.done();

    // Two restart attempts that cannot be sent: the channel gives up.
    Channel failed = ongoingPull("failed-after-restarts");
    failed.tell(new MarkDisconnected("peer gone"));
    failed.await("stalled", ChannelState::stalled);
    for (int attempt = 1; attempt <= 2; attempt++) {
      int sent = failed.requests(MessageType.RESTART);
      failed.ask(Restart::new);
      failed.awaitRequests(MessageType.RESTART, sent + 1);
      failed.tell(new MessageFailed(MessageType.RESTART, "could not send RESTART: refused"));
      int n = attempt;
      failed.await("attempt " + n, s -> s.restartAttempts() == n || s.status() == Status.Failed);
    }
    failed.await(Status.Failed);
    failed.done();

    Channel cancelling = responder("cancelling");
    bob.listener.held.add(cancelling.id);
    cancelling.receivePull();
    cancelling.await(Status.Ongoing);
    cancelling.ask(r -> new Cancel("the operator stopped it", r));
    cancelling.await(Status.Cancelling);
    cancelling.done();

    Channel cancelled = ongoingPull("cancelled");
    cancelled.ask(Cancel::new);
    cancelled.await(Status.Cancelled);
    cancelled.done();
  }

  private static RecordProgress progress(Direction direction, int index) {
    return new RecordProgress(new DataProgress(direction, 1, 100, 1, 100, index));
  }

  private static ReceiveResponse complete(Channel c, boolean paused) {
    return new ReceiveResponse(
        BOB,
        new TransferResponse(MessageType.COMPLETE, c.id.transferId(), true, paused, null, 0, ""));
  }

  private Channel initiator(String name, boolean pull) {
    return new Channel(name, alice, new ChannelId(ALICE, BOB, ++transferIds));
  }

  private Channel responder(String name) {
    return new Channel(name, bob, new ChannelId(ALICE, BOB, ++transferIds));
  }

  private Channel ongoingPull(String name) {
    Channel c = initiator(name, true);
    c.open(true);
    c.await(Status.AwaitingAcceptance);
    c.tell(
        new ReceiveResponse(
            BOB,
            new TransferResponse(MessageType.NEW, c.id.transferId(), true, false, null, 0, "")));
    c.await(Status.Ongoing);
    return c;
  }

  /** A responder sending a pull under a limit of 1000 bytes, which it reached: paused. */
  private Channel limitedResponder(String name) {
    Channel c = responder(name);
    bob.validation.onRequest =
        v -> StubValidation.done(StubValidation.withLimit(StubValidation.accept(), 1000));
    c.receivePull();
    c.await(Status.Ongoing);
    bob.validation.onRequest = v -> StubValidation.done(StubValidation.accept());
    c.tell(new RecordProgress(new DataProgress(Direction.QUEUED, 10, 1000, 10, 1000, 10)));
    c.tell(new PauseAtLimit(1000));
    c.await(Status.ResponderPaused);
    return c;
  }

  /** One channel actor on the journal, and what the test tells and asks it. */
  private final class Channel {
    final String name;
    final Node node;
    final ChannelId id;
    ActorRef<ChannelCommand> ref;

    Channel(String name, Node node, ChannelId id) {
      this.name = name;
      this.node = node;
      this.id = id;
      spawn();
    }

    void spawn() {
      ref = kit.spawn(ChannelEntity.create(id.toString(), node.env(), null));
    }

    void restartActor() {
      kit.stop(ref, WAIT);
      spawn();
    }

    void open(boolean pull) {
      ChannelReply reply = ask(r -> new Open(id, pull, ROOT, Selectors.all(), voucher("v1"), r));
      assertThat(reply).as(name).isInstanceOf(ChannelReply.Receipt.class);
    }

    void receivePull() {
      tell(
          new ReceiveRequest(
              ALICE,
              TransferRequest.open(id.transferId(), true, ROOT, Selectors.all(), voucher("v1"))));
    }

    void tell(ChannelCommand command) {
      ref.tell(command);
    }

    ChannelReply ask(Function<ActorRef<ChannelReply>, ChannelCommand> command) {
      TestProbe<ChannelReply> probe = kit.createTestProbe();
      ref.tell(command.apply(probe.ref()));
      return probe.receiveMessage(WAIT);
    }

    ChannelState state() {
      return ask(GetState::new) instanceof ChannelReply.Receipt r ? r.state() : null;
    }

    ChannelState await(Status status) {
      return await(status.name(), s -> s.status() == status);
    }

    ChannelState await(String what, Predicate<ChannelState> test) {
      return Poll.until(WAIT, name + ": " + what, this::state, s -> s != null && test.test(s));
    }

    int requests(MessageType type) {
      int n = 0;
      for (TransferMessage m : node.transport.recorded.messages()) {
        if (m instanceof TransferRequest r
            && r.type() == type
            && r.transferId() == id.transferId()) {
          n++;
        }
      }
      return n;
    }

    void awaitRequests(MessageType type, int count) {
      Poll.until(
          WAIT, name + ": " + count + " " + type + " requests", () -> requests(type) >= count);
    }

    /** Records what the channel is now, and stops its actor. */
    void done() {
      expected.add(Expected.of(name, state()));
      kit.stop(ref, WAIT);
    }
  }
}
