package io.ferry.channels.entity;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.entity.ChannelCommand.Step;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;

/**
 * The side effects a channel actor performs after it persisted: messages to the peer, the
 * transport's data side, validator calls ({@link Asks}: answers come back as commands through
 * {@code pipeToSelf}), subscriber notifications, timers and cleanup. Nothing here blocks.
 */
final class Actions {
  private final ActorContext<ChannelCommand> context;
  private final ChannelEnvironment env;
  private final Deadlines deadlines;
  private final ActorRef<ClusterSharding.ShardCommand> shard;

  /**
   * This incarnation of the actor: the restart events it writes name it ({@code by}), and its fold
   * enters a restart phase only for its own.
   */
  private final String incarnation;

  /** The validators and the node's channel records, asked without blocking. */
  final Asks asks;

  Actions(
      ActorContext<ChannelCommand> context,
      ChannelEnvironment env,
      Deadlines deadlines,
      ActorRef<ClusterSharding.ShardCommand> shard,
      String incarnation) {
    this.context = context;
    this.incarnation = incarnation;
    this.env = env;
    this.deadlines = deadlines;
    this.shard = shard;
    this.asks = new Asks(context, env);
  }

  /** This incarnation of the actor. */
  String incarnation() {
    return incarnation;
  }

  Instant now() {
    return Instant.now();
  }

  PeerId self() {
    return env.self();
  }

  void tellSelf(ChannelCommand command) {
    context.getSelf().tell(command);
  }

  Logger log() {
    return context.getLog();
  }

  /** The child that validates a new request before the channel exists, started on first use. */
  ActorRef<OpenValidation.Command> openValidation() {
    return context
        .getChild(OpenValidation.NAME)
        .<ActorRef<OpenValidation.Command>>map(ActorRef::unsafeUpcast)
        .orElseGet(
            () ->
                context.spawn(OpenValidation.create(context.getSelf(), env), OpenValidation.NAME));
  }

  // ---- messages to the other peer ----

  void send(ChannelState state, TransferMessage message) {
    sendTo(state.otherPeer(), message);
  }

  void sendTo(PeerId peer, TransferMessage message) {
    reportUndelivered(env.transport().send(peer, message), message, peer);
  }

  /** A message that could not be delivered comes back as {@code MessageFailed}. */
  private void reportUndelivered(CompletionStage<Void> sent, TransferMessage message, PeerId peer) {
    if (message == null) {
      return;
    }
    ActorRef<ChannelCommand> me = context.getSelf();
    sent.whenComplete(
        (ok, error) -> {
          if (error != null) {
            me.tell(
                new ChannelCommand.MessageFailed(
                    message.type(),
                    "could not send " + message.type() + " to " + peer + ": " + cause(error)));
          }
        });
  }

  /** Tells the other side that this side failed the channel. */
  void reportFailure(ChannelState state, String reason) {
    if (state.isInitiator()) {
      send(state, TransferRequest.cancel(state.transferId()));
    } else {
      send(state, TransferResponse.failed(state.transferId(), null, reason));
    }
  }

  // ---- the data side ----

  /**
   * Gets the receiving side ready (when this side receives) and then continues with {@code step}; a
   * responder's answer will carry {@code answerResult}.
   */
  void prepare(EntityState.Active phase, Step step, TypedVoucher answerResult) {
    if (phase.channel().isSender()) {
      context.getSelf().tell(new ChannelCommand.ReceiverReady(0, step, answerResult));
    } else {
      openReceive(phase, step, answerResult);
    }
  }

  /**
   * Opens the receiving side, paused if this side has paused the channel. Its failure comes back
   * with how often the channel had closed its data when it opened, so that the phase can tell a
   * receiving side a later close superseded from a channel that cannot receive.
   */
  void openReceive(EntityState.Active phase, Step step, TypedVoucher answerResult) {
    ChannelState state = phase.channel();
    DataRequest request =
        DataRequest.of(state.channelId(), state.otherPeer(), state.baseCid(), state.selector())
            .withCountedBlocks(state.receivedBlocks())
            .withPaused(Side.of(state).hasPaused(state));
    long closes = phase.data().closes();
    context.pipeToSelf(
        env.transport().openReceive(request),
        (held, error) ->
            error == null
                ? new ChannelCommand.ReceiverReady(held, step, answerResult)
                : new ChannelCommand.ReceiverFailed(
                    cause(error), closes, unwrap(error) instanceof CancellationException));
  }

  /**
   * Opens the sending side from traversal index {@code start}, with {@code message} (null: none)
   * travelling with the open. The open carries the whole decision. Blocks below what the channel
   * already counted as queued are repeats: resending them is never counted (nor charged) again. A
   * responder that (re)starts paused or at its data limit opens unpaused but allowed no new bytes:
   * it resends the repeats (the receiver lost them in flight and pays only for what it received)
   * and holds before the first new block until its validator lets it go on.
   */
  void openSend(ChannelState state, long start, TransferMessage message) {
    boolean atLimit =
        !state.isInitiator() && state.dataLimit() > 0 && state.queued() >= state.dataLimit();
    boolean repeatsOnly = atLimit || (!state.isInitiator() && state.responderPaused());
    DataRequest request =
        DataRequest.of(state.channelId(), state.otherPeer(), state.baseCid(), state.selector())
            .withStartIndex(start)
            .withCountedBlocks(countedBlocks(state))
            .withSentBlocks(Math.min(countedBlocks(state), state.sentBlocks()))
            .withByteLimit(repeatsOnly ? 0 : byteLimit(state, state.queued()))
            .withPaused(!repeatsOnly && Side.of(state).hasPaused(state));
    reportUndelivered(env.transport().openSend(request, message), message, state.otherPeer());
    if (atLimit && !state.responderPaused()) {
      context.getSelf().tell(new ChannelCommand.PauseAtLimit(state.queued()));
    }
  }

  /**
   * The blocks a sender has counted: those it queued (the data limit and the validator count queued
   * bytes), which include those it sent. A block queued but lost before it was sent is a repeat
   * when it goes out again, as queued; as sent it counts then, from the sent blocks the open gives.
   */
  private static long countedBlocks(ChannelState state) {
    return Math.max(state.queuedBlocks(), state.sentBlocks());
  }

  /**
   * The sending transport's limit once it may send new data: first-time bytes it may queue since it
   * was opened, when the channel had {@code queuedAtOpen} queued. A sender told to go on while at
   * its limit (its validator resumed it without raising the limit) may queue one block more, so the
   * validator hears of data and decides again instead of both sides waiting.
   */
  private static long byteLimit(ChannelState state, long queuedAtOpen) {
    if (state.isInitiator() || state.dataLimit() == 0) {
      return DataRequest.NO_LIMIT;
    }
    return Math.max(1, state.dataLimit() - queuedAtOpen);
  }

  /** Lets the sending transport queue up to {@code transportBytes} (its count since the open). */
  void raiseByteLimit(ChannelState state, long transportBytes) {
    env.transport().setByteLimit(state.channelId(), transportBytes);
  }

  void pauseData(ChannelState state) {
    env.transport().pause(state.channelId());
  }

  /**
   * A sending transport that held at {@code transportBytes} (its count since it was opened) while
   * the channel is below its data limit: let it queue what the channel has left.
   */
  void extendByteLimit(ChannelState state, long transportBytes) {
    if (state.dataLimit() > 0) {
      long left = state.dataLimit() - state.queued();
      env.transport().setByteLimit(state.channelId(), Math.max(0, transportBytes) + left);
    }
  }

  /**
   * Continues this side's data: lifts its pause and, for a limited sender, the byte limit, counted
   * from the sending side's last open ({@code data}).
   */
  void resumeData(ChannelState state, EntityState.DataSide data) {
    if (state.isSender() && !state.isInitiator()) {
      env.transport().setByteLimit(state.channelId(), byteLimit(state, data.queuedAtOpen()));
    }
    env.transport().resume(state.channelId());
  }

  /**
   * The responder of a pull this side receives completed before this side's data finished: a
   * receiving side that holds the whole DAG finishes now ({@link
   * io.ferry.channels.wire.DataTransport#senderCompleted}).
   */
  void senderCompleted(ChannelState state) {
    if (state.isPull() && state.isInitiator() && state.status() == Status.ResponderCompleted) {
      env.transport().senderCompleted(state.channelId());
    }
  }

  void closeData(ChannelId id) {
    env.transport().close(id);
  }

  // ---- after every persist ----

  /** Tells subscribers, re-arms timers and starts cleanup when the plan entered it. */
  void persisted(Plan plan, long lastSequenceNr, EntityState after) {
    List<JournalEvent> events = plan.events();
    List<ChannelState> states = plan.states();
    long first = lastSequenceNr - events.size() + 1;
    for (int i = 0; i < events.size(); i++) {
      JournalEvent e = events.get(i);
      env.listener()
          .published(new ChannelEvent(e.code(), e.message(), e.at(), first + i), states.get(i));
    }
    deadlines.update(after);
    if (plan.entersCleanup()) {
      cleanup(after.channel());
    }
  }

  void cleanup(ChannelState state) {
    env.transport().close(state.channelId());
    CompletionStage<Void> hook = env.listener().cleanup(state);
    context.pipeToSelf(
        hook,
        (ok, error) -> {
          if (error != null) {
            context.getLog().warn("cleanup of {} failed: {}", state.channelId(), cause(error));
          }
          return new ChannelCommand.CompleteCleanup();
        });
  }

  /** The channel is terminal: tell the node and let sharding stop the actor. */
  void ended(ChannelState state) {
    deadlines.update(EntityState.of(state));
    env.listener().ended(state.channelId());
    env.validation().channelEnded(state.channelId());
    if (shard != null) {
      shard.tell(new ClusterSharding.Passivate<>(context.getSelf()));
    }
  }

  void updateDeadlines(EntityState state) {
    deadlines.update(state);
  }

  String expired(Deadlines.Wait wait) {
    return deadlines.expired(wait);
  }

  boolean waiting(Deadlines.Wait wait, EntityState state) {
    return deadlines.stillApplies(wait, state);
  }

  /** When a stalled channel restarts by itself, and when it gives up. */
  ChannelSettings.Restarts restartSettings() {
    return env.settings().restarts();
  }

  static String cause(Throwable error) {
    Throwable t = unwrap(error);
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}
