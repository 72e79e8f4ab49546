package io.ferry.transport.tcp.flow;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * A token bucket in bytes per second that throttles whoever registered with it, after the seed's
 * {@code IRateLimiter}: movers {@link #report} the bytes they moved; when the bucket runs dry every
 * registered {@link RateLimited} is told to {@code throttle()}, and once it has refilled, to {@code
 * unthrottle()}. The bucket holds at most a tenth of a second of bytes (at least 256 KiB), so a
 * limit is kept on average with short bursts. A rate of 0 never throttles. Thread-safe.
 */
public final class RateLimiter {
  /** Something a rate limiter can stop and restart (the seed's {@code IRateLimited}). */
  public interface RateLimited {
    void throttle();

    void unthrottle();
  }

  private final long bytesPerSecond;
  private final double capacity;
  private final LongSupplier nanoClock;
  private final BiConsumer<Duration, Runnable> scheduler;
  private final List<RateLimited> registered = new CopyOnWriteArrayList<>();
  private double tokens;
  private long lastRefill;
  private boolean throttled;

  /**
   * @param bytesPerSecond the rate; 0 for no limit
   * @param scheduler runs a task after a delay (the actor system's scheduler)
   */
  public RateLimiter(long bytesPerSecond, BiConsumer<Duration, Runnable> scheduler) {
    this(bytesPerSecond, scheduler, System::nanoTime);
  }

  public RateLimiter(
      long bytesPerSecond, BiConsumer<Duration, Runnable> scheduler, LongSupplier clock) {
    this.bytesPerSecond = bytesPerSecond;
    this.capacity = Math.max(bytesPerSecond / 10.0, 256 * 1024);
    this.scheduler = scheduler;
    this.nanoClock = clock;
    this.tokens = capacity;
    this.lastRefill = clock.getAsLong();
  }

  public boolean isUnlimited() {
    return bytesPerSecond == 0;
  }

  public void register(RateLimited mover) {
    registered.add(mover);
    if (isThrottled()) {
      mover.throttle();
    }
  }

  public void unregister(RateLimited mover) {
    registered.remove(mover);
  }

  public synchronized boolean isThrottled() {
    return throttled;
  }

  /** Records {@code bytes} moved; throttles the registered movers if the bucket ran dry. */
  public void report(long bytes) {
    if (isUnlimited()) {
      return;
    }
    Duration wait;
    synchronized (this) {
      refill();
      tokens -= bytes;
      if (tokens >= 0 || throttled) {
        return;
      }
      throttled = true;
      wait = deficitWait();
    }
    registered.forEach(RateLimited::throttle);
    scheduler.accept(wait, this::tryUnthrottle);
  }

  private void tryUnthrottle() {
    Duration wait;
    synchronized (this) {
      refill();
      if (tokens >= 0) {
        throttled = false;
        wait = null;
      } else {
        wait = deficitWait();
      }
    }
    if (wait == null) {
      registered.forEach(RateLimited::unthrottle);
    } else {
      scheduler.accept(wait, this::tryUnthrottle);
    }
  }

  private Duration deficitWait() {
    long nanos = (long) Math.ceil(-tokens * 1e9 / bytesPerSecond);
    return Duration.ofNanos(Math.max(nanos, 1_000_000));
  }

  private void refill() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(capacity, tokens + (now - lastRefill) * bytesPerSecond / 1e9);
    lastRefill = now;
  }
}
