package io.ferry.engine.cluster;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import io.ferry.transport.identity.Multiaddr;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Subscribe;

/**
 * A cluster's peer addresses: one logical node, dialed at any member's listen address. Each member
 * carries its own listen address as a cluster role ({@value #ROLE_PREFIX}{@code /ip4/…/tcp/…}), so
 * every member learns the others' from the membership itself, with nothing to store; a member
 * announces them in its handshakes after its own, and a remote peer that finds one member gone
 * dials the next (the transport's address list).
 */
public final class MemberAddresses {
  /** The role that names a member's peer listen address. */
  public static final String ROLE_PREFIX = "peer-address=";

  private MemberAddresses() {}

  /**
   * The cluster roles of a member that listens at {@code listen}: {@code overrides}' roles plus
   * this member's address, where peers reach it. A wildcard host ({@code 0.0.0.0}) is replaced by
   * {@code hostname}, where the other members reach it; a port 0 (chosen at bind) names no address.
   */
  public static Config roles(Config overrides, Multiaddr listen, String hostname) {
    if (listen.port() == 0) {
      return ConfigFactory.empty();
    }
    Multiaddr at =
        listen.host().equals("0.0.0.0") || listen.host().equals("::")
            ? Multiaddr.of(hostname, listen.port(), null)
            : listen.withPeer(null);
    List<String> roles = new ArrayList<>();
    if (overrides.hasPath("pekko.cluster.roles")) {
      roles.addAll(overrides.getStringList("pekko.cluster.roles"));
    }
    roles.add(ROLE_PREFIX + at);
    return ConfigFactory.empty()
        .withValue("pekko.cluster.roles", ConfigValueFactory.fromIterable(roles));
  }

  /** The peer address {@code member} carries, if it carries one. */
  static Optional<Multiaddr> of(Member member) {
    for (String role : member.getRoles()) {
      if (role.startsWith(ROLE_PREFIX)) {
        try {
          return Optional.of(Multiaddr.parse(role.substring(ROLE_PREFIX.length())));
        } catch (IllegalArgumentException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  /**
   * A watcher that tells {@code others} the peer addresses of the other members that are up, in age
   * order (oldest first), whenever they change.
   */
  public static Behavior<ClusterEvent.MemberEvent> follow(Consumer<List<Multiaddr>> others) {
    return Behaviors.setup(
        context -> {
          Cluster cluster = Cluster.get(context.getSystem());
          Address self = cluster.selfMember().address();
          cluster
              .subscriptions()
              .tell(Subscribe.create(context.getSelf(), ClusterEvent.MemberEvent.class));
          Map<Address, Member> up = new TreeMap<>(Address.addressOrdering());
          return Behaviors.receive(ClusterEvent.MemberEvent.class)
              .onAnyMessage(
                  event -> {
                    Member m = event.member();
                    List<Multiaddr> before = addresses(up);
                    if (event instanceof ClusterEvent.MemberUp && !m.address().equals(self)) {
                      up.put(m.address(), m);
                    } else if (!(event instanceof ClusterEvent.MemberWeaklyUp)
                        && !(event instanceof ClusterEvent.MemberJoined)) {
                      // Leaving, exiting, downed or removed: peers should not dial it any more.
                      up.remove(m.address());
                    }
                    List<Multiaddr> after = addresses(up);
                    if (!after.equals(before)) {
                      others.accept(after);
                    }
                    return Behaviors.same();
                  })
              .build();
        });
  }

  private static List<Multiaddr> addresses(Map<Address, Member> up) {
    List<Member> members = new ArrayList<>(up.values());
    members.sort(Member.ageOrdering());
    List<Multiaddr> out = new ArrayList<>();
    for (Member m : members) {
      of(m).ifPresent(out::add);
    }
    return out;
  }
}
