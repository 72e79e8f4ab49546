package io.ferry.channels.entity;

import java.time.Duration;
import java.util.Objects;

/**
 * How long a channel waits before it gives up, how it restarts itself when stalled, and how often
 * it snapshots. A zero timeout waits forever.
 *
 * @param acceptTimeout initiator: request sent, no answer from the responder yet; also how long
 *     either side waits for the answer to a restart request before it counts the attempt as failed
 * @param pausedForVoucherTimeout responder: paused (by a validator or the data limit) until a
 *     voucher arrives
 * @param completeTimeout initiator: all data moved, the responder has not confirmed completion
 * @param finalizationTimeout responder: finished, waiting for the final voucher
 * @param snapshotEvery take a snapshot every this many events (the two latest are kept)
 * @param restarts when a stalled channel restarts itself, and when it gives up
 */
public record ChannelSettings(
    Duration acceptTimeout,
    Duration pausedForVoucherTimeout,
    Duration completeTimeout,
    Duration finalizationTimeout,
    int snapshotEvery,
    Restarts restarts) {

  /**
   * Automatic restarts of a stalled channel: the first attempt waits {@code backoffMin} after the
   * channel stalled, each further one twice as long as the one before, at most {@code backoffMax};
   * after {@code maxAttempts} consecutive attempts without data moving (answered restarts and
   * failed ones alike) the channel fails.
   */
  public record Restarts(Duration backoffMin, Duration backoffMax, int maxAttempts) {
    public Restarts {
      Objects.requireNonNull(backoffMin, "backoffMin");
      Objects.requireNonNull(backoffMax, "backoffMax");
      if (backoffMin.isNegative() || backoffMin.isZero()) {
        throw new IllegalArgumentException(
            "the restart backoff-min must be positive, was " + backoffMin);
      }
      if (backoffMax.compareTo(backoffMin) < 0) {
        throw new IllegalArgumentException(
            "the restart backoff-max ("
                + backoffMax
                + ") is below backoff-min ("
                + backoffMin
                + ")");
      }
      if (maxAttempts < 1) {
        throw new IllegalArgumentException(
            "restart max-attempts must be at least 1, was " + maxAttempts);
      }
    }

    /** The node's defaults: {@code ferry.timeouts.restart} in the node's reference.conf. */
    public static Restarts defaults() {
      return new Restarts(Duration.ofSeconds(1), Duration.ofSeconds(60), 10);
    }

    /** The wait before the next attempt once {@code attempts} attempts were made. */
    public Duration backoff(int attempts) {
      long min = backoffMin.toMillis();
      int shift = Math.min(Math.max(attempts, 0), 30);
      long grown = min > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : min << shift;
      return Duration.ofMillis(Math.max(1, Math.min(backoffMax.toMillis(), grown)));
    }
  }

  public ChannelSettings {
    Objects.requireNonNull(acceptTimeout, "acceptTimeout");
    Objects.requireNonNull(pausedForVoucherTimeout, "pausedForVoucherTimeout");
    Objects.requireNonNull(completeTimeout, "completeTimeout");
    Objects.requireNonNull(finalizationTimeout, "finalizationTimeout");
    Objects.requireNonNull(restarts, "restarts");
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
        100,
        Restarts.defaults());
  }

  /** The timeout of {@code wait}; for the restart backoff, its first step. */
  public Duration timeout(Deadlines.Wait wait) {
    return switch (wait) {
      case ACCEPT, RESTART_ANSWER -> acceptTimeout;
      case VOUCHER -> pausedForVoucherTimeout;
      case COMPLETE -> completeTimeout;
      case FINALIZATION -> finalizationTimeout;
      case RESTART -> restarts.backoffMin();
    };
  }

  public ChannelSettings withAcceptTimeout(Duration d) {
    return new ChannelSettings(
        d, pausedForVoucherTimeout, completeTimeout, finalizationTimeout, snapshotEvery, restarts);
  }

  public ChannelSettings withPausedForVoucherTimeout(Duration d) {
    return new ChannelSettings(
        acceptTimeout, d, completeTimeout, finalizationTimeout, snapshotEvery, restarts);
  }

  public ChannelSettings withCompleteTimeout(Duration d) {
    return new ChannelSettings(
        acceptTimeout, pausedForVoucherTimeout, d, finalizationTimeout, snapshotEvery, restarts);
  }

  public ChannelSettings withFinalizationTimeout(Duration d) {
    return new ChannelSettings(
        acceptTimeout, pausedForVoucherTimeout, completeTimeout, d, snapshotEvery, restarts);
  }

  public ChannelSettings withSnapshotEvery(int events) {
    return new ChannelSettings(
        acceptTimeout,
        pausedForVoucherTimeout,
        completeTimeout,
        finalizationTimeout,
        events,
        restarts);
  }

  public ChannelSettings withRestarts(Restarts r) {
    return new ChannelSettings(
        acceptTimeout,
        pausedForVoucherTimeout,
        completeTimeout,
        finalizationTimeout,
        snapshotEvery,
        r);
  }
}
