package io.ferry.channels.entity;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.entity.ChannelCommand.BeginOpen;
import io.ferry.channels.entity.ChannelCommand.DecideRequest;
import io.ferry.channels.entity.ChannelCommand.Open;
import io.ferry.channels.entity.ChannelCommand.ReceiveRequest;
import io.ferry.channels.entity.ChannelCommand.ReceiverReady;
import io.ferry.channels.entity.ChannelCommand.Step;
import io.ferry.channels.entity.JournalEvent.Accepted;
import io.ferry.channels.entity.JournalEvent.DataLimitSet;
import io.ferry.channels.entity.JournalEvent.Failed;
import io.ferry.channels.entity.JournalEvent.FinalizationRequired;
import io.ferry.channels.entity.JournalEvent.Opened;
import io.ferry.channels.entity.JournalEvent.Paused;
import io.ferry.channels.entity.JournalEvent.Restarted;
import io.ferry.channels.entity.JournalEvent.Resumed;
import io.ferry.channels.entity.JournalEvent.TransferStarted;
import io.ferry.channels.entity.JournalEvent.VoucherResultRecorded;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.validation.Verdict;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * Opening a channel and answering restarts, on both sides: the initiator's open and restart
 * requests (once its receiver is ready), the responder's validation and answer, and the initiator's
 * handling of that answer. Deciding to restart is {@link Restarting}'s.
 */
final class Opening {
  private final Actions act;
  private final Reactions react;

  Opening(Actions act, Reactions react) {
    this.act = act;
    this.react = react;
  }

  // ---- initiator: open ----

  /** No channel yet: the node's channel records hold it first, then {@link #beginOpen}. */
  Effect<JournalEvent, EntityState> open(Open open) {
    act.asks.register(open);
    return react.none();
  }

  Effect<JournalEvent, EntityState> beginOpen(BeginOpen begin) {
    Open open = begin.open();
    PeerId self = act.self();
    PeerId other = open.channelId().responder();
    Opened opened =
        new Opened(
            open.channelId(),
            self,
            open.pull() ? other : self,
            open.pull() ? self : other,
            open.baseCid(),
            open.selector(),
            open.voucher(),
            act.now());
    return react.replyThen(
        Plan.from(null).add(opened), open.replyTo(), s -> act.prepare(s, Step.SEND_OPEN, null));
  }

  /** The receiving side is ready (or not needed): send the request, or answer one. */
  Effect<JournalEvent, EntityState> receiverReady(ChannelState state, ReceiverReady ready) {
    long skip = Math.min(ready.held(), state.receivedBlocks());
    switch (ready.step()) {
      case SEND_OPEN:
        return react.persist(
            Plan.from(state)
                .addIf(state.status() == Status.Requested, new TransferStarted(act.now())),
            s ->
                act.send(
                    s,
                    TransferRequest.open(
                        s.transferId(), s.isPull(), s.baseCid(), s.selector(), s.voucher())));
      case SEND_RESTART:
        act.send(
            state,
            TransferRequest.restart(
                state.transferId(),
                state.isPull(),
                state.baseCid(),
                state.selector(),
                state.voucher(),
                state.isPull() ? skip : 0));
        return react.none();
      case ANSWER_OPEN:
        return react.persist(
            Plan.from(state).addIf(Running.startsData(state), new TransferStarted(act.now())),
            s -> answer(s, MessageType.NEW, s.isSender() ? 0 : skip, 0, ready.answerResult()));
      case ANSWER_OPEN_AGAIN:
        // The data restarts from where the answer says: recorded, so that the sending side's byte
        // limit counts from here and a wake-up does not restart the channel once more.
        return react.persist(
            Plan.from(state)
                .addIf(Running.startsData(state), new TransferStarted(act.now()))
                .add(new Restarted(act.now(), act.incarnation())),
            s -> {
              answer(s, MessageType.NEW, s.isSender() ? 0 : skip, 0, ready.answerResult());
              // Answered without a validation: a channel its validator paused is looked at again,
              // since a validator that lost track of it (this node restarted since it validated
              // it, and paused it for credit it no longer remembers) would never resume it. One
              // that moves data is left alone: its validator hears of it as data moves.
              if (s.responderPaused()) {
                act.asks.recheck(s.channelId());
              }
            });
      case ANSWER_RESTART:
      default:
        answer(state, MessageType.RESTART, skip, 0, ready.answerResult());
        return react.none();
    }
  }

  /**
   * The receiving side failed to open. One that this side withdrew, or that a later close of the
   * data superseded (the connection dropped during a restart and a new attempt began), is no news:
   * the transport ended it on the channel's own word. Failing the channel for it lost pulls whose
   * peer was retiring a cluster member's duplicate connections ("cannot prepare to receive: channel
   * ... was closed", ClusterRollingRestartTest).
   */
  Effect<JournalEvent, EntityState> receiverFailed(
      EntityState.Active phase, ChannelCommand.ReceiverFailed failed) {
    if (failed.withdrawn() || phase.data().closes() != failed.closesAtOpen()) {
      act.log().debug("a superseded receiving side failed to open: {}", failed.reason());
      return react.none();
    }
    return react.persist(
        Plan.from(phase.channel())
            .add(new Failed("cannot prepare to receive: " + failed.reason(), act.now())),
        s -> act.reportFailure(s, "cannot prepare to receive: " + failed.reason()));
  }

  /** Responder: tells the initiator it accepted; a sender opens its side with the answer. */
  private void answer(
      ChannelState state,
      MessageType type,
      long receivedBlocks,
      long sendSkip,
      TypedVoucher result) {
    TransferResponse response =
        TransferResponse.accepted(
            type, state.transferId(), state.responderPaused(), result, receivedBlocks);
    if (state.isSender()) {
      act.openSend(state, sendSkip, response);
    } else {
      act.send(state, response);
    }
  }

  // ---- responder: requests ----

  /**
   * Responder, no channel yet: a new request is validated once, however often it arrives ({@link
   * OpenValidation}); a restart request is refused.
   */
  Effect<JournalEvent, EntityState> requestWithoutChannel(ReceiveRequest received) {
    PeerId from = received.from();
    TransferRequest request = received.request();
    if (request.type() == MessageType.NEW) {
      act.openValidation().tell(new OpenValidation.Validate(from, request));
    } else if (request.type() == MessageType.RESTART) {
      refuseRestart(
          from,
          request,
          "no channel with transfer id " + request.transferId() + " on " + act.self());
    }
    return react.none();
  }

  /**
   * A new request for a channel that exists: the initiator asks again (it restarted before our
   * answer arrived), so answer again, with the data started over.
   */
  Effect<JournalEvent, EntityState> receiveOpen(EntityState.Active phase) {
    ChannelState state = phase.channel();
    if (state.isInitiator()) {
      return react.none();
    }
    act.closeData(state.channelId());
    act.prepare(phase, Step.ANSWER_OPEN_AGAIN, state.lastVoucherResult().orElse(null));
    return react.none();
  }

  Effect<JournalEvent, EntityState> receiveRestart(
      ChannelState state, PeerId from, TransferRequest request) {
    String problem = restartProblem(state, request);
    if (problem != null) {
      refuseRestart(from, request, problem);
      return react.none();
    }
    if (state.isInitiator()) {
      return react.none();
    }
    act.asks.validateRestart(state, request);
    return react.none();
  }

  private void refuseRestart(PeerId from, TransferRequest request, String problem) {
    act.sendTo(
        from, TransferResponse.rejected(MessageType.RESTART, request.transferId(), null, problem));
  }

  private String restartProblem(ChannelState state, TransferRequest request) {
    if (state.status().isEnding()) {
      return "channel " + state.channelId() + " is " + state.status() + " and cannot restart";
    }
    if (!state.baseCid().equals(request.baseCid())) {
      return "restart names root " + request.baseCid() + ", the channel moves " + state.baseCid();
    }
    if (!state.voucher().equals(request.voucher())) {
      return "restart carries another voucher than the one the channel was opened with";
    }
    return null;
  }

  /** Responder, no channel yet: the validator answered a new request. */
  Effect<JournalEvent, EntityState> decideWithoutChannel(DecideRequest decision) {
    TransferRequest request = decision.request();
    Verdict verdict = decision.verdict();
    if (!verdict.isAccepted()) {
      act.sendTo(decision.from(), rejection(request, verdict));
      return react.none();
    }
    return request.type() == MessageType.RESTART
        ? react.none()
        : accept(decision.from(), request, verdict);
  }

  /** The validator answered after the channel began to end: a rejection still goes out. */
  Effect<JournalEvent, EntityState> decideWhenEnding(DecideRequest decision) {
    if (!decision.verdict().isAccepted()) {
      act.sendTo(decision.from(), rejection(decision.request(), decision.verdict()));
    }
    return react.none();
  }

  private static TransferResponse rejection(TransferRequest request, Verdict verdict) {
    return TransferResponse.rejected(
        request.type(), request.transferId(), verdict.voucherResult(), verdict.reason());
  }

  /** The validator answered a new request (a repeat: the channel exists) or a restart request. */
  Effect<JournalEvent, EntityState> decide(ChannelState state, DecideRequest decision) {
    Verdict verdict = decision.verdict();
    TransferRequest request = decision.request();
    if (request.type() != MessageType.RESTART) {
      if (!verdict.isAccepted()) {
        act.sendTo(decision.from(), rejection(request, verdict));
      }
      return react.none();
    }
    TypedVoucher result = verdict.voucherResult();
    if (!verdict.isAccepted()) {
      return react.persist(
          Plan.from(state)
              .addIf(result != null, new VoucherResultRecorded(result, act.now()))
              .add(new Failed("restart rejected: " + verdict.reason(), act.now())),
          s -> act.send(s, rejection(request, verdict)));
    }
    // Restarted by this incarnation: RestartedHere, which also answers our own restart request
    // (RESTART_EXISTING_CHANNEL), if any.
    Plan plan =
        Plan.from(state)
            .addIf(result != null, new VoucherResultRecorded(result, act.now()))
            .add(new Restarted(act.now(), act.incarnation()));
    conditions(plan, state, verdict);
    // A run starts: a Queued left from the run before (its sender waited for a slot when this node
    // stopped) is not this run's. The transport reports Queued again if this run waits for a slot;
    // left as it was, data moving in this run was not recorded and the channel never finished.
    plan.addIf(Running.startsData(plan.result()), new TransferStarted(act.now()));
    return react.persistThen(
        plan,
        s -> {
          if (s.channel().isSender()) {
            answer(s.channel(), MessageType.RESTART, 0, request.receivedBlocks(), result);
          } else {
            act.openReceive(s, Step.ANSWER_RESTART, result);
          }
        });
  }

  private Effect<JournalEvent, EntityState> accept(
      PeerId from, TransferRequest request, Verdict verdict) {
    PeerId self = act.self();
    Opened opened =
        new Opened(
            new ChannelId(from, self, request.transferId()),
            self,
            request.pull() ? self : from,
            request.pull() ? from : self,
            request.baseCid(),
            request.selector(),
            request.voucher(),
            act.now());
    Plan plan = Plan.from(null).add(opened);
    ChannelState opening = plan.result();
    plan.addIf(
        verdict.voucherResult() != null,
        new VoucherResultRecorded(verdict.voucherResult(), act.now()));
    plan.add(new Accepted(act.now()));
    conditions(plan, opening, verdict);
    if (opening.isSender()) {
      // A sender has no receiving side to prepare: its start goes in the same write as its
      // acceptance (one synced journal write per accepted pull instead of two).
      ChannelState accepted = plan.result();
      plan.addIf(Running.startsData(accepted), new TransferStarted(act.now()));
      return react.persistThen(
          plan, s -> answer(s.channel(), MessageType.NEW, 0, 0, verdict.voucherResult()));
    }
    return react.persistThen(plan, s -> act.prepare(s, Step.ANSWER_OPEN, verdict.voucherResult()));
  }

  /** Data limit, finalization and pause changes a responder's verdict asks for. */
  private void conditions(Plan plan, ChannelState before, Verdict verdict) {
    long limit = verdict.dataLimit();
    plan.addIf(
        limit != ValidationResult.NO_CHANGE && limit != before.dataLimit(),
        new DataLimitSet(limit, act.now()));
    plan.addIf(
        verdict.requiresFinalization() && !before.requiresFinalization(),
        new FinalizationRequired(act.now()));
    plan.addIf(
        verdict.decision() == Decision.PAUSE && !before.responderPaused(),
        new Paused(Side.RESPONDER, verdict.reason(), act.now()));
  }

  // ---- initiator: answers ----

  Effect<JournalEvent, EntityState> openAnswered(ChannelState state, TransferResponse response) {
    if (state.status() != Status.AwaitingAcceptance && state.status() != Status.Requested) {
      return react.none();
    }
    Plan plan =
        Plan.from(state)
            .addIf(
                response.voucherResult() != null,
                new VoucherResultRecorded(response.voucherResult(), act.now()));
    if (!response.accepted()) {
      return react.persist(
          plan.add(
              new Failed("the responder rejected the request: " + response.message(), act.now())));
    }
    plan.add(new Accepted(act.now()))
        .addIf(
            response.paused(),
            new Paused(Side.RESPONDER, "the responder accepted paused", act.now()));
    return react.persist(
        plan,
        s -> {
          if (s.isSender()) {
            act.openSend(s, response.receivedBlocks(), null);
          }
        });
  }

  /**
   * An answer to a restart request when none of this incarnation awaits one: late (its attempt
   * already counted as failed and a new one follows), the second of two requests that crossed (the
   * first answer ended the attempt), or never asked for. Either way the responder restarted the
   * channel's data when it answered: a receiver, it closed its run and waits for this side's
   * sending side to open again. A sender therefore follows that restart (recorded as one) from
   * where the answer says; ignored, a push whose two restart requests were both answered had its
   * receiver wait for good, with nothing moving (CrossingRestartsOverTcpTest). A receiver needs
   * nothing: the responder's sending side came with its answer. A refusal changes nothing here.
   */
  Effect<JournalEvent, EntityState> restartNotAwaited(
      ChannelState state, TransferResponse response) {
    if (!response.accepted() || !state.isSender()) {
      act.log()
          .info(
              "ignored a restart answer for {}: no restart request is pending", state.channelId());
      return react.none();
    }
    return followRestart(state, response);
  }

  /** The answer to this incarnation's restart request ({@link EntityState.AwaitingRestart}). */
  Effect<JournalEvent, EntityState> restartAnswered(
      EntityState.AwaitingRestart phase, TransferResponse response) {
    ChannelState state = phase.channel();
    if (!response.accepted()) {
      return react.persist(
          Plan.from(state)
              .addIf(
                  response.voucherResult() != null,
                  new VoucherResultRecorded(response.voucherResult(), act.now()))
              .add(
                  new Failed(
                      "the responder rejected the restart: " + response.message(), act.now())));
    }
    return followRestart(state, response);
  }

  /** The responder restarted the channel: recorded, and a sender opens its side again. */
  private Effect<JournalEvent, EntityState> followRestart(
      ChannelState state, TransferResponse response) {
    Plan plan =
        Plan.from(state)
            .addIf(
                response.voucherResult() != null,
                new VoucherResultRecorded(response.voucherResult(), act.now()))
            .add(new Restarted(act.now(), act.incarnation()))
            .addIf(
                response.paused() && !state.responderPaused(),
                new Paused(Side.RESPONDER, "the responder is paused", act.now()))
            .addIf(
                !response.paused() && state.responderPaused(),
                new Resumed(Side.RESPONDER, act.now()));
    // As when a responder accepts a restart: a Queued from the run before is not this run's.
    plan.addIf(Running.startsData(plan.result()), new TransferStarted(act.now()));
    return react.persist(
        plan,
        s -> {
          if (s.isSender()) {
            act.openSend(s, response.receivedBlocks(), null);
          }
        });
  }
}
