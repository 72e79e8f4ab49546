package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelCommand.ReceiveRequest;
import io.ferry.channels.entity.ChannelCommand.ReceiveResponse;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import java.util.function.Function;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * Messages from the other peer, routed by type to the phase that handles them: only responders take
 * requests (only from the initiator), only initiators take responses (only from the responder);
 * anything else is logged and ignored.
 */
final class PeerMessages {
  private final Actions act;
  private final Reactions react;
  private final Opening opening;
  private final Running running;
  private final Ending ending;
  private final Restarting restarting;

  PeerMessages(
      Actions act,
      Reactions react,
      Opening opening,
      Running running,
      Ending ending,
      Restarting restarting) {
    this.act = act;
    this.react = react;
    this.opening = opening;
    this.running = running;
    this.ending = ending;
    this.restarting = restarting;
  }

  /**
   * A request from the other peer: only responders take requests, only from the initiator. (A
   * responder's RESTART_EXISTING_CHANNEL is the phase's: {@link #restartRequested}.)
   */
  Effect<JournalEvent, EntityState> request(EntityState.Active phase, ReceiveRequest c) {
    ChannelState state = phase.channel();
    TransferRequest request = c.request();
    switch (request.type()) {
      case NEW:
        return opening.receiveOpen(phase);
      case RESTART:
        return opening.receiveRestart(state, c.from(), request);
      default:
        break;
    }
    if (!fromCounterparty(state, c.from(), false)) {
      return react.none();
    }
    return switch (request.type()) {
      case UPDATE -> running.updated(state, request.paused());
      case VOUCHER -> running.voucherArrived(state, request.voucher());
      case CANCEL -> ending.cancelArrived(state, c.from());
      default -> ignored(c.from(), request.type().toString());
    };
  }

  /** Whether {@code c} is the responder asking the initiator to restart. */
  static boolean isRestartRequest(ChannelCommand c) {
    return c instanceof ReceiveRequest r
        && r.request().type() == io.ferry.channels.wire.MessageType.RESTART_EXISTING_CHANNEL;
  }

  /** Whether {@code c} is the responder's answer to a restart request. */
  static boolean isRestartAnswer(ChannelCommand c) {
    return c instanceof ReceiveResponse r
        && r.response().type() == io.ferry.channels.wire.MessageType.RESTART;
  }

  /**
   * Initiator: the responder asks it to restart ({@link #isRestartRequest}); the phase restarts
   * with no one to answer, if the request came from this channel's responder.
   */
  Effect<JournalEvent, EntityState> restartRequested(
      ChannelState state,
      ReceiveRequest c,
      Function<ChannelState, Effect<JournalEvent, EntityState>> restart) {
    return restarting.fromResponder(state, c.from()) ? restart.apply(state) : react.none();
  }

  /** Initiator: the answer to this incarnation's restart request, from its responder. */
  Effect<JournalEvent, EntityState> restartAnswered(
      EntityState.AwaitingRestart phase, ReceiveResponse c) {
    if (!fromCounterparty(phase.channel(), c.from(), true)) {
      return react.none();
    }
    return opening.restartAnswered(phase, c.response());
  }

  /**
   * A request for a channel that is cleaning up or ended: a restart is refused with the reason, the
   * responder's own restart request is answered with the outcome (a cleanup resumes); nothing else
   * has an effect.
   */
  Effect<JournalEvent, EntityState> requestWhenEnding(ChannelState state, ReceiveRequest c) {
    return switch (c.request().type()) {
      case RESTART -> restartAfterCompletion(state, c);
      case RESTART_EXISTING_CHANNEL ->
          restartRequested(state, c, s -> restarting.restartEnding(s, null));
      case VOUCHER, UPDATE -> voucherAfterCompletion(state, c);
      default -> react.none();
    };
  }

  /**
   * Responder, completed: the initiator asks for a restart (it was down when the completion went
   * out, issue 19, 3): it hears the completion again instead of a refusal that would fail a
   * transfer that completed. Any other restart of an ending channel is refused with the reason.
   */
  private Effect<JournalEvent, EntityState> restartAfterCompletion(
      ChannelState state, ReceiveRequest c) {
    if (completedHere(state)
        && c.from().equals(state.otherPeer())
        && state.baseCid().equals(c.request().baseCid())) {
      act.send(
          state,
          TransferResponse.completed(
              state.transferId(), false, state.lastVoucherResult().orElse(null)));
      return react.none();
    }
    return opening.receiveRestart(state, c.from(), c.request());
  }

  /**
   * Responder, completed: the initiator sent a voucher again, or with nothing paid an update (it
   * restarted without hearing of the completion, issue 19, 3). It hears the completion again, with
   * the last voucher result.
   */
  private Effect<JournalEvent, EntityState> voucherAfterCompletion(
      ChannelState state, ReceiveRequest c) {
    if (completedHere(state) && fromCounterparty(state, c.from(), false)) {
      act.send(
          state,
          TransferResponse.completed(
              state.transferId(), false, state.lastVoucherResult().orElse(null)));
    }
    return react.none();
  }

  /**
   * Responder whose side completed: Completed, or still Completing (its cleanup runs, and after a
   * crash runs again once the actor recovered). The initiator's last word that reaches a Completing
   * responder (a node just restarted hands it the messages that came while it started, before the
   * recovered channel resumed its cleanup) is answered too: ignored, the client waited for an
   * answer until its timeout (bench/chaos, paused:provider, 2 of 6 rounds).
   */
  private static boolean completedHere(ChannelState state) {
    return !state.isInitiator()
        && (state.status() == Status.Completed || state.status() == Status.Completing);
  }

  /** A response from the other peer: only initiators take responses, only from the responder. */
  Effect<JournalEvent, EntityState> response(ChannelState state, ReceiveResponse c) {
    TransferResponse response = c.response();
    if (!fromCounterparty(state, c.from(), true)) {
      return react.none();
    }
    return switch (response.type()) {
      case NEW -> opening.openAnswered(state, response);
      case RESTART -> opening.restartNotAwaited(state, response);
      case UPDATE -> running.updated(state, response.paused());
      case VOUCHER_RESULT -> running.voucherResultArrived(state, response);
      case COMPLETE -> ending.completeArrived(state, response);
      case CANCEL -> ending.cancelArrived(state, c.from());
      default -> ignored(c.from(), response.type().toString());
    };
  }

  private boolean fromCounterparty(ChannelState state, PeerId from, boolean toInitiator) {
    if (!from.equals(state.otherPeer()) || state.isInitiator() != toInitiator) {
      act.log()
          .warn(
              "ignored a message about {} from {}: not its counterparty", state.channelId(), from);
      return false;
    }
    return true;
  }

  private Effect<JournalEvent, EntityState> ignored(PeerId from, String what) {
    act.log().warn("ignored an unexpected {} message from {}", what, from);
    return react.none();
  }
}
