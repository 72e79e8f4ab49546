package io.ferry.engine.cluster;

import io.ferry.channels.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.pattern.Patterns;

/**
 * The claimant's side of a {@link HandOver}: asks every other member to release a peer (one round;
 * {@link PeerOwnership} repeats it until every member did), and tells them how the claim ended.
 */
final class HandOverRequests {
  private final ActorSystem<?> system;
  private final Address self;
  private final Duration probe;

  HandOverRequests(ActorSystem<?> system, Address self, Duration probe) {
    this.system = system;
    this.self = self;
    this.probe = probe;
  }

  /** Asks every other member at once; true when each one gave {@code peer} up. */
  CompletionStage<Boolean> allReleased(PeerId peer) {
    List<CompletableFuture<Boolean>> answers = new ArrayList<>();
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (!m.address().equals(self)) {
        answers.add(releases(m, peer).toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(answers.toArray(new CompletableFuture[0]))
        .thenApply(all -> answers.stream().allMatch(CompletableFuture::join));
  }

  /**
   * Whether {@code member} gave {@code peer} up: it answered Released, or it is on its way out (a
   * leaving member closed its transport first). A member suspected or downed is not asked: it is
   * waited for until the leader removed it (then it is no longer among the members asked).
   */
  private CompletionStage<Boolean> releases(Member member, PeerId peer) {
    boolean leaving =
        member.status() == MemberStatus.leaving()
            || member.status() == MemberStatus.exiting()
            || member.status() == MemberStatus.removed();
    if (member.status() == MemberStatus.down()
        || Cluster.get(system).state().getUnreachable().contains(member)) {
      return CompletableFuture.completedFuture(leaving);
    }
    return Patterns.ask(
            desk(member.address()), new HandOver.Release(peer.toString(), self.toString()), probe)
        .handle((reply, e) -> reply instanceof HandOver.Released || leaving);
  }

  /** Tells every other member how the claim of {@code peer} ended. */
  void settle(PeerId peer, boolean serving) {
    HandOver.Settled settled = new HandOver.Settled(peer.toString(), self.toString(), serving);
    for (Member m : Cluster.get(system).state().getMembers()) {
      if (!m.address().equals(self)) {
        desk(m.address()).tell(settled, ActorRef.noSender());
      }
    }
  }

  private ActorSelection desk(Address member) {
    return Adapter.toClassic(system).actorSelection(member + "/system/" + HandOverDesk.NAME);
  }
}
