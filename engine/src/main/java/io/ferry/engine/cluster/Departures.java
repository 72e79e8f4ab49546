package io.ferry.engine.cluster;

import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * Watches for members leaving the cluster, gracefully or downed after a crash. The channel entities
 * that lived on a departed member come back on a surviving one when they are next addressed; this
 * watch lets the oldest surviving member (exactly one member at a time) address them all at once,
 * so their transfers restart through the surviving members' transports instead of waiting for a
 * peer to ask.
 */
public final class Departures {
  /** What the oldest member waits beyond the removal margin before it wakes a crashed one's. */
  private static final java.time.Duration SLACK = java.time.Duration.ofMillis(300);

  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Departures.class);

  private Departures() {}

  /**
   * A watcher that runs {@code onDeparture} on this member whenever another member is removed and
   * this member is then the oldest one up; it is told whether the member crashed (was downed)
   * rather than left.
   */
  public static Behavior<ClusterEvent.MemberRemoved> watch(Consumer<Boolean> onDeparture) {
    return Behaviors.setup(
        context -> {
          Cluster cluster = Cluster.get(context.getSystem());
          java.time.Duration margin = removalMargin(context.getSystem().settings().config());
          cluster
              .subscriptions()
              .tell(Subscribe.create(context.getSelf(), ClusterEvent.MemberRemoved.class));
          return Behaviors.receive(ClusterEvent.MemberRemoved.class)
              .onMessage(
                  ClusterEvent.MemberRemoved.class,
                  removed -> {
                    if (!removed.member().address().equals(cluster.selfMember().address())
                        && isOldestUp(cluster)) {
                      boolean crashed = removed.previousStatus() == MemberStatus.down();
                      Runnable wake =
                          () -> {
                            log.info(
                                "member {} left the cluster ({}); restarting the unfinished"
                                    + " channels",
                                removed.member().address(),
                                crashed ? "downed" : "left");
                            onDeparture.accept(crashed);
                          };
                      if (crashed) {
                        // Sharding frees a downed member's shards only down-removal-margin after
                        // its removal: a wake sent before that goes to the dead member and is lost.
                        // The member that takes a crashed member's peer over wakes the peer's
                        // channels as soon as their shard is there (PeerOwnership); this wake is
                        // for the channels whose peer no member took over.
                        context
                            .getSystem()
                            .scheduler()
                            .scheduleOnce(margin.plus(SLACK), wake, context.getExecutionContext());
                      } else {
                        wake.run();
                      }
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }

  /** Pekko's down-removal-margin; when off, the split-brain resolver's stable-after stands in. */
  static java.time.Duration removalMargin(com.typesafe.config.Config config) {
    try {
      return config.getDuration("pekko.cluster.down-removal-margin");
    } catch (com.typesafe.config.ConfigException e) {
      return config.getDuration("pekko.cluster.split-brain-resolver.stable-after");
    }
  }

  /** Whether this member is up and older than every other member that is up. */
  public static boolean isOldestUp(Cluster cluster) {
    org.apache.pekko.cluster.Member self = cluster.selfMember();
    if (self.status() != MemberStatus.up()) {
      return false;
    }
    for (org.apache.pekko.cluster.Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.up() && !m.equals(self) && m.isOlderThan(self)) {
        return false;
      }
    }
    return true;
  }

  /** Whether any member besides this one is up (this member joins a running cluster). */
  public static boolean othersUp(Cluster cluster) {
    org.apache.pekko.cluster.Member self = cluster.selfMember();
    for (org.apache.pekko.cluster.Member m : cluster.state().getMembers()) {
      if (m.status() == MemberStatus.up() && !m.equals(self)) {
        return true;
      }
    }
    return false;
  }
}
