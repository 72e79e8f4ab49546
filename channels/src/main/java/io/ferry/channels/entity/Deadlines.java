package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import java.time.Duration;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;

/**
 * The channel's timers, derived from its state: after every change the actor calls {@link #update},
 * which starts the waits the state calls for and cancels the others. After a restart the same call
 * re-arms them, counting from the moment the channel came back.
 */
final class Deadlines {
  /** What a channel can wait for. */
  enum Wait {
    /** Initiator: the responder's answer to the request. */
    ACCEPT("the responder to accept the request", "accept timeout"),
    /** Responder: a voucher that resumes the paused channel. */
    VOUCHER("a voucher while paused", "paused-for-voucher timeout"),
    /** Initiator: the other half of completion (the responder's word, or the last data). */
    COMPLETE("the transfer to complete", "complete timeout"),
    /** Responder: the final voucher. */
    FINALIZATION("the final voucher", "finalization timeout"),
    /** A stalled channel: the backoff before its next automatic restart attempt. */
    RESTART("the next restart attempt", "restart backoff"),
    /** A restart request went out: the other peer's answer (the attempt fails without it). */
    RESTART_ANSWER("the answer to the restart request", "accept timeout");

    private final String what;
    private final String name;

    Wait(String what, String name) {
      this.what = what;
      this.name = name;
    }

    /**
     * Whether a channel in {@code state} waits for this; {@code restartPending}: a restart request
     * of this actor went out and is not answered yet ({@link EntityState.AwaitingRestart}).
     */
    boolean applies(ChannelState state, boolean restartPending) {
      boolean initiator = state.isInitiator();
      Status s = state.status();
      return switch (this) {
        case ACCEPT -> initiator && s == Status.AwaitingAcceptance;
        case VOUCHER ->
            !initiator && state.responderPaused() && !s.isEnding() && s != Status.Finalizing;
        case COMPLETE ->
            initiator && (s == Status.TransferFinished || s == Status.ResponderCompleted);
        case FINALIZATION -> !initiator && s == Status.Finalizing;
        case RESTART -> !restartPending && Restarting.restartsItself(state);
        case RESTART_ANSWER -> restartPending && !s.isEnding();
      };
    }

    /** The failure message when the wait runs out. */
    String expired(Duration after) {
      return "timed out after " + after + " waiting for " + what + " (" + name + ")";
    }
  }

  private final TimerScheduler<ChannelCommand> timers;
  private final ChannelSettings settings;

  Deadlines(TimerScheduler<ChannelCommand> timers, ChannelSettings settings) {
    this.timers = timers;
    this.settings = settings;
  }

  /** Starts the waits {@code phase} calls for, cancels the rest. */
  void update(EntityState phase) {
    ChannelState state = phase.channel();
    for (Wait wait : Wait.values()) {
      Duration timeout = delay(wait, state);
      if (stillApplies(wait, phase) && !timeout.isZero()) {
        if (!timers.isTimerActive(wait)) {
          timers.startSingleTimer(wait, new ChannelCommand.TimeOut(wait), timeout);
        }
      } else {
        timers.cancel(wait);
      }
    }
  }

  private Duration delay(Wait wait, ChannelState state) {
    if (wait == Wait.RESTART && state != null) {
      return settings.restarts().backoff(state.restartAttempts());
    }
    return settings.timeout(wait);
  }

  /** Whether the timer for {@code wait} still matters in {@code phase}. */
  boolean stillApplies(Wait wait, EntityState phase) {
    return phase instanceof EntityState.Active
        && wait.applies(phase.channel(), phase instanceof EntityState.AwaitingRestart);
  }

  /** The failure message for {@code wait}. */
  String expired(Wait wait) {
    return wait.expired(settings.timeout(wait));
  }
}
