package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelCommand.Step;
import io.ferry.channels.entity.Deadlines.Wait;
import io.ferry.channels.entity.EntityState.Active;
import io.ferry.channels.entity.EntityState.AwaitingRestart;
import io.ferry.channels.entity.EntityState.Live;
import io.ferry.channels.entity.EntityState.RestartedHere;
import io.ferry.channels.entity.JournalEvent.Disconnected;
import io.ferry.channels.entity.JournalEvent.Failed;
import io.ferry.channels.entity.JournalEvent.RestartFailed;
import io.ferry.channels.entity.JournalEvent.RestartRequested;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * Restarting a channel, on both sides, and restarting it by itself when its connection dropped. A
 * restart attempt is a restart request handed to the transport (initiator: RESTART; responder:
 * RESTART_EXISTING_CHANNEL), recorded first ({@code RestartRequested}, which puts this incarnation
 * of the actor in {@link AwaitingRestart}); it ends answered ({@code Restarted}) or failed ({@code
 * RestartFailed}: not sent, not answered in time, or the connection dropped again), and either way
 * counts in {@link ChannelState#restartAttempts()} until data moves. A stalled channel attempts
 * again after a backoff that doubles per attempt, at once when its peer connects, and fails ("gave
 * up after N restart attempts: ...") once the configured number of attempts is reached. Which
 * handler runs is the phase's: {@link Live} may begin an attempt, {@link AwaitingRestart} and
 * {@link RestartedHere} find one under way.
 */
final class Restarting {
  private final Actions act;
  private final Reactions react;

  Restarting(Actions act, Reactions react) {
    this.act = act;
    this.react = react;
  }

  /**
   * Whether a channel in {@code state} restarts by itself: it is stalled and not ending. Whoever
   * waits for the other side still reconnects: the side that is down may not be able to dial back
   * (a provider that restarted knows no address of its client), and then neither side connects to
   * the other and both wait until their timeouts fail the transfer (bench/chaos, issue 19, 3). So
   * an initiator that holds all its data asks for a restart (the responder then finishes its side)
   * or sends its last voucher again, and a responder waiting for a final voucher asks for it again;
   * each after the backoff, and again after each request that could not be sent.
   */
  static boolean restartsItself(ChannelState state) {
    return state.stalled() && !state.status().isEnding();
  }

  /** The failure message of a channel that stops trying. */
  static String gaveUp(int attempts, String lastReason) {
    String why = lastReason == null || lastReason.isBlank() ? "no reason recorded" : lastReason;
    return "gave up after " + attempts + " restart attempts: " + why;
  }

  // ---- restart, by phase ----

  /**
   * No restart under way: restarts by role and answers what it did ({@link RestartOutcome}); {@code
   * replyTo} may be null (restarts the node itself triggers).
   */
  Effect<JournalEvent, EntityState> restart(Live phase, ActorRef<ChannelReply> replyTo) {
    RestartOutcome withoutAttempt = withoutAttempt(phase);
    if (withoutAttempt != null) {
      return answer(replyTo, phase.channel(), withoutAttempt);
    }
    return beginAttempt(phase, replyTo);
  }

  /**
   * A restart of this incarnation is under way ({@link AwaitingRestart}, {@link RestartedHere}):
   * what this side only waits for is asked again; nothing restarts twice.
   */
  Effect<JournalEvent, EntityState> restartUnderWay(Active phase, ActorRef<ChannelReply> replyTo) {
    RestartOutcome withoutAttempt = withoutAttempt(phase);
    return answer(
        replyTo,
        phase.channel(),
        withoutAttempt != null ? withoutAttempt : new RestartOutcome.AlreadyUnderWay());
  }

  /** Cleaning up or ended: the outcome says which; cleanup resumes by itself after recovery. */
  Effect<JournalEvent, EntityState> restartEnding(
      ChannelState state, ActorRef<ChannelReply> replyTo) {
    Status status = state.status();
    return answer(
        replyTo,
        state,
        status.isTerminal()
            ? new RestartOutcome.Ended(status)
            : new RestartOutcome.CleanupResumed(status));
  }

  private Effect<JournalEvent, EntityState> answer(
      ActorRef<ChannelReply> replyTo, ChannelState state, RestartOutcome outcome) {
    return react.maybeAnswer(replyTo, new ChannelReply.RestartAnswer(state, outcome));
  }

  /**
   * What a restart does without an attempt, by role and status, or null when it makes one. An
   * initiator never accepted sends its request again; a responder waiting for the final voucher
   * asks for it again. Each of these may have been lost with a crash of either side (issue 19, 3).
   */
  private RestartOutcome withoutAttempt(Active phase) {
    ChannelState state = phase.channel();
    Status s = state.status();
    if (!state.isInitiator()) {
      if (s != Status.Finalizing) {
        return null;
      }
      act.send(
          state,
          TransferResponse.completed(
              state.transferId(), true, state.lastVoucherResult().orElse(null)));
      return new RestartOutcome.NothingToRestart(
          "this side sent everything and waits for the initiator's final voucher (Finalizing);"
              + " it asked for it again");
    }
    if (s == Status.Requested || s == Status.AwaitingAcceptance) {
      act.closeData(state.channelId());
      act.prepare(phase, Step.SEND_OPEN, null);
      return new RestartOutcome.RequestSent();
    }
    // An initiator holding all its data asks for a restart too (TransferFinished), or says its last
    // word again (ResponderFinalizingTransferFinished, see beginAttempt): the responder may have
    // restarted without hearing that the data arrived (and cannot reach this side), or completed
    // while this side was down (it answers with its completion again). Waiting for it lost both in
    // bench/chaos (issue 19, 3).
    return null;
  }

  /**
   * Records the attempt, then closes the old data and sends the request (an initiator once its
   * receiver is ready): no backoff now, a deadline for the answer instead.
   */
  private Effect<JournalEvent, EntityState> beginAttempt(
      Live phase, ActorRef<ChannelReply> replyTo) {
    return react.persistThenAnswer(
        Plan.from(phase.channel()).add(new RestartRequested(act.incarnation(), act.now())),
        replyTo,
        s -> new ChannelReply.RestartAnswer(s.channel(), attemptOutcome(s.channel())),
        s -> {
          ChannelState state = s.channel();
          act.closeData(state.channelId());
          if (isFinishedInitiator(state)) {
            act.send(state, lastWord(state));
          } else if (state.isInitiator()) {
            act.prepare(s, Step.SEND_RESTART, null);
          } else {
            act.send(state, TransferRequest.restartExistingChannel(state.channelId()));
          }
        });
  }

  /**
   * Initiator holding all its data and waiting for the responder to finish after paying: its
   * attempt is its last word said again, the last voucher (the final payment, or the one before it,
   * may have been lost with a crash of either side), or with nothing paid an update that changes
   * nothing but still reaches a responder that cannot dial this side. It is an attempt like a
   * restart request: recorded, answered by the responder's completion (a completed responder
   * completes again) or failed when no answer comes in time, and tried again after the backoff.
   * Sent without a deadline, a word that reached a responder which did not answer was never said
   * again, and the channel stayed in ResponderFinalizingTransferFinished for good
   * (ChaosRoundsTest).
   */
  private static boolean isFinishedInitiator(ChannelState state) {
    return state.isInitiator() && state.status() == Status.ResponderFinalizingTransferFinished;
  }

  /** What an attempt tells whoever asked for the restart. */
  private static RestartOutcome attemptOutcome(ChannelState state) {
    if (!isFinishedInitiator(state)) {
      return new RestartOutcome.RequestSent();
    }
    return new RestartOutcome.NothingToRestart(
        "this side holds all its data and waits for the responder to finish ("
            + state.status()
            + (state.hasLaterVoucher()
                ? "); it sent its last voucher again"
                : "); there is nothing to restart"));
  }

  private static TransferRequest lastWord(ChannelState state) {
    return state.hasLaterVoucher()
        ? TransferRequest.voucher(state.transferId(), state.lastVoucher().get())
        : TransferRequest.update(state.transferId(), state.initiatorPaused());
  }

  /** Initiator: whether a request to restart came from this channel's responder. */
  boolean fromResponder(ChannelState state, PeerId from) {
    if (!state.isInitiator() || !from.equals(state.channelId().responder())) {
      act.log().warn("ignored a restart request from {}: not the responder of this channel", from);
      return false;
    }
    // A responder that restarted before it heard that this side holds everything asks for a
    // restart even when this side is finished: without one it never completes (issue 19, 3).
    return true;
  }

  // ---- the connection, and restarting by itself ----

  /** The connection to the other peer dropped: the channel is stalled until it restarts. */
  Effect<JournalEvent, EntityState> disconnected(ChannelState state, String reason) {
    return react.persist(
        Plan.from(state).add(new Disconnected(reason, act.now())),
        s -> act.closeData(s.channelId()));
  }

  /** The connection dropped while this incarnation's restart request awaited its answer. */
  Effect<JournalEvent, EntityState> disconnectedDuringAttempt(
      AwaitingRestart phase, String reason) {
    return attemptFailed(phase.channel(), "the connection dropped during the restart: " + reason);
  }

  /** The backoff of a stalled channel ran out: the next attempt, or the end of trying. */
  Effect<JournalEvent, EntityState> backoffOver(Live phase) {
    if (!act.waiting(Wait.RESTART, phase)) {
      return react.none();
    }
    ChannelState state = phase.channel();
    int max = act.restartSettings().maxAttempts();
    if (state.restartAttempts() >= max) {
      return giveUp(Plan.from(state), gaveUp(state.restartAttempts(), state.message()));
    }
    return restart(phase, null);
  }

  /** The restart request got no answer in time. */
  Effect<JournalEvent, EntityState> unanswered(AwaitingRestart phase) {
    if (!act.waiting(Wait.RESTART_ANSWER, phase)) {
      return react.none();
    }
    return attemptFailed(phase.channel(), act.expired(Wait.RESTART_ANSWER));
  }

  /** Whether {@code type} is a restart request's. */
  static boolean isRestartRequest(MessageType type) {
    return type == MessageType.RESTART || type == MessageType.RESTART_EXISTING_CHANNEL;
  }

  /**
   * Initiator holding all its data and waiting for the responder to finish: its voucher (or the
   * update that stands in for one) could not be sent. Only this side's word moves such a channel on
   * (no data, no timer), so a send that failed counts as a failed attempt: stalled, it sends again
   * after the backoff and when the peer connects. Recorded as merely not sent, it never tried
   * again: a client restarted after a kill knew no address of its provider, which had completed and
   * had no reason to dial, and stayed in ResponderFinalizingTransferFinished for good
   * (ChaosRoundsTest).
   */
  boolean isLastWord(ChannelState state, MessageType type) {
    return isFinishedInitiator(state)
        && (type == MessageType.VOUCHER || type == MessageType.UPDATE);
  }

  /** The last word of a finished initiator ({@link #isLastWord}) could not be sent. */
  Effect<JournalEvent, EntityState> lastWordNotSent(ChannelState state, String reason) {
    return attemptFailed(state, reason);
  }

  /** The restart request could not be sent: the attempt failed. */
  Effect<JournalEvent, EntityState> attemptNotSent(AwaitingRestart phase, String reason) {
    return attemptFailed(phase.channel(), reason);
  }

  private Effect<JournalEvent, EntityState> attemptFailed(ChannelState state, String reason) {
    Plan plan = Plan.from(state).add(new RestartFailed(reason, act.now()));
    int attempts = plan.result().restartAttempts();
    if (attempts >= act.restartSettings().maxAttempts()) {
      return giveUp(plan, gaveUp(attempts, reason));
    }
    return react.persist(plan, s -> act.closeData(s.channelId()));
  }

  private Effect<JournalEvent, EntityState> giveUp(Plan plan, String why) {
    act.log().warn("channel {} {}", plan.result().channelId(), why);
    return react.persist(plan.add(new Failed(why, act.now())), s -> act.reportFailure(s, why));
  }
}
