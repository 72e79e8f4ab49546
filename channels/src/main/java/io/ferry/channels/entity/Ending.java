package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.entity.JournalEvent.Cancelled;
import io.ferry.channels.entity.JournalEvent.CleanupCompleted;
import io.ferry.channels.entity.JournalEvent.CompletionBegun;
import io.ferry.channels.entity.JournalEvent.Failed;
import io.ferry.channels.entity.JournalEvent.FinalizationBegun;
import io.ferry.channels.entity.JournalEvent.MessageNotSent;
import io.ferry.channels.entity.JournalEvent.ResponderCompleted;
import io.ferry.channels.entity.JournalEvent.ResponderFinalizing;
import io.ferry.channels.entity.JournalEvent.TransferFinished;
import io.ferry.channels.entity.JournalEvent.VoucherResultRecorded;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.validation.Verdict;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import java.util.Optional;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * How a channel ends: data finishing on each side, the responder's completion (with or without a
 * finalization round), cancellation by either side, failures and expired waits, and cleanup.
 */
final class Ending {
  private final Actions act;
  private final Reactions react;

  Ending(Actions act, Reactions react) {
    this.act = act;
    this.react = react;
  }

  // ---- data finished ----

  Effect<JournalEvent, EntityState> dataFinished(ChannelState state, String error) {
    if (error != null) {
      return fail(state, error);
    }
    if (state.isInitiator()) {
      return react.persist(Plan.from(state).add(new TransferFinished(act.now())));
    }
    act.asks.validateCompletion(state);
    return react.none();
  }

  /** Responder: the revalidators decided whether completion needs a final voucher. */
  Effect<JournalEvent, EntityState> completionDecided(
      ChannelState state, Optional<Verdict> answer) {
    if (state.isInitiator()) {
      return react.none();
    }
    Verdict verdict = answer.orElse(null);
    TypedVoucher result = verdict == null ? null : verdict.voucherResult();
    Plan plan =
        Plan.from(state).addIf(result != null, new VoucherResultRecorded(result, act.now()));
    if (verdict != null && verdict.decision() == Decision.REJECT) {
      String reason = "the validator refused completion: " + verdict.reason();
      return react.persist(
          plan.add(new Failed(reason, act.now())),
          s -> act.send(s, TransferResponse.failed(s.transferId(), result, reason)));
    }
    // The validator's answer at the end decides; the channel's flag only when it has none. A flag
    // set earlier (a restart's validation asked for the final payment, which then came before the
    // data finished) kept a paid-up responder in Finalizing, waiting for a voucher its client had
    // no reason to send (bench/chaos, provider killed while paused).
    boolean finalize =
        verdict == null
            ? state.requiresFinalization()
            : verdict.decision() == Decision.PAUSE || verdict.requiresFinalization();
    plan.add(finalize ? new FinalizationBegun(act.now()) : new CompletionBegun(act.now()));
    return react.persist(
        plan, s -> act.send(s, TransferResponse.completed(s.transferId(), finalize, result)));
  }

  /** Initiator: the responder says its side is done (paused: waiting for a final voucher). */
  Effect<JournalEvent, EntityState> completeArrived(ChannelState state, TransferResponse response) {
    TypedVoucher result = response.voucherResult();
    Plan plan =
        Plan.from(state).addIf(result != null, new VoucherResultRecorded(result, act.now()));
    if (!response.accepted()) {
      return react.persist(
          plan.add(new Failed("the responder failed: " + response.message(), act.now())));
    }
    if (response.paused()) {
      return react.persist(plan.add(new ResponderFinalizing(act.now())));
    }
    if (state.status() == Status.ResponderCompleted) {
      // Heard again (it answered a restart or a voucher with its completion): nothing new to
      // record, but this side's data may still wait for it.
      act.senderCompleted(state);
      return react.persist(plan);
    }
    return react.persist(plan.add(new ResponderCompleted(act.now())), act::senderCompleted);
  }

  // ---- cancellation and failure ----

  /** Cancels on this node's word; {@code reason} (may be null) becomes the channel's message. */
  Effect<JournalEvent, EntityState> cancel(
      ChannelState state, String reason, ActorRef<ChannelReply> replyTo) {
    return react.reply(
        Plan.from(state)
            .add(
                new Cancelled(
                    reason == null || reason.isBlank() ? "cancelled by " + act.self() : reason,
                    act.now())),
        replyTo,
        s ->
            act.send(
                s,
                s.isInitiator()
                    ? TransferRequest.cancel(s.transferId())
                    : TransferResponse.cancel(s.transferId())));
  }

  Effect<JournalEvent, EntityState> cancelArrived(ChannelState state, PeerId from) {
    return react.persist(
        Plan.from(state).add(new Cancelled("cancelled by the other peer, " + from, act.now())));
  }

  Effect<JournalEvent, EntityState> fail(ChannelState state, String reason) {
    return react.persist(
        Plan.from(state).add(new Failed(reason, act.now())), s -> act.reportFailure(s, reason));
  }

  /**
   * A wait ran out: it fails the channel if it still applies. The restart waits are their phases'
   * ({@code Live}: the backoff; {@code AwaitingRestart}: the answer); here they outlived them.
   */
  Effect<JournalEvent, EntityState> timedOut(EntityState.Active phase, Deadlines.Wait wait) {
    if (wait == Deadlines.Wait.RESTART || wait == Deadlines.Wait.RESTART_ANSWER) {
      act.log().debug("a {} wait outlived its phase", wait);
      return react.none();
    }
    if (!act.waiting(wait, phase)) {
      return react.none();
    }
    return fail(phase.channel(), act.expired(wait));
  }

  /**
   * A message could not be sent: a restart request's failure is its attempt's ({@code
   * AwaitingRestart}), and here no attempt waits for it; any other failure is recorded.
   */
  Effect<JournalEvent, EntityState> messageFailed(
      ChannelState state, ChannelCommand.MessageFailed failed) {
    if (Restarting.isRestartRequest(failed.type())) {
      act.log().debug("a restart request that no attempt waits for failed: {}", failed.reason());
      return react.none();
    }
    String reason = failed.reason();
    if (state.isInitiator() && state.status() == Status.AwaitingAcceptance) {
      // The responder is unreachable (down, restarting after a crash): the channel is stalled and
      // sends its request again after the restart backoff; the accept timeout bounds the wait.
      // Failing at once lost transfers whose provider was restarting (bench/chaos, issue 19, 3).
      return react.persist(
          Plan.from(state).add(new JournalEvent.Disconnected(reason, act.now())),
          s -> act.closeData(s.channelId()));
    }
    if (state.isInitiator() && failed.type() == MessageType.VOUCHER && !state.stalled()) {
      // A payment that cannot reach the responder (down, restarting after a crash): the responder
      // waits for it, so the channel is stalled and restarts by itself once the responder is back
      // (a restart pays again what may be lost). Only recorded, the client tried nothing more and
      // stayed paused (bench/chaos, provider killed while pulls waited for their first payment).
      return react.persist(
          Plan.from(state).add(new JournalEvent.Disconnected(reason, act.now())),
          s -> act.closeData(s.channelId()));
    }
    return react.persist(Plan.from(state).add(new MessageNotSent(reason, act.now())));
  }

  // ---- cleanup ----

  Effect<JournalEvent, EntityState> cleanupDone(ChannelState state) {
    return react.persist(Plan.from(state).add(new CleanupCompleted(act.now())), act::ended);
  }

  /**
   * After recovery (sent once, by the recovery signal): a channel that stopped mid-cleanup runs it
   * again. Within one incarnation cleanup starts only here or on entering a cleanup status.
   */
  Effect<JournalEvent, EntityState> resumeCleanup(ChannelState state) {
    return react.persist(Plan.from(state).add(new JournalEvent.CleanupResumed(act.now())));
  }
}
