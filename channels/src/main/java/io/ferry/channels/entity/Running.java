package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.entity.JournalEvent.BlocksMoved;
import io.ferry.channels.entity.JournalEvent.DataLimitReached;
import io.ferry.channels.entity.JournalEvent.DataLimitSet;
import io.ferry.channels.entity.JournalEvent.Failed;
import io.ferry.channels.entity.JournalEvent.FinalizationRequired;
import io.ferry.channels.entity.JournalEvent.Paused;
import io.ferry.channels.entity.JournalEvent.ProgressRecorded;
import io.ferry.channels.entity.JournalEvent.Resumed;
import io.ferry.channels.entity.JournalEvent.TransferStarted;
import io.ferry.channels.entity.JournalEvent.VoucherReceived;
import io.ferry.channels.entity.JournalEvent.VoucherResultRecorded;
import io.ferry.channels.entity.JournalEvent.VoucherSent;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.validation.Verdict;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * A channel while data moves: progress batches, the data limit, pause and resume by either side,
 * vouchers and their results, and the connection dropping.
 */
final class Running {
  private final Actions act;
  private final Reactions react;

  Running(Actions act, Reactions react) {
    this.act = act;
    this.react = react;
  }

  // ---- data ----

  Effect<JournalEvent, EntityState> progress(ChannelState state, DataProgress p) {
    Plan plan =
        Plan.from(state)
            .addIf(
                p.firstTimeBlocks() > 0,
                new ProgressRecorded(
                    p.direction(), p.firstTimeBlocks(), p.firstTimeBytes(), act.now()))
            .add(new BlocksMoved(p.direction(), p.blocks(), p.bytes(), p.nextIndex(), act.now()));
    return react.persist(plan, s -> afterProgress(s, p));
  }

  /** Responder: revalidators hear of new bytes; a push receiver enforces its own data limit. */
  private void afterProgress(ChannelState s, DataProgress p) {
    if (s.isInitiator() || p.firstTimeBytes() == 0) {
      return;
    }
    if (s.isPull() && p.direction() == Direction.QUEUED) {
      act.asks.revalidateData(s, p.firstTimeBytes());
    }
    if (!s.isPull() && p.direction() == Direction.RECEIVED) {
      act.asks.revalidateData(s, p.firstTimeBytes());
      if (s.dataLimit() > 0 && s.received() >= s.dataLimit() && !s.responderPaused()) {
        act.tellSelf(new ChannelCommand.PauseAtLimit(s.received()));
      }
    }
  }

  /**
   * Responder: the data limit was reached. A sender's transport reports it from its own count (of
   * first-time bytes since it was opened). A report that the channel's count does not bear out (a
   * sender reopened paused and allowed only repeats, resumed before the report arrived; or a count
   * the transport kept across a restart) pauses nothing: the transport is let go on for what the
   * channel still has before its limit, or it would wait for good with nobody asking for payment.
   */
  Effect<JournalEvent, EntityState> pauseAtLimit(
      ChannelState state, ChannelCommand.PauseAtLimit held) {
    long bytes = held.bytesQueued();
    if (state.isInitiator() || state.responderPaused()) {
      return react.none();
    }
    if (state.isSender() && !atLimit(state)) {
      if (crosses(state, held.nextBlockBytes())) {
        // Held before the block that would cross the limit: the validator decides (a payment
        // for what was sent, or a limit that covers the block).
        act.asks.revalidateHeld(state, bytes, held.nextBlockBytes());
      } else {
        act.extendByteLimit(state, bytes);
      }
      return react.none();
    }
    return react.persist(
        Plan.from(state).add(new DataLimitReached(bytes, act.now())),
        s -> {
          if (!s.isSender()) {
            act.pauseData(s);
          }
          act.send(s, TransferResponse.update(s.transferId(), true));
        });
  }

  /** No revalidator decided about a held block: it crosses the limit, as before holds existed. */
  Effect<JournalEvent, EntityState> letBlockCross(
      ChannelState state, ChannelCommand.LetBlockCross c) {
    if (!state.isInitiator() && state.isSender() && !state.responderPaused()) {
      act.raiseByteLimit(state, c.transportBytes() + c.nextBlockBytes());
    }
    return react.none();
  }

  // ---- pause and resume, by this node ----

  Effect<JournalEvent, EntityState> pause(ChannelState state, ActorRef<ChannelReply> replyTo) {
    Side side = Side.of(state);
    if (side.hasPaused(state)) {
      return react.receipt(replyTo, state);
    }
    return react.reply(
        Plan.from(state).add(new Paused(side, "paused by " + act.self(), act.now())),
        replyTo,
        s -> {
          act.pauseData(s);
          act.send(s, update(s, true));
        });
  }

  Effect<JournalEvent, EntityState> resume(
      EntityState.Active phase, ActorRef<ChannelReply> replyTo) {
    ChannelState state = phase.channel();
    Side side = Side.of(state);
    if (!side.hasPaused(state)) {
      return react.receipt(replyTo, state);
    }
    Plan plan = Plan.from(state).add(new Resumed(side, act.now()));
    plan.addIf(side == Side.RESPONDER && startsData(plan.result()), new TransferStarted(act.now()));
    return react.reply(
        plan,
        replyTo,
        s -> {
          act.resumeData(s, phase.data());
          act.send(s, update(s, false));
        });
  }

  /**
   * Whether a channel in {@code s} starts moving data now: it is {@code Queued} (accepted, or
   * waiting for a send slot) and its responder does not hold it paused.
   */
  static boolean startsData(ChannelState s) {
    return s.status() == Status.Queued && !s.responderPaused();
  }

  private static io.ferry.channels.wire.TransferMessage update(ChannelState s, boolean paused) {
    return s.isInitiator()
        ? TransferRequest.update(s.transferId(), paused)
        : TransferResponse.update(s.transferId(), paused);
  }

  // ---- pause and resume, by the other peer ----

  Effect<JournalEvent, EntityState> updated(ChannelState state, boolean paused) {
    Side other = Side.of(state).other();
    if (paused == other.hasPaused(state)) {
      return react.none();
    }
    JournalEvent event =
        paused
            ? new Paused(other, "paused by " + state.otherPeer(), act.now())
            : new Resumed(other, act.now());
    return react.persist(Plan.from(state).add(event));
  }

  // ---- vouchers ----

  Effect<JournalEvent, EntityState> sendVoucher(
      ChannelState state, TypedVoucher voucher, ActorRef<ChannelReply> replyTo) {
    if (!state.isInitiator()) {
      return react.answer(
          replyTo,
          new ChannelReply.Refusal(
              "cannot send a voucher on "
                  + state.channelId()
                  + ": this node is not its initiator"));
    }
    return react.reply(
        Plan.from(state).add(new VoucherSent(voucher, act.now())),
        replyTo,
        s -> act.send(s, TransferRequest.voucher(s.transferId(), voucher)));
  }

  Effect<JournalEvent, EntityState> voucherArrived(ChannelState state, TypedVoucher voucher) {
    return react.persist(
        Plan.from(state).add(new VoucherReceived(voucher, act.now())),
        s -> act.asks.revalidate(s, voucher));
  }

  /** Responder: applies a revalidator's verdict (on a voucher, or on a progress batch). */
  Effect<JournalEvent, EntityState> applyVerdict(
      EntityState.Active phase, Verdict verdict, boolean answersVoucher) {
    ChannelState state = phase.channel();
    if (state.isInitiator()) {
      return react.none();
    }
    TypedVoucher result = verdict.voucherResult();
    boolean finalizing = state.status() == Status.Finalizing;
    Plan plan =
        Plan.from(state).addIf(result != null, new VoucherResultRecorded(result, act.now()));
    long limit = verdict.dataLimit();
    boolean limitChanged = limit != ValidationResult.NO_CHANGE && limit != state.dataLimit();
    plan.addIf(limitChanged, new DataLimitSet(limit, act.now()));
    plan.addIf(
        verdict.requiresFinalization() && !state.requiresFinalization(),
        new FinalizationRequired(act.now()));
    Decision decision = verdict.decision();
    if (decision == Decision.REJECT) {
      String reason = "the validator rejected the voucher: " + verdict.reason();
      return react.persist(
          plan.add(new Failed(reason, act.now())),
          s ->
              act.send(
                  s,
                  finalizing
                      ? TransferResponse.failed(s.transferId(), result, reason)
                      : TransferResponse.voucherRejected(s.transferId(), result, reason)));
    }
    if (decision == Decision.PAUSE) {
      plan.addIf(
          !state.responderPaused() && !finalizing,
          new Paused(Side.RESPONDER, verdict.reason(), act.now()));
      return react.persist(
          plan,
          s -> {
            if (!finalizing) {
              act.pauseData(s);
            }
            act.send(
                s,
                TransferResponse.voucherAccepted(s.transferId(), true, result, verdict.reason()));
          });
    }
    boolean resume =
        decision != Decision.RETRY
            && (finalizing
                || (state.responderPaused()
                    && (decision == Decision.RESUME || underLimit(plan.result()))));
    plan.addIf(resume, new Resumed(Side.RESPONDER, act.now()));
    plan.addIf(resume && startsData(plan.result()), new TransferStarted(act.now()));
    return react.persist(
        plan,
        s -> {
          if (s.status() == Status.Completing) {
            act.send(s, TransferResponse.completed(s.transferId(), false, result));
            return;
          }
          if (resume || limitChanged) {
            act.resumeData(s, phase.data());
          }
          if (answersVoucher || result != null || resume) {
            act.send(
                s,
                TransferResponse.voucherAccepted(s.transferId(), s.responderPaused(), result, ""));
          }
        });
  }

  /**
   * Responder: a validator plug-in asked to look again. Its revalidators are asked in the channel's
   * turn and their answer is applied as one to a progress batch: the channel goes on only if they
   * say so now, whatever the plug-in's push said. Asked whether or not the channel is paused yet:
   * the push can overtake the verdict that pauses it (the plug-in answered "wait" and credit came
   * back before the channel applied the answer); in the channel's turn, the answer to the recheck
   * comes after that verdict.
   */
  Effect<JournalEvent, EntityState> recheck(ChannelState state, ChannelCommand.Recheck c) {
    if (!state.isInitiator() && state.status() != Status.Finalizing) {
      act.asks.recheck(c.channelId());
    }
    return react.none();
  }

  /**
   * A recheck before the channel's first event: a new request's validation may be answered (the
   * plug-in said "wait") and not applied yet. Asked in the channel's turn, the answer comes after
   * the verdict that opens the channel (and is no news when there is none).
   */
  Effect<JournalEvent, EntityState> recheckBeforeOpen(ChannelCommand.Recheck c) {
    act.asks.recheck(c.channelId());
    return react.none();
  }

  /** Whether a next block of {@code nextBlockBytes} would take the channel past its limit. */
  private static boolean crosses(ChannelState s, long nextBlockBytes) {
    return s.dataLimit() > 0 && nextBlockBytes > 0 && s.queued() + nextBlockBytes > s.dataLimit();
  }

  private static boolean atLimit(ChannelState s) {
    return s.dataLimit() > 0 && s.queued() >= s.dataLimit();
  }

  private static boolean underLimit(ChannelState s) {
    long moved = s.isPull() ? s.queued() : s.received();
    return s.dataLimit() == 0 || moved < s.dataLimit();
  }

  /** Initiator: the responder's answer to a voucher (or a revalidation it started). */
  Effect<JournalEvent, EntityState> voucherResultArrived(
      ChannelState state, TransferResponse response) {
    TypedVoucher result = response.voucherResult();
    Plan plan =
        Plan.from(state).addIf(result != null, new VoucherResultRecorded(result, act.now()));
    if (!response.accepted()) {
      return react.persist(
          plan.add(
              new Failed("the responder rejected the voucher: " + response.message(), act.now())));
    }
    plan.addIf(
            response.paused() && !state.responderPaused(),
            new Paused(Side.RESPONDER, response.message(), act.now()))
        .addIf(
            !response.paused() && state.responderPaused(), new Resumed(Side.RESPONDER, act.now()));
    return react.persist(plan);
  }

  /**
   * The transport waits for a free slot (or memory) before moving this channel's data: a moving
   * channel shows {@code Queued} with the reason as its message.
   */
  Effect<JournalEvent, EntityState> queued(ChannelState state, String reason) {
    return react.persist(
        Plan.from(state).add(new JournalEvent.TransferQueued(act.now(), reason, null)));
  }

  /** The transport gave the queued channel its slot: it moves on (nothing if it is not Queued). */
  Effect<JournalEvent, EntityState> admitted(ChannelState state) {
    if (!startsData(state)) {
      return react.none();
    }
    return react.persist(Plan.from(state).add(new TransferStarted(act.now())));
  }
}
