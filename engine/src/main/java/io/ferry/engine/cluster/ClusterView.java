package io.ferry.engine.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * What one member sees of the cluster, as {@code GET /v1/cluster} shows it: every member with its
 * status, roles and reachability, the remote peers it serves and the unfinished channels it hosts,
 * which one is the leader and which the oldest (where the cluster's singletons run).
 *
 * @param clustered whether the node is a member of a real cluster (else a cluster of one)
 * @param self this member's address ({@code pekko://ferry@host:port})
 * @param leader the leader's address, or null while there is none
 * @param oldest the oldest member that is up (it restarts a departed member's channels), or null
 * @param members every member this one knows of, oldest first
 */
public record ClusterView(
    boolean clustered, String self, String leader, String oldest, List<MemberView> members) {

  /**
   * One member.
   *
   * @param address {@code pekko://ferry@host:port}
   * @param status Joining, WeaklyUp, Up, Leaving, Exiting, Down, Removed
   * @param roles its roles
   * @param reachable whether this member can reach it (failure detector)
   * @param self whether it is the member answering
   * @param peers the remote peers it serves (it holds their connection and hosts their channels)
   * @param channels the unfinished channels it hosts (those with the peers it serves)
   */
  public record MemberView(
      String address,
      String status,
      Set<String> roles,
      boolean reachable,
      boolean self,
      List<String> peers,
      List<String> channels) {

    MemberView hosting(List<String> peers, List<String> channels) {
      return new MemberView(address, status, roles, reachable, self, peers, channels);
    }
  }

  /** The view from {@code system}. */
  public static ClusterView of(ActorSystem<?> system, boolean clustered) {
    Cluster cluster = Cluster.get(system);
    ClusterEvent.CurrentClusterState state = cluster.state();
    Address self = cluster.selfMember().address();
    Set<Member> unreachable = state.getUnreachable();
    List<Member> sorted = new ArrayList<>();
    state.getMembers().forEach(sorted::add);
    sorted.sort(Member.ageOrdering());
    List<MemberView> members = new ArrayList<>();
    String oldest = null;
    for (Member m : sorted) {
      if (oldest == null && m.status() == MemberStatus.up()) {
        oldest = m.address().toString();
      }
      members.add(
          new MemberView(
              m.address().toString(),
              m.status().toString(),
              new TreeSet<>(m.getRoles()),
              !unreachable.contains(m),
              m.address().equals(self),
              List.of(),
              List.of()));
    }
    Address leader = state.getLeader();
    return new ClusterView(
        clustered, self.toString(), leader == null ? null : leader.toString(), oldest, members);
  }

  /**
   * This view with what each member hosts: {@code peers} and {@code channels} by member address
   * (members without an entry host nothing).
   */
  public ClusterView hosting(Map<String, List<String>> peers, Map<String, List<String>> channels) {
    List<MemberView> with = new ArrayList<>();
    for (MemberView m : members) {
      with.add(
          m.hosting(
              sorted(peers.getOrDefault(m.address(), List.of())),
              sorted(channels.getOrDefault(m.address(), List.of()))));
    }
    return new ClusterView(clustered, self, leader, oldest, with);
  }

  private static List<String> sorted(List<String> values) {
    return values.stream().sorted().toList();
  }

  /** The members that are up. */
  public long up() {
    return members.stream().filter(m -> m.status().equals("Up")).count();
  }
}
