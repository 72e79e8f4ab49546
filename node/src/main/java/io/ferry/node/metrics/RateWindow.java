package io.ferry.node.metrics;

import java.time.Clock;

/**
 * Bytes per second over a sliding window of whole seconds: one bucket per second, summed. Cheap
 * enough to update on every progress event; thread-safe.
 */
final class RateWindow {
  private final Clock clock;
  private final long[] buckets;
  private final long[] bucketSecond;

  RateWindow(Clock clock, int seconds) {
    if (seconds <= 0) {
      throw new IllegalArgumentException("a rate window needs at least one second");
    }
    this.clock = clock;
    this.buckets = new long[seconds];
    this.bucketSecond = new long[seconds];
  }

  synchronized void add(long amount) {
    long now = clock.millis() / 1000;
    int i = (int) (now % buckets.length);
    if (bucketSecond[i] != now) {
      bucketSecond[i] = now;
      buckets[i] = 0;
    }
    buckets[i] += amount;
  }

  /** The average per second over the last {@code seconds} seconds, this one included. */
  synchronized double perSecond() {
    long now = clock.millis() / 1000;
    long sum = 0;
    for (int i = 0; i < buckets.length; i++) {
      if (now - bucketSecond[i] < buckets.length) {
        sum += buckets[i];
      }
    }
    return (double) sum / buckets.length;
  }
}
