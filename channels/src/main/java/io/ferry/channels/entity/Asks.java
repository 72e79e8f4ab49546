package io.ferry.channels.entity;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.validation.Verdict;
import io.ferry.channels.wire.TransferRequest;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What a channel actor asks without blocking: the validators plugged in for its voucher types, and
 * the node's record of its channels (a new request's validation is {@link OpenValidation}'s). Each
 * answer comes back to the actor as a command (through {@code pipeToSelf}), a failed call as a
 * rejection naming the cause.
 */
final class Asks {
  private final ActorContext<ChannelCommand> context;
  private final ChannelEnvironment env;

  Asks(ActorContext<ChannelCommand> context, ChannelEnvironment env) {
    this.context = context;
    this.env = env;
  }

  void validateRestart(ChannelState state, TransferRequest request) {
    context.pipeToSelf(
        env.validation()
            .validateRestart(
                state.isPull(),
                state.channelId(),
                state.otherPeer(),
                request.voucher(),
                request.baseCid(),
                request.selector(),
                state.isPull() ? state.queued() : state.received()),
        (v, error) ->
            new ChannelCommand.DecideRequest(
                state.otherPeer(),
                request,
                error == null ? v : Verdict.reject("could not validate: " + Actions.cause(error))));
  }

  void revalidate(ChannelState state, TypedVoucher voucher) {
    context.pipeToSelf(
        env.validation().revalidate(state.channelId(), voucher),
        (v, error) ->
            new ChannelCommand.DecideVoucher(
                error == null
                    ? v
                    : Verdict.reject("could not revalidate: " + Actions.cause(error))));
  }

  void revalidateData(ChannelState state, long firstTimeBytes) {
    CompletionStage<Optional<Verdict>> answer =
        state.isPull()
            ? env.validation().onPullDataSent(state.channelId(), firstTimeBytes)
            : env.validation().onPushDataReceived(state.channelId(), firstTimeBytes);
    context.pipeToSelf(
        answer,
        (v, error) ->
            new ChannelCommand.DecideProgress(
                error == null
                    ? v
                    : Optional.of(Verdict.reject("revalidation failed: " + Actions.cause(error)))));
  }

  /**
   * Responder of a pull held (at {@code transportBytes}, the sending transport's count) before a
   * block of {@code nextBlockBytes} that would cross its data limit. A validator that does not
   * handle holds gets what it had before they existed: the crossing block goes, and it hears of it
   * as data sent.
   */
  void revalidateHeld(ChannelState state, long transportBytes, long nextBlockBytes) {
    context.pipeToSelf(
        env.validation().onPullDataHeld(state.channelId(), nextBlockBytes),
        (v, error) -> {
          if (error != null) {
            return new ChannelCommand.DecideProgress(
                Optional.of(Verdict.reject("revalidation failed: " + Actions.cause(error))));
          }
          return v.isPresent()
              ? new ChannelCommand.DecideProgress(v)
              : new ChannelCommand.LetBlockCross(transportBytes, nextBlockBytes);
        });
  }

  /** A plug-in asked to look at the responder again (see {@link Running#recheck}). */
  void recheck(ChannelId channelId) {
    context.pipeToSelf(
        env.validation().onRecheck(channelId),
        (v, error) ->
            new ChannelCommand.DecideProgress(
                error == null
                    ? v
                    : Optional.of(Verdict.reject("revalidation failed: " + Actions.cause(error)))));
  }

  void validateCompletion(ChannelState state) {
    context.pipeToSelf(
        env.validation().onComplete(state.channelId()),
        (v, error) ->
            new ChannelCommand.DecideCompletion(
                error == null
                    ? v
                    : Optional.of(
                        Verdict.reject("completion check failed: " + Actions.cause(error)))));
  }

  /** Registers a channel this node opens, then continues with {@link ChannelCommand.BeginOpen}. */
  void register(ChannelCommand.Open open) {
    ActorRef<ChannelCommand> me = context.getSelf();
    env.listener()
        .register(open.channelId())
        .whenComplete(
            (ok, error) -> {
              if (error == null) {
                me.tell(new ChannelCommand.BeginOpen(open));
              } else {
                open.replyTo()
                    .tell(
                        new ChannelReply.Refusal(
                            "could not record channel "
                                + open.channelId()
                                + ": "
                                + Actions.cause(error)));
              }
            });
  }
}
