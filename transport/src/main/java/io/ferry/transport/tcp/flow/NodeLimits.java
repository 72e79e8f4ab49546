package io.ferry.transport.tcp.flow;

import io.ferry.transport.tcp.TcpSettings;
import java.time.Duration;

/**
 * The limits every peer of one transport shares: the settings that size them, the node-wide rate
 * limiters and receive budget, and the scheduler the limiters wake up with.
 */
public interface NodeLimits {
  TcpSettings settings();

  /** In-flight receive credit over all peers. */
  ByteBudget totalCredit();

  RateLimiter uploadLimit();

  RateLimiter downloadLimit();

  /** Block bytes went to the wire, repeats included (a metric). Default: not counted. */
  default void sentOnWire(long bytes) {}

  /** Runs a task after a delay (rate limiters' wake-ups). */
  void schedule(Duration delay, Runnable task);
}
