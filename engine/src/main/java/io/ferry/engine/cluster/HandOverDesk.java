package io.ferry.engine.cluster;

import io.ferry.channels.PeerId;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.AddressFromURIString;
import org.apache.pekko.actor.Props;
import org.apache.pekko.cluster.Cluster;
import org.apache.pekko.cluster.ClusterEvent;
import org.apache.pekko.cluster.MemberStatus;

/**
 * Where other members' {@link HandOver} messages arrive on this member: a system actor at {@code
 * /system/peer-hand-over}, answering each {@link HandOver.Release} with what {@link PeerOwnership}
 * decided (after it dropped the connection, when it released), and telling it when members leave,
 * go down (crash) or are removed.
 */
final class HandOverDesk extends AbstractActor {
  static final String NAME = "peer-hand-over";

  /** What the desk asks of its member. */
  interface Member {
    /** Gives {@code peer} up to {@code claimant}, or refuses; the answer to send back. */
    HandOver release(PeerId peer, Address claimant);

    /** The claim of {@code peer} by {@code claimant} ended. */
    void settled(PeerId peer, Address claimant, boolean serving);

    /** A member left, was downed or was removed: peers given up to it may be dialed again. */
    void membersChanged();

    /**
     * Whether the member at {@code address} crashed (it was downed) or is up (again: a member
     * started anew on the address of one that crashed).
     */
    void crashed(Address address, boolean crashed);
  }

  private final Member member;

  private HandOverDesk(Member member) {
    this.member = member;
  }

  static Props props(Member member) {
    return Props.create(HandOverDesk.class, () -> new HandOverDesk(member));
  }

  @Override
  public void preStart() {
    Cluster.get(getContext().getSystem())
        .subscribe(getSelf(), ClusterEvent.initialStateAsEvents(), ClusterEvent.MemberEvent.class);
  }

  @Override
  public void postStop() {
    Cluster.get(getContext().getSystem()).unsubscribe(getSelf());
  }

  @Override
  public Receive createReceive() {
    return receiveBuilder()
        .match(
            HandOver.Release.class,
            r ->
                getSender()
                    .tell(
                        member.release(
                            PeerId.parse(r.peer()), AddressFromURIString.parse(r.claimant())),
                        getSelf()))
        .match(
            HandOver.Settled.class,
            s ->
                member.settled(
                    PeerId.parse(s.peer()), AddressFromURIString.parse(s.claimant()), s.serving()))
        .match(
            ClusterEvent.MemberDowned.class,
            e -> {
              member.crashed(e.member().address(), true);
              member.membersChanged();
            })
        .match(
            ClusterEvent.MemberRemoved.class,
            e -> {
              if (e.previousStatus() == MemberStatus.down()) {
                member.crashed(e.member().address(), true);
              }
              member.membersChanged();
            })
        .match(
            ClusterEvent.MemberUp.class,
            e -> {
              member.crashed(e.member().address(), false);
              member.membersChanged();
            })
        .match(ClusterEvent.ClusterDomainEvent.class, e -> member.membersChanged())
        .build();
  }
}
