package io.ferry.channels.entity;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a channel waits before it gives up, and how often it snapshots. A zero timeout waits
 * forever.
 *
 * @param acceptTimeout initiator: request sent, no answer from the responder yet
 * @param pausedForVoucherTimeout responder: paused (by a validator or the data limit) until a
 *     voucher arrives
 * @param completeTimeout initiator: all data moved, the responder has not confirmed completion
 * @param finalizationTimeout responder: finished, waiting for the final voucher
 * @param snapshotEvery take a snapshot every this many events (the two latest are kept)
 */
public record ChannelSettings(
    Duration acceptTimeout,
    Duration pausedForVoucherTimeout,
    Duration completeTimeout,
    Duration finalizationTimeout,
    int snapshotEvery) {

  public ChannelSettings {
    Objects.requireNonNull(acceptTimeout, "acceptTimeout");
    Objects.requireNonNull(pausedForVoucherTimeout, "pausedForVoucherTimeout");
    Objects.requireNonNull(completeTimeout, "completeTimeout");
    Objects.requireNonNull(finalizationTimeout, "finalizationTimeout");
    for (Duration d :
        new Duration[] {
          acceptTimeout, pausedForVoucherTimeout, completeTimeout, finalizationTimeout
        }) {
      if (d.isNegative()) {
        throw new IllegalArgumentException("a channel timeout cannot be negative, was " + d);
      }
    }
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("snapshotEvery must be at least 1, was " + snapshotEvery);
    }
  }

  /**
   * The node's defaults: the same values as {@code ferry.timeouts} in the node's reference.conf.
   */
  public static ChannelSettings defaults() {
    return new ChannelSettings(
        Duration.ofSeconds(30),
        Duration.ofMinutes(10),
        Duration.ofSeconds(60),
        Duration.ofMinutes(10),
        100);
  }

  /** The timeout of {@code wait}. */
  public Duration timeout(Deadlines.Wait wait) {
    return switch (wait) {
      case ACCEPT -> acceptTimeout;
      case VOUCHER -> pausedForVoucherTimeout;
      case COMPLETE -> completeTimeout;
      case FINALIZATION -> finalizationTimeout;
    };
  }

  public ChannelSettings withAcceptTimeout(Duration d) {
    return new ChannelSettings(
        d, pausedForVoucherTimeout, completeTimeout, finalizationTimeout, snapshotEvery);
  }

  public ChannelSettings withPausedForVoucherTimeout(Duration d) {
    return new ChannelSettings(
        acceptTimeout, d, completeTimeout, finalizationTimeout, snapshotEvery);
  }

  public ChannelSettings withCompleteTimeout(Duration d) {
    return new ChannelSettings(
        acceptTimeout, pausedForVoucherTimeout, d, finalizationTimeout, snapshotEvery);
  }

  public ChannelSettings withFinalizationTimeout(Duration d) {
    return new ChannelSettings(
        acceptTimeout, pausedForVoucherTimeout, completeTimeout, d, snapshotEvery);
  }

  public ChannelSettings withSnapshotEvery(int events) {
    return new ChannelSettings(
        acceptTimeout, pausedForVoucherTimeout, completeTimeout, finalizationTimeout, events);
  }
}
