package io.ferry.engine.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.PeerId;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.Poll;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A claimant asks a member to release a peer, with two real cluster members (their own actor
 * systems over Artery on loopback) where the asked member's hand-over desk is a stand-in that
 * answers late or never, while the member itself stays reachable (its heartbeats are answered by
 * Pekko, not by the desk). A member frozen whole (SIGSTOP) is unreachable instead and is downed by
 * the split-brain resolver; ClusterHandOverTest's process members cover the desk that answers.
 */
class HandOverRequestsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final Duration PROBE = Duration.ofMillis(300);
  private static final PeerId PEER = Peers.peer(2);

  private ActorSystem<Void> claimant;
  private ActorSystem<Void> asked;

  private int second;
  private List<String> seeds;

  @BeforeEach
  void formACluster() throws IOException {
    int first = freePort();
    second = freePort();
    seeds = List.of("127.0.0.1:" + first);
    claimant = member(first, seeds);
    asked = member(second, seeds);
    Poll.until(WAIT, "both members up", () -> upMembers(claimant) == 2);
  }

  @AfterEach
  void stop() throws Exception {
    for (ActorSystem<Void> s : List.of(asked, claimant)) {
      if (s != null) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aMemberThatAnswersAfterARoundsWaitHasStillReleasedThePeer() {
    desk(asked, Duration.ofMillis(900));
    HandOverRequests.Asking asking = requests(Duration.ofSeconds(10)).asking(PEER);

    Poll.until(WAIT, "the asked member to count as released", () -> released(asking));

    assertThat(Cluster.get(claimant).state().getMembers())
        .as("the member that answered late is not downed")
        .anyMatch(m -> m.address().equals(address(asked)) && m.status() == MemberStatus.up());
  }

  @Test
  void aReachableMemberThatNeverAnswersIsDownedAndThePeerReleasedOnceItIsRemoved() {
    desk(asked, null);
    HandOverRequests.Asking asking = requests(Duration.ofSeconds(2)).asking(PEER);

    Poll.until(WAIT, "the claim to go on", () -> released(asking));

    assertThat(Cluster.get(claimant).state().getMembers())
        .as("the silent member is out of the cluster before the claim goes on")
        .noneMatch(m -> m.address().equals(address(asked)));
    Poll.until(
        WAIT,
        "the downed member to stop",
        () -> asked.getWhenTerminated().toCompletableFuture().isDone());
  }

  /**
   * A rolling restart: the member asked stays silent and leaves; started again at the same host and
   * port, it joins before the request to its predecessor runs out. The request's silence is the
   * predecessor's: the new member (which answers) is not downed for it, as it was, right after it
   * joined, in ClusterRollingRestartTest.
   */
  @Test
  void aMemberStartedAgainAtTheSameAddressIsNotDownedForItsPredecessorsSilence() throws Exception {
    desk(asked, null);
    Duration silence = Duration.ofSeconds(10);
    HandOverRequests.Asking asking = requests(silence).asking(PEER);
    long silenceOver = System.nanoTime() + silence.toNanos();
    assertThat(released(asking)).as("the silent member has not released the peer").isFalse();

    asked.terminate(); // leaves the cluster first (coordinated shutdown)
    asked.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    Poll.until(WAIT, "the member to be removed", () -> upMembers(claimant) == 1);
    asked = member(second, seeds);
    desk(asked, Duration.ZERO);
    Poll.until(WAIT, "the member started again to be up", () -> upMembers(claimant) == 2);
    // The case needs the new member up while the old one's request is out (slow machine: skipped).
    org.junit.jupiter.api.Assumptions.assumeTrue(
        System.nanoTime() < silenceOver,
        "the member took longer than the request's silence to leave and join again");

    Poll.until(WAIT, "the new member to release the peer", () -> released(asking));
    // The request to the old member runs out, and the leader would act on a down meanwhile.
    long settled = silenceOver + Duration.ofSeconds(2).toNanos();
    Poll.until(WAIT, "the old member's request to run out", () -> System.nanoTime() > settled);

    assertThat(Cluster.get(claimant).state().getMembers())
        .as("the member started again is up, not downed")
        .anyMatch(m -> m.address().equals(address(asked)) && m.status() == MemberStatus.up());
    assertThat(asked.getWhenTerminated().toCompletableFuture().isDone()).isFalse();
  }

  private static long upMembers(ActorSystem<?> system) {
    return java.util.stream.StreamSupport.stream(
            Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  private HandOverRequests requests(Duration silence) {
    return new HandOverRequests(claimant, address(claimant), PROBE, silence);
  }

  private static boolean released(HandOverRequests.Asking asking) {
    return asking.allReleased().toCompletableFuture().join()
        == HandOverRequests.Released.EVERY_MEMBER;
  }

  private static org.apache.pekko.actor.Address address(ActorSystem<?> system) {
    return Cluster.get(system).selfMember().address();
  }

  /** Puts a desk on {@code member} that answers Released after {@code delay}, or never (null). */
  private static void desk(ActorSystem<?> member, Duration delay) {
    ((ExtendedActorSystem) Adapter.toClassic(member))
        .systemActorOf(Props.create(SlowDesk.class, () -> new SlowDesk(delay)), HandOverDesk.NAME);
  }

  /** A hand-over desk that takes {@code delay} to answer, or never answers (null). */
  static final class SlowDesk extends AbstractActor {
    private final Duration delay;

    SlowDesk(Duration delay) {
      this.delay = delay;
    }

    @Override
    public Receive createReceive() {
      return receiveBuilder()
          .match(
              HandOver.Release.class,
              r -> {
                if (delay != null) {
                  ActorRef to = getSender();
                  getContext()
                      .getSystem()
                      .scheduler()
                      .scheduleOnce(
                          delay,
                          to,
                          new HandOver.Released(r.peer()),
                          getContext().getDispatcher(),
                          getSelf());
                }
              })
          .build();
    }
  }

  private static ActorSystem<Void> member(int port, List<String> seeds) {
    Membership.Member m = Membership.Member.of("127.0.0.1", port, seeds);
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            Membership.SYSTEM_NAME,
            m.toConfig()
                .withFallback(ConfigFactory.parseString("pekko.loglevel = INFO"))
                .withFallback(ConfigFactory.load()));
    m.join(system);
    return system;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
