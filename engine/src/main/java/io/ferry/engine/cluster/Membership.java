package io.ferry.engine.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Join;
import org.apache.pekko.cluster.typed.JoinSeedNodes;

/**
 * How a node's actor system takes part in a Pekko cluster. Channels are always reached through
 * Cluster Sharding, so a node is always a cluster member:
 *
 * <ul>
 *   <li>{@link Alone} (the embedded default): a cluster of one on a free loopback port that joins
 *       itself; nothing else can join it.
 *   <li>{@link Member} (clustered mode): a member at a fixed host and port that joins the seed
 *       nodes; sharding spreads channel entities over all members, and a split-brain resolver downs
 *       members that stay unreachable.
 * </ul>
 */
public sealed interface Membership {
  /**
   * The actor system's name; seed-node addresses must name it ({@code pekko://ferry@host:port}).
   */
  String SYSTEM_NAME = "ferry";

  /** The embedded default. */
  static Membership alone() {
    return new Alone();
  }

  /** The remoting and cluster settings of this membership. */
  Config toConfig();

  /** Asks the cluster to take this system in (itself alone, or through the seed nodes). */
  void join(ActorSystem<?> system);

  /** Whether this node shares its channels with other members. */
  boolean clustered();

  /** The embedded default: a cluster of one. */
  record Alone() implements Membership {
    @Override
    public Config toConfig() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pekko.actor.provider", "cluster");
      m.put("pekko.remote.artery.canonical.hostname", "127.0.0.1");
      m.put("pekko.remote.artery.canonical.port", 0);
      m.put("pekko.cluster.log-info", "off");
      return ConfigFactory.parseMap(m, "Membership.Alone");
    }

    @Override
    public void join(ActorSystem<?> system) {
      Cluster cluster = Cluster.get(system);
      cluster.manager().tell(Join.create(cluster.selfMember().address()));
    }

    @Override
    public boolean clustered() {
      return false;
    }
  }

  /**
   * Clustered mode.
   *
   * @param hostname the host other members reach this one at (Pekko's canonical hostname)
   * @param port the port other members reach this one at (Artery, TCP)
   * @param seedNodes the members to join through, as {@code host:port} or {@code
   *     pekko://ferry@host:port}; list this member itself first on the member that may start the
   *     cluster alone
   */
  record Member(String hostname, int port, List<Address> seedNodes) implements Membership {
    /**
     * How long a member may go without a heartbeat being heard before it is suspected (Pekko's
     * failure detector; its default is 3 s), and how often heartbeats go out (default 1 s).
     */
    public static final String HEARTBEAT_PAUSE = "2s";

    public static final String HEARTBEAT_INTERVAL = "500ms";

    /**
     * How long the membership must stay unchanged before the split-brain resolver downs the
     * unreachable side (Pekko's default is 20 s; members of one cluster run in one network).
     */
    public static final String STABLE_AFTER = "2s";

    /**
     * How long, after a member was downed and removed, sharding and the singletons wait before they
     * start its shards and singletons elsewhere (Pekko's default is stable-after). A member that is
     * downed stops itself: the side that loses the split-brain resolver's decision downs itself at
     * stable-after as well, so the margin only covers the two sides seeing the unreachability at
     * slightly different moments.
     */
    public static final String DOWN_REMOVAL_MARGIN = "500ms";

    /** How often the failure detector is read for members to mark unreachable (Pekko: 1 s). */
    public static final String REAPER_INTERVAL = "250ms";

    /** How often the leader moves members on, a downed one to Removed (Pekko: 1 s). */
    public static final String LEADER_ACTIONS_INTERVAL = "250ms";

    /** How often a member gossips the membership to another (Pekko: 1 s). */
    public static final String GOSSIP_INTERVAL = "500ms";

    /**
     * How long sharding waits for a member to hand a shard over before it gives the move up
     * (Pekko's default is 1 min). A move away from a member that died waits it out and is tried
     * again each second until the member is removed; PeerOwnership starts no move away from a
     * member that does not answer, so this bounds only a member that dies during a hand-off.
     */
    public static final String HANDOFF_TIMEOUT = "4s";

    public Member {
      Objects.requireNonNull(hostname, "hostname");
      if (hostname.isBlank()) {
        throw new IllegalArgumentException("a cluster member needs a hostname");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("cluster port must be 0-65535, was " + port);
      }
      seedNodes = List.copyOf(seedNodes);
      if (seedNodes.isEmpty()) {
        throw new IllegalArgumentException("a cluster member needs at least one seed node");
      }
    }

    /** Parses seed nodes given as {@code host:port} or as full Pekko addresses. */
    public static Member of(String hostname, int port, List<String> seedNodes) {
      List<Address> seeds = new ArrayList<>();
      for (String s : seedNodes) {
        seeds.add(seedAddress(s));
      }
      return new Member(hostname, port, seeds);
    }

    /** {@code host:port} or {@code pekko://ferry@host:port} as an address of this system. */
    public static Address seedAddress(String text) {
      String t = text == null ? "" : text.trim();
      String uri = t.contains("://") ? t : "pekko://" + SYSTEM_NAME + "@" + t;
      Address a;
      try {
        a = AddressFromURIString.parse(uri);
      } catch (Exception e) { // also Pekko's undeclared MalformedURLException
        throw new IllegalArgumentException(
            "not a seed node: '" + text + "' (expected host:port or pekko://ferry@host:port)", e);
      }
      if (a.host().isEmpty() || a.port().isEmpty()) {
        throw new IllegalArgumentException(
            "not a seed node: '" + text + "' (expected host:port or pekko://ferry@host:port)");
      }
      if (!a.system().equals(SYSTEM_NAME) || !a.protocol().equals("pekko")) {
        throw new IllegalArgumentException(
            "seed node '" + text + "' must be a pekko://" + SYSTEM_NAME + "@host:port address");
      }
      return a;
    }

    @Override
    public Config toConfig() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("pekko.actor.provider", "cluster");
      m.put("pekko.remote.artery.canonical.hostname", hostname);
      m.put("pekko.remote.artery.canonical.port", port);
      m.put(
          "pekko.cluster.downing-provider-class",
          "org.apache.pekko.cluster.sbr.SplitBrainResolverProvider");
      // A crashed member is suspected after the heartbeat pause, downed by the side with most
      // members once the membership stayed the same for stable-after, and removed; then its
      // channels come back elsewhere (docs/operations.md, "When a member leaves or dies", has the
      // safety argument: two copies of a channel cannot both append to the shared journal).
      m.put("pekko.cluster.failure-detector.heartbeat-interval", HEARTBEAT_INTERVAL);
      m.put("pekko.cluster.failure-detector.acceptable-heartbeat-pause", HEARTBEAT_PAUSE);
      // The failure detector is read every reaper interval (Pekko: 1 s, which a kill waited for
      // half of on average before the member was marked unreachable); a shorter one notices the
      // same silence sooner and suspects nothing that the detector would not.
      m.put("pekko.cluster.unreachable-nodes-reaper-interval", REAPER_INTERVAL);
      // The leader moves a downed member to Removed in its leader actions, once the survivors saw
      // the down by gossip (Pekko: both every 1 s; a removal waited 0.1-1.0 s after the down).
      m.put("pekko.cluster.leader-actions-interval", LEADER_ACTIONS_INTERVAL);
      m.put("pekko.cluster.gossip-interval", GOSSIP_INTERVAL);
      m.put("pekko.cluster.split-brain-resolver.active-strategy", "keep-majority");
      m.put("pekko.cluster.split-brain-resolver.stable-after", STABLE_AFTER);
      // A crashed member's shards moved only after its removal plus this margin: with the
      // default (stable-after, 5 s) the sharding coordinator held them 5 s after the leader had
      // removed the member (ClusterFailoverTest: 8 s from removal to data moving again).
      m.put("pekko.cluster.down-removal-margin", DOWN_REMOVAL_MARGIN);
      m.put("pekko.cluster.log-info", "on");
      // Peers' shards follow their connections (PeerOwnership): the coordinator looks for
      // shards to move every second.
      m.put("pekko.cluster.sharding.rebalance-interval", "1s");
      // A move away from a member that died waits this out (Pekko's default, 1 min). PeerOwnership
      // moves nothing away from a member that stopped answering, so this bounds only a member
      // that dies during a hand-off; a live member hands a peer's shard over in well under a
      // second.
      m.put("pekko.cluster.sharding.handoff-timeout", HANDOFF_TIMEOUT);
      // After the oldest member died, the regions find the sharding coordinator on the new oldest
      // by registering again every retry-interval (Pekko: 2 s, which a failover of the oldest
      // waited for, once for the register and again for the shard's home).
      m.put("pekko.cluster.sharding.retry-interval", "500ms");
      // A claimed peer's shard location (PeerOwnership) reaches the sharding coordinator by
      // distributed-data gossip: every 2 s by default, which a failover waited for.
      m.put("pekko.cluster.distributed-data.gossip-interval", "500ms");
      // ... and then to the allocation strategy, a subscriber, at most this often (Pekko: 500 ms).
      // A wake of the peer's channels that the coordinator places before the location arrived
      // starts them on the waking member, and the next rebalance moves them again.
      m.put("pekko.cluster.distributed-data.notify-subscribers-interval", "100ms");
      m.put("pekko.cluster.log-info-verbose", "off");
      return ConfigFactory.parseMap(m, "Membership.Member");
    }

    @Override
    public void join(ActorSystem<?> system) {
      Cluster.get(system).manager().tell(new JoinSeedNodes(seedNodes));
    }

    @Override
    public boolean clustered() {
      return true;
    }
  }
}
