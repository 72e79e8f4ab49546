package io.ferry.engine.cluster;

import io.ferry.channels.PeerId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.ActorSelection;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.cluster.Member;
import org.apache.pekko.cluster.MemberStatus;
import org.apache.pekko.cluster.UniqueAddress;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.cluster.typed.Down;
import org.apache.pekko.pattern.Patterns;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The claimant's side of a {@link HandOver}: asks every other member to release a peer ({@link
 * PeerClaims} asks again, round after round, until every member did), and tells them how the claim
 * ended.
 *
 * <p>A round waits {@code probe} for each member's answer, but an answer that comes later still
 * counts: a member's request stays out until it is answered or {@code silence} passed, and the next
 * rounds wait on it rather than ask again. A member that answered nothing for {@code silence} while
 * the failure detector still hears its heartbeats (its desk is stuck, not its process) is downed:
 * the claim then goes on once the leader removed it, as after a crash, instead of holding the
 * peer's calls until the claim's own limit (30 s) and giving the peer up. A downed member stops
 * itself (docs/operations.md, "When a member leaves or dies").
 */
final class HandOverRequests {
  private static final Logger log = LoggerFactory.getLogger(HandOverRequests.class);

  private final ActorSystem<?> system;
  private final Address self;
  private final Duration probe;
  private final Duration silence;

  HandOverRequests(ActorSystem<?> system, Address self, Duration probe, Duration silence) {
    this.system = system;
    this.self = self;
    this.probe = probe;
    this.silence = silence;
  }

  /** Which members released a peer. */
  enum Released {
    /** Every other member. */
    EVERY_MEMBER,
    /**
     * Every other member but some that were downed (after a crash) and are not removed yet: they
     * have nothing to give up, but their shards are freed only at their removal.
     */
    BUT_DOWNED,
    /** Some member that is up has not released it yet, or cannot be asked (unreachable). */
    NOT_YET
  }

  /** The requests of one claim of {@code peer}: each member's answer, once it came. */
  Asking asking(PeerId peer) {
    return new Asking(peer);
  }

  /** One claim's requests to release its peer, asked round after round. */
  final class Asking {
    private final PeerId peer;

    /**
     * Each member's latest request: true once it answered Released, false if it did not. Kept by
     * incarnation: a member restarted at the same host and port is another member, whose silence is
     * not its predecessor's.
     */
    private final Map<UniqueAddress, CompletableFuture<Boolean>> out = new ConcurrentHashMap<>();

    private Asking(PeerId peer) {
      this.peer = peer;
    }

    /**
     * Asks every other member that has not released the peer yet: whether each one did, each one
     * but members downed and not yet removed, or not yet.
     */
    CompletionStage<Released> allReleased() {
      List<CompletableFuture<Boolean>> answers = new ArrayList<>();
      boolean downed = false;
      for (Member m : Cluster.get(system).state().getMembers()) {
        if (m.address().equals(self)) {
          continue;
        }
        if (m.status() == MemberStatus.down()) {
          downed = true;
        } else {
          answers.add(releases(m).toCompletableFuture());
        }
      }
      Released allAnswered = downed ? Released.BUT_DOWNED : Released.EVERY_MEMBER;
      return CompletableFuture.allOf(answers.toArray(new CompletableFuture[0]))
          .thenApply(
              all ->
                  answers.stream().allMatch(CompletableFuture::join)
                      ? allAnswered
                      : Released.NOT_YET);
    }

    /**
     * Whether {@code member} gave the peer up: it answered Released (now or to an earlier round),
     * or it is on its way out (a leaving member closed its transport first). A member suspected or
     * downed is not asked: it is waited for until the leader removed it (then it is no longer among
     * the members asked).
     */
    private CompletionStage<Boolean> releases(Member member) {
      boolean leaving =
          member.status() == MemberStatus.leaving()
              || member.status() == MemberStatus.exiting()
              || member.status() == MemberStatus.removed();
      if (Cluster.get(system).state().getUnreachable().contains(member)) {
        return CompletableFuture.completedFuture(leaving);
      }
      CompletableFuture<Boolean> answer = out.get(member.uniqueAddress());
      if (answer == null || answer.isDone() && !answer.join()) {
        // Not asked yet, or it refused (it claims the peer and goes first) or stayed silent.
        answer = ask(member.uniqueAddress());
        out.put(member.uniqueAddress(), answer);
      }
      return answer
          .copy()
          .completeOnTimeout(false, probe.toMillis(), TimeUnit.MILLISECONDS)
          .thenApply(released -> released || leaving);
    }

    /** Sends the request to {@code member}; its answer, or what its silence led to. */
    private CompletableFuture<Boolean> ask(UniqueAddress member) {
      HandOver.Release release = new HandOver.Release(peer.toString(), self.toString());
      return Patterns.ask(desk(member.address()), release, silence)
          .toCompletableFuture()
          .handle(
              (reply, e) -> {
                if (e != null) {
                  downIfHeard(member);
                }
                return reply instanceof HandOver.Released;
              });
    }

    /**
     * Downs {@code member} if it is up and heard. Only that incarnation: a member that left and
     * started again at the same address (a rolling restart) never had the request, and downing it
     * for its predecessor's silence stopped it right after it joined (ClusterRollingRestartTest).
     */
    private void downIfHeard(UniqueAddress member) {
      Cluster cluster = Cluster.get(system);
      for (Member m : cluster.state().getMembers()) {
        if (m.uniqueAddress().equals(member)
            && m.status() == MemberStatus.up()
            && !cluster.state().getUnreachable().contains(m)) {
          log.warn(
              "member {} did not answer the requests to release {} for {} s while its heartbeats"
                  + " arrive: downing it (it stops; the claim goes on once it is removed)",
              member.address(),
              peer,
              silence.toSeconds());
          cluster.manager().tell(new Down(member.address()));
        }
      }
    }
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
