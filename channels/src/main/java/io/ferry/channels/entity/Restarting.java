package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelCommand.Step;
import io.ferry.channels.entity.Deadlines.Wait;
import io.ferry.channels.entity.JournalEvent.Disconnected;
import io.ferry.channels.entity.JournalEvent.Failed;
import io.ferry.channels.entity.JournalEvent.RestartFailed;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * Restarting a channel, on both sides, and restarting it by itself when its connection dropped. A
 * restart attempt is a restart request handed to the transport (initiator: RESTART; responder:
 * RESTART_EXISTING_CHANNEL); it ends answered ({@code Restarted}) or failed ({@code RestartFailed}:
 * not sent, not answered in time, or the connection dropped again), and either way counts in {@link
 * ChannelState#restartAttempts()} until data moves. A stalled channel attempts again after a
 * backoff that doubles per attempt, at once when its peer connects, and fails ("gave up after N
 * restart attempts: ...") once the configured number of attempts is reached.
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

  // ---- restart, on either side ----

  /**
   * Restarts by role and answers what it did ({@link RestartOutcome}); {@code replyTo} may be null
   * (restarts the node itself triggers).
   */
  Effect<JournalEvent, EntityState> restart(ChannelState state, ActorRef<ChannelReply> replyTo) {
    Status status = state.status();
    if (status.isTerminal()) {
      return answer(replyTo, state, new RestartOutcome.Ended(status));
    }
    if (status.isCleanup()) {
      // Cleanup runs: it started when the channel entered cleanup, or after recovery
      // (ResumeCleanup).
      return answer(replyTo, state, new RestartOutcome.CleanupResumed(status));
    }
    RestartOutcome outcome =
        state.isInitiator() ? restartAsInitiator(state) : restartAsResponder(state);
    return answer(replyTo, state, outcome);
  }

  private Effect<JournalEvent, EntityState> answer(
      ActorRef<ChannelReply> replyTo, ChannelState state, RestartOutcome outcome) {
    return react.maybeAnswer(replyTo, new ChannelReply.RestartAnswer(state, outcome));
  }

  private RestartOutcome restartAsInitiator(ChannelState state) {
    Status s = state.status();
    if (s == Status.Requested || s == Status.AwaitingAcceptance) {
      act.closeData(state.channelId());
      act.prepare(state, Step.SEND_OPEN, null);
      return new RestartOutcome.RequestSent();
    }
    if (s == Status.ResponderFinalizingTransferFinished && state.vouchers().size() > 1) {
      // The last voucher (the final payment, or the one before it) may have been lost with a
      // crash of either side: sent again, the responder answers it (again) or completes.
      act.send(state, TransferRequest.voucher(state.transferId(), state.lastVoucher().get()));
      return new RestartOutcome.NothingToRestart(
          "this side holds all its data and waits for the responder to finish ("
              + s
              + "); it sent its last voucher again");
    }
    if (s == Status.ResponderFinalizingTransferFinished) {
      // Nothing paid yet to send again: an update that changes nothing still reaches the
      // responder, which may not be able to dial this side, so that it asks again for its final
      // voucher (ChaosRoundsTest: a client killed before it paid stayed here).
      act.send(state, TransferRequest.update(state.transferId(), state.initiatorPaused()));
      return new RestartOutcome.NothingToRestart(
          "this side holds all its data and waits for the responder to finish ("
              + s
              + "); there is nothing to restart");
    }
    // An initiator holding all its data (TransferFinished) asks for a restart too: the responder
    // may have restarted without hearing that the data arrived (and cannot reach this side), or
    // completed while this side was down (it answers with its completion again). Waiting for it
    // lost both in bench/chaos (issue 19, 3).
    if (act.memory.restartPending) {
      return new RestartOutcome.AlreadyUnderWay();
    }
    act.closeData(state.channelId());
    attemptStarted(state);
    act.prepare(state, Step.SEND_RESTART, null);
    return new RestartOutcome.RequestSent();
  }

  private RestartOutcome restartAsResponder(ChannelState state) {
    if (state.status() == Status.Finalizing) {
      // The request for the final voucher, or the voucher, may have been lost with a crash of
      // either side (issue 19, 3): ask again; a voucher credited already counts once.
      act.send(
          state,
          TransferResponse.completed(
              state.transferId(), true, state.lastVoucherResult().orElse(null)));
      return new RestartOutcome.NothingToRestart(
          "this side sent everything and waits for the initiator's final voucher (Finalizing);"
              + " it asked for it again");
    }
    if (act.memory.restartedHere || act.memory.restartPending) {
      return new RestartOutcome.AlreadyUnderWay();
    }
    act.closeData(state.channelId());
    attemptStarted(state);
    act.send(state, TransferRequest.restartExistingChannel(state.channelId()));
    return new RestartOutcome.RequestSent();
  }

  /** A restart request is on its way: no backoff now, a deadline for its answer instead. */
  private void attemptStarted(ChannelState state) {
    act.memory.restartPending = true;
    act.updateDeadlines(state);
  }

  /** Initiator: the responder asks us to restart. */
  Effect<JournalEvent, EntityState> restartRequested(ChannelState state, PeerId from) {
    if (!state.isInitiator() || !from.equals(state.channelId().responder())) {
      act.log().warn("ignored a restart request from {}: not the responder of this channel", from);
      return react.none();
    }
    // A responder that restarted before it heard that this side holds everything asks for a
    // restart even when this side is finished: without one it never completes (issue 19, 3).
    return restart(state, null);
  }

  // ---- the connection, and restarting by itself ----

  /** The connection to the other peer dropped: the channel is stalled until it restarts. */
  Effect<JournalEvent, EntityState> disconnected(ChannelState state, String reason) {
    boolean duringAttempt = act.memory.restartPending;
    act.memory.restartPending = false;
    act.memory.restartedHere = false; // the next restart is a new one
    if (duringAttempt) {
      return attemptFailed(state, "the connection dropped during the restart: " + reason);
    }
    return react.persist(
        Plan.from(state).add(new Disconnected(reason, act.now())),
        s -> act.closeData(s.channelId()));
  }

  /** The connection to the other peer is back: a stalled channel restarts at once. */
  Effect<JournalEvent, EntityState> reconnected(ChannelState state) {
    if (!state.stalled()) {
      return react.none();
    }
    return restart(state, null);
  }

  /** The backoff of a stalled channel ran out: the next attempt, or the end of trying. */
  Effect<JournalEvent, EntityState> backoffOver(ChannelState state) {
    if (!act.waiting(Wait.RESTART, state)) {
      return react.none();
    }
    int max = act.restartSettings().maxAttempts();
    if (state.restartAttempts() >= max) {
      return giveUp(Plan.from(state), gaveUp(state.restartAttempts(), state.message()));
    }
    return restart(state, null);
  }

  /** The restart request got no answer in time. */
  Effect<JournalEvent, EntityState> unanswered(ChannelState state) {
    if (!act.waiting(Wait.RESTART_ANSWER, state)) {
      return react.none();
    }
    return attemptFailed(state, act.expired(Wait.RESTART_ANSWER));
  }

  /** A message could not be sent; a restart request's failure ends its attempt. */
  boolean isAttemptMessage(MessageType type) {
    return act.memory.restartPending
        && (type == MessageType.RESTART || type == MessageType.RESTART_EXISTING_CHANNEL);
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
    return state.isInitiator()
        && state.status() == Status.ResponderFinalizingTransferFinished
        && (type == MessageType.VOUCHER || type == MessageType.UPDATE);
  }

  /** The restart request could not be sent: the attempt failed. */
  Effect<JournalEvent, EntityState> attemptNotSent(ChannelState state, String reason) {
    return attemptFailed(state, reason);
  }

  /**
   * A message could not be sent when the channel is not live (none yet, cleaning up, ended): a
   * restart request's attempt is over, and there is nothing to record.
   */
  Effect<JournalEvent, EntityState> notSent(MessageType type) {
    if (type == MessageType.RESTART || type == MessageType.RESTART_EXISTING_CHANNEL) {
      act.memory.restartPending = false;
    }
    return react.none();
  }

  private Effect<JournalEvent, EntityState> attemptFailed(ChannelState state, String reason) {
    act.memory.restartPending = false;
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
