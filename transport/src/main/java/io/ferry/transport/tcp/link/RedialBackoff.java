package io.ferry.transport.tcp.link;

import java.time.Duration;

/**
 * How long a peer link waits before it dials again: {@code min} after the first failed dial, twice
 * as long after each further one, at most {@code max}, each delay spread by ±20% so that links that
 * failed together do not redial together. Any connection with the peer, dialed or accepted, resets
 * it: the next loss is redialed after {@code min} again.
 *
 * <p>A link that <em>yields</em> waits {@code 2 × min} longer each time. Both peers of a lost
 * connection redial, and when both dials succeed one connection is retired, which restarts every
 * channel between them (a second round of blocks lost in flight). The peer whose connection would
 * be retired anyway yields, so the other one's dial usually lands first and there is nothing to
 * retire: after a loss the two delays are at least {@code 1.6 × min} apart.
 */
public final class RedialBackoff {
  private final long minMillis;
  private final long maxMillis;
  private final long yieldMillis;
  private int failures;

  public RedialBackoff(Duration min, Duration max, boolean yields) {
    this.minMillis = Math.max(1, min.toMillis());
    this.maxMillis = Math.max(minMillis, max.toMillis());
    this.yieldMillis = yields ? 2 * minMillis : 0;
  }

  /** A dial failed. */
  public void failed() {
    if (failures < 62) {
      failures++;
    }
  }

  /** A connection is up: start again from the shortest delay. */
  public void reset() {
    failures = 0;
  }

  /** Consecutive failed dials since the last connection. */
  public int failures() {
    return failures;
  }

  /**
   * The delay before the next dial.
   *
   * @param random a number in [0, 1) that picks the spread
   */
  public Duration next(double random) {
    int shift = Math.min(failures, 40);
    long grown = minMillis > (maxMillis >> shift) ? maxMillis : minMillis << shift;
    long delay = Math.min(maxMillis, grown);
    return Duration.ofMillis(Math.max(1, (long) (delay * (0.8 + 0.4 * random))) + yieldMillis);
  }
}
