package io.ferry.channels.entity;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What a channel actor tells the node around it. Every method returns quickly and never blocks the
 * actor: slow work (a subscriber, a disk write) happens elsewhere and, where the actor must wait
 * for it, comes back as a completion stage.
 */
public interface ChannelListener {
  /**
   * Durably notes a new channel before its first event is written, so a restarted node finds it.
   */
  CompletionStage<Void> register(ChannelId channelId);

  /** One applied event and the state right after it; called in order per channel. */
  void published(ChannelEvent event, ChannelState state);

  /** The channel reached a terminal status. */
  void ended(ChannelId channelId);

  /**
   * The channel's actor runs: it recovered (woken by a command, after a start or a passivation).
   * Until {@link #stopped}, asking it wakes nothing.
   */
  default void running(ChannelId channelId) {}

  /** The channel's actor stopped (passivated, ended, or its node stops); it holds no memory. */
  default void stopped(ChannelId channelId) {}

  /**
   * Runs when the channel enters Completing, Failing or Cancelling, after the transport was closed;
   * the channel becomes terminal when the stage completes. Runs again after a node restart if it
   * had not finished.
   */
  default CompletionStage<Void> cleanup(ChannelState state) {
    return CompletableFuture.completedFuture(null);
  }

  /** A listener that records nothing, for tests that do not watch. */
  static ChannelListener none() {
    return new ChannelListener() {
      @Override
      public CompletionStage<Void> register(ChannelId channelId) {
        return CompletableFuture.completedFuture(null);
      }

      @Override
      public void published(ChannelEvent event, ChannelState state) {}

      @Override
      public void ended(ChannelId channelId) {}
    };
  }
}
