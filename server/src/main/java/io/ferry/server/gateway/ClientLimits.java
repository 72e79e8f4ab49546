package io.ferry.server.gateway;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The gateway's two limits: a token bucket per client address ({@code requests-per-second}, {@code
 * burst}), answered 429, and a cap on responses being sent at once, answered 503. A response holds
 * its {@link Permit} until its last byte is sent (or the client goes away).
 */
final class ClientLimits {
  private static final int MAX_TRACKED_CLIENTS = 10_000;

  /**
   * A CAR response whose body has not started this long after admission was dropped before it was
   * sent (its client went away first), so its permit is taken back when the cap is reached.
   */
  static final long ABANDONED_AFTER_NANOS = 30_000_000_000L;

  private final double ratePerNano;
  private final int burst;
  private final int maxConcurrent;
  private final LongSupplier nanoTime;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
  private final AtomicInteger active = new AtomicInteger();
  private final Set<Permit> open = ConcurrentHashMap.newKeySet();

  ClientLimits(double requestsPerSecond, int burst, int maxConcurrent, LongSupplier nanoTime) {
    this.ratePerNano = requestsPerSecond / 1e9;
    this.burst = Math.max(1, burst);
    this.maxConcurrent = maxConcurrent;
    this.nanoTime = nanoTime;
  }

  /** What {@link #admit} decided. */
  sealed interface Admission {}

  /** The request may go on; close the permit when its response has been sent. */
  record Admitted(Permit permit) implements Admission {}

  /**
   * The request is refused.
   *
   * @param status 429 or 503
   * @param retryAfterSeconds when to try again
   */
  record Refused(int status, long retryAfterSeconds, String message) implements Admission {}

  /** Takes a token from {@code client}'s bucket and a response slot, or says why not. */
  Admission admit(String client) {
    if (ratePerNano > 0) {
      if (buckets.size() > MAX_TRACKED_CLIENTS) {
        long now = nanoTime.getAsLong();
        buckets.values().removeIf(b -> b.isFull(now));
      }
      Bucket bucket = buckets.computeIfAbsent(client, c -> new Bucket(burst, nanoTime.getAsLong()));
      long wait = bucket.take(nanoTime.getAsLong());
      if (wait > 0) {
        long seconds = Math.max(1, (wait + 999_999_999L) / 1_000_000_000L);
        return new Refused(
            429,
            seconds,
            "too many requests from "
                + client
                + ": this gateway allows "
                + (ratePerNano * 1e9)
                + " per second (bursts of "
                + burst
                + "); retry in "
                + seconds
                + " s");
      }
    }
    if (active.get() >= maxConcurrent) {
      reclaimAbandoned();
    }
    if (active.incrementAndGet() > maxConcurrent) {
      active.decrementAndGet();
      return new Refused(
          503,
          1,
          "the gateway is sending its maximum of "
              + maxConcurrent
              + " responses at once; retry shortly");
    }
    Permit permit = new Permit(nanoTime.getAsLong());
    open.add(permit);
    return new Admitted(permit);
  }

  private void reclaimAbandoned() {
    long now = nanoTime.getAsLong();
    for (Permit p : open) {
      if (!p.sending && now - p.admittedAt > ABANDONED_AFTER_NANOS) {
        p.close();
      }
    }
  }

  /** Responses being sent now. */
  int active() {
    return active.get();
  }

  /** A response slot; closing it more than once frees it once. */
  final class Permit implements AutoCloseable {
    private final AtomicBoolean held = new AtomicBoolean(true);
    private final long admittedAt;
    private volatile boolean sending;

    private Permit(long admittedAt) {
      this.admittedAt = admittedAt;
    }

    /** The response body has started: from now on only the body's end closes the permit. */
    void sending() {
      sending = true;
    }

    @Override
    public void close() {
      if (held.compareAndSet(true, false)) {
        open.remove(this);
        active.decrementAndGet();
      }
    }
  }

  /** A token bucket; {@link #take} answers 0 or the nanoseconds until a token is there. */
  private final class Bucket {
    private double tokens;
    private long last;

    Bucket(double tokens, long now) {
      this.tokens = tokens;
      this.last = now;
    }

    synchronized long take(long now) {
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return (long) Math.ceil((1 - tokens) / ratePerNano);
    }

    synchronized boolean isFull(long now) {
      refill(now);
      return tokens >= burst;
    }

    private void refill(long now) {
      tokens = Math.min(burst, tokens + (now - last) * ratePerNano);
      last = now;
    }
  }
}
