package io.ferry.engine.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.entity.ChannelCommand;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.RecordingTransport;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransportHandler;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Props;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.sharding.external.ExternalShardAllocation;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When a peer's channels are woken after the member serving the peer crashed: by the member that
 * takes the peer over, as its claim on the peer completes, whenever that is, and not by a timer
 * guessing when the peer's shard is free (issue 16: a wake on a timer that came too early was lost,
 * and the next one came 4 s later). Two real cluster members (their own actor systems over Artery
 * on loopback) with sharding for channels; the claimant runs the real {@link PeerOwnership} over a
 * recording transport, and the other member's hand-over desk is a stand-in. Nothing here runs the
 * oldest member's wake after a crash ({@link Departures}): the wake this test sees comes from the
 * claim alone.
 */
class PeerTakeOverTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final PeerId SELF = Peers.ALICE;
  private static final PeerId PEER = Peers.BOB;

  private ActorSystem<Void> claimant;
  private ActorSystem<Void> other;
  private PeerOwnership ownership;
  private final List<PeerId> woken = new CopyOnWriteArrayList<>();

  @BeforeEach
  void formACluster() throws IOException {
    int first = freePort();
    int second = freePort();
    List<String> seeds = List.of("127.0.0.1:" + first);
    claimant = member(first, seeds);
    other = member(second, seeds);
    Poll.until(WAIT, "both members up", () -> upMembers(claimant) == 2 && upMembers(other) == 2);
    ownership =
        PeerOwnership.start(claimant, new Ignored(), new RecordingTransport(SELF), woken::add);
  }

  @AfterEach
  void stop() throws Exception {
    for (ActorSystem<Void> s : List.of(other, claimant)) {
      if (s != null) {
        s.terminate();
        s.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aPeerWhoseMemberCrashedHasItsChannelsWokenWhenTheClaimOnItCompletes() {
    desk(other, null);
    servedBy(other);

    // The peer dials the claimant while the member serving it is still in the cluster (silent, as
    // a member killed a moment ago): the claim waits for it to be downed and removed.
    ownership.onPeerConnected(PEER);
    assertThat(woken).as("woken before the claim completed").isEmpty();
    Cluster.get(claimant).manager().tell(new Down(address(other)));

    Poll.until(WAIT, "the peer's channels to be woken on the claimant", () -> woken.contains(PEER));
    Poll.until(
        WAIT,
        "the claimant to serve the peer",
        () -> ownership.owner(PEER).equals(Optional.of(address(claimant))));
    assertThat(woken).as("woken once").containsExactly(PEER);
  }

  @Test
  void aPeerHandedOverByAMemberThatIsUpIsNotWokenAgain() {
    desk(other, Duration.ZERO);
    servedBy(other);

    ownership.onPeerConnected(PEER);

    Poll.until(
        WAIT,
        "the claimant to serve the peer",
        () -> ownership.owner(PEER).equals(Optional.of(address(claimant))));
    assertThat(woken)
        .as("the channels of a peer whose member handed it over carry on by their own messages")
        .isEmpty();
  }

  /** Names {@code member} the peer's location and waits until the claimant knows it. */
  private void servedBy(ActorSystem<?> member) {
    ExternalShardAllocation.get(claimant)
        .getClient(ChannelEntity.TYPE_KEY.name())
        .setShardLocation(PeerShards.shardOf(PEER), address(member))
        .toCompletableFuture()
        .join();
    Poll.until(
        WAIT,
        "the claimant to know where the peer is served",
        () -> ownership.owner(PEER).equals(Optional.of(address(member))));
  }

  private static void desk(ActorSystem<?> member, Duration delay) {
    ((ExtendedActorSystem) Adapter.toClassic(member))
        .systemActorOf(
            Props.create(
                HandOverRequestsTest.SlowDesk.class,
                () -> new HandOverRequestsTest.SlowDesk(delay)),
            HandOverDesk.NAME);
  }

  private static long upMembers(ActorSystem<?> system) {
    return StreamSupport.stream(Cluster.get(system).state().getMembers().spliterator(), false)
        .filter(m -> m.status() == MemberStatus.up())
        .count();
  }

  private static Address address(ActorSystem<?> system) {
    return Cluster.get(system).selfMember().address();
  }

  /** A member with sharding for channels placed as PeerOwnership names them; no channel runs. */
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
    ClusterSharding.get(system)
        .init(
            Entity.of(ChannelEntity.TYPE_KEY, ctx -> Behaviors.<ChannelCommand>empty())
                .withMessageExtractor(new PeerShards(SELF))
                .withAllocationStrategy(PeerOwnership.strategy(system)));
    // The shard locations live in distributed data, read from a majority of the members: every
    // member runs its replicator, started with the first client (PeerOwnership on a real node).
    ExternalShardAllocation.get(system).getClient(ChannelEntity.TYPE_KEY.name());
    return system;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** The router behind PeerOwnership: no channel runs in this test. */
  private static final class Ignored implements TransportHandler {
    @Override
    public void onMessage(PeerId from, TransferMessage message) {}

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
