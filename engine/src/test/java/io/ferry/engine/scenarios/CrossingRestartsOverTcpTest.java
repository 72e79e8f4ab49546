package io.ferry.engine.scenarios;

import static io.ferry.channels.EventCode.DataReceived;
import static io.ferry.channels.EventCode.Disconnected;
import static io.ferry.channels.EventCode.Restart;
import static io.ferry.channels.EventCode.RestartRequested;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Restarts that cross, between two real nodes over TCP: one side restarts a channel while the other
 * side's restart request for it is in flight, or two restarts of the same channel overlap (the
 * node's own and a user's). Whatever the order, the channel restarts, both sides end Completed with
 * every block stored and every byte counted once (a payment follows the counted bytes), and no
 * restart fails the channel or leaves it waiting with nothing moving. The responder's validator
 * holds restart requests ({@link HeldRestarts}) so that a request stays in flight while the test
 * makes the other restart happen.
 */
class CrossingRestartsOverTcpTest extends TwoNodes {
  private final HeldRestarts bobs = new HeldRestarts();

  @Override
  TestNetwork network() {
    return TestNetwork.tcp();
  }

  /** A transfer alice opened, its sender held in the middle of the DAG. */
  private record Held(ChannelId id, ImportResult dag, TestNode sender, TestNode receiver) {}

  private void startNodes(ChannelSettings settings) throws Exception {
    alice =
        TestNode.create(
            network,
            1,
            dir.resolve("alice"),
            settings,
            n -> n.registerVoucherType(Tickets.TICKET, Tickets.acceptAll()));
    bob =
        TestNode.create(
            network,
            2,
            dir.resolve("bob"),
            settings,
            n -> n.registerVoucherType(Tickets.TICKET, bobs));
    TestNode.startAll(alice, bob);
  }

  private Held startHeld(String direction) throws Exception {
    boolean pull = direction.equals("pull");
    TestNode sender = pull ? bob : alice;
    TestNode receiver = pull ? alice : bob;
    ImportResult dag = TestDags.file(sender.store, 400_000, 8192, 47);
    sender.gate.holdAfter(24);
    ChannelId id =
        (pull
                ? alice.node.openPullDataChannel(
                    bob.id, new Tickets.Ticket("crossing"), dag.root(), Selectors.all())
                : alice.node.openPushDataChannel(
                    bob.id, new Tickets.Ticket("crossing"), dag.root(), Selectors.all()))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    receiver.awaitEvent(id, DataReceived, 1);
    Poll.until(TestNode.WAIT, "the sender held mid-DAG", sender.gate::holding);
    return new Held(id, dag, sender, receiver);
  }

  private static RestartOutcome restart(TestNode node, ChannelId id) throws Exception {
    return node.node.restartDataTransferChannel(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private void awaitRestartsAsked(ChannelId id, int n) {
    try {
      Poll.until(
          TestNode.WAIT, "bob to be asked " + n + " restart(s)", () -> bobs.restartsAsked() >= n);
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "; alice published " + alice.shape(id) + ", bob " + bob.shape(id), e);
    }
  }

  /** Lets everything go and checks both sides completed with every byte counted once. */
  private void assertCompletesWhole(Held t) throws Exception {
    bobs.release();
    alice.gate.open();
    bob.gate.open();
    ChannelState a;
    ChannelState b;
    try {
      a = alice.await(t.id(), Status.Completed);
      b = bob.await(t.id(), Status.Completed);
    } catch (AssertionError e) {
      throw new AssertionError(
          e.getMessage() + "; bob is " + bob.state(t.id()) + ", published " + bob.shape(t.id()), e);
    }
    ChannelState s = t.sender() == alice ? a : b;
    ChannelState r = t.receiver() == alice ? a : b;
    assertThat(r.received()).as("bytes received, each once").isEqualTo(t.dag().dagSize());
    assertThat(r.receivedBlocks()).isEqualTo(t.dag().blocks());
    assertThat(s.queued()).as("bytes queued (charged), each once").isEqualTo(t.dag().dagSize());
    assertThat(s.sent()).isEqualTo(t.dag().dagSize());
    assertThat(s.sentBlocks()).isEqualTo(t.dag().blocks());
    RoundTripContract.assertAllBlocksArrived(t.dag(), t.sender(), t.receiver());
  }

  /**
   * (a) The responder went away and came back: the initiator restarts by itself (on reconnecting,
   * or asked by the responder) and a user asks for a restart while that one awaits its answer.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pull", "push"})
  void aUsersRestartWhileTheInitiatorRestartsByItselfFindsItUnderWayAndTheTransferCompletes(
      String direction) throws Exception {
    startNodes(ChannelSettings.defaults());
    Held t = startHeld(direction);
    bobs.hold();

    bob.stop();
    alice.awaitEvent(t.id(), Disconnected, 1);
    bob.start().get(60, TimeUnit.SECONDS);
    awaitRestartsAsked(t.id(), 1);
    RestartOutcome users = restart(alice, t.id());

    assertThat(users).isInstanceOf(RestartOutcome.AlreadyUnderWay.class);
    assertThat(alice.state(t.id()).status()).isIn(Status.Ongoing, Status.ResponderPaused);
    assertCompletesWhole(t);
  }

  /**
   * (a) The initiator's own restart was answered and a user's restart follows at once, before any
   * data moved: the channel restarts once more and completes.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pull", "push"})
  void aUsersRestartRightAfterTheInitiatorRestartedByItselfRestartsAgainAndCompletes(
      String direction) throws Exception {
    startNodes(ChannelSettings.defaults());
    Held t = startHeld(direction);

    bob.stop();
    alice.awaitEvent(t.id(), Disconnected, 1);
    bob.start().get(60, TimeUnit.SECONDS);
    if (t.sender() == bob) {
      bob.gate.holdAfter(0); // a new store since bob started again: hold its data at once
    }
    alice.awaitEvent(t.id(), Restart, 1);
    RestartOutcome users = restart(alice, t.id());

    assertThat(users)
        .isInstanceOfAny(RestartOutcome.RequestSent.class, RestartOutcome.AlreadyUnderWay.class);
    assertCompletesWhole(t);
  }

  /**
   * (b) The responder restarts the channel (as it does after its own restart) while the initiator's
   * restart request is in flight: the initiator, mid-restart, finds its own under way; the
   * responder answers the request it holds.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pull", "push"})
  void aResponderThatRestartsWhileTheInitiatorsRequestIsInFlightAnswersItAndCompletes(
      String direction) throws Exception {
    startNodes(ChannelSettings.defaults());
    Held t = startHeld(direction);
    bobs.hold();

    assertThat(restart(alice, t.id())).isInstanceOf(RestartOutcome.RequestSent.class);
    awaitRestartsAsked(t.id(), 1);
    RestartOutcome responders = restart(bob, t.id());

    assertThat(responders).isInstanceOf(RestartOutcome.RequestSent.class);
    assertCompletesWhole(t);
  }

  /**
   * (b) The responder's node stops and starts while the initiator's restart request is in flight:
   * it restarts the channel by its role on start and the initiator's request comes again.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pull", "push"})
  void aResponderWhoseNodeRestartsWhileTheInitiatorsRequestIsInFlightCompletes(String direction)
      throws Exception {
    startNodes(ChannelSettings.defaults());
    Held t = startHeld(direction);
    bobs.hold();

    assertThat(restart(alice, t.id())).isInstanceOf(RestartOutcome.RequestSent.class);
    awaitRestartsAsked(t.id(), 1);
    bob.stop();
    bob.start().get(60, TimeUnit.SECONDS);

    assertCompletesWhole(t);
  }

  /**
   * (c) Both sides mid-restart: the responder asked the initiator to restart, the initiator's
   * request is held by the responder's validator, and a user asks each side to restart again.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pull", "push"})
  void restartsAskedOfBothSidesMidRestartFindThemUnderWayAndTheTransferCompletes(String direction)
      throws Exception {
    startNodes(ChannelSettings.defaults());
    Held t = startHeld(direction);
    bobs.hold();

    assertThat(restart(bob, t.id())).isInstanceOf(RestartOutcome.RequestSent.class);
    awaitRestartsAsked(t.id(), 1);
    alice.awaitEvent(t.id(), RestartRequested, 1);
    RestartOutcome atAlice = restart(alice, t.id());
    RestartOutcome atBob = restart(bob, t.id());

    assertThat(atAlice).isInstanceOf(RestartOutcome.AlreadyUnderWay.class);
    assertThat(atBob).isInstanceOf(RestartOutcome.AlreadyUnderWay.class);
    assertCompletesWhole(t);
  }

  /**
   * (c) Two restart attempts of the initiator overlap: the first got no answer within the accept
   * timeout and a second followed after the backoff; the responder (whose validator takes one
   * request of a channel at a time) answers the first, which the initiator takes, and then the
   * second, restarting its data side once more. The initiator follows that restart too: ignored, a
   * push's receiver waited for a sending side that never opened again, with nothing moving.
   */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"pull", "push"})
  void twoOverlappingRestartRequestsOfTheInitiatorBothAnsweredStillComplete(String direction)
      throws Exception {
    startNodes(
        ChannelSettings.defaults()
            .withAcceptTimeout(Duration.ofSeconds(2))
            .withRestarts(
                new ChannelSettings.Restarts(Duration.ofMillis(100), Duration.ofMillis(200), 10)));
    Held t = startHeld(direction);
    bobs.hold();

    assertThat(restart(alice, t.id())).isInstanceOf(RestartOutcome.RequestSent.class);
    awaitRestartsAsked(t.id(), 1);
    alice.awaitEvent(t.id(), Disconnected, 1);
    alice.awaitEvent(t.id(), RestartRequested, 2);
    bobs.releaseOne();
    alice.awaitEvent(t.id(), Restart, 1);
    awaitRestartsAsked(t.id(), 2);
    bobs.releaseOne();
    bob.awaitEvent(t.id(), Restart, 2);

    assertCompletesWhole(t);
  }
}
