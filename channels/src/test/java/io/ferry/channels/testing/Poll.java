package io.ferry.channels.testing;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition by polling it (Awaitility is not a dependency). Fails with the message and
 * the last observed value when the condition does not hold in time.
 */
public final class Poll {
  private Poll() {}

  /** Waits up to {@code timeout} for {@code condition}. */
  public static void until(Duration timeout, String what, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  /** Waits up to {@code timeout} until {@code value} satisfies {@code test}; returns the value. */
  public static <T> T until(
      Duration timeout, String what, Supplier<T> value, java.util.function.Predicate<T> test) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = value.get();
    while (!test.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for " + what + "; last value: " + last);
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      last = value.get();
    }
    return last;
  }
}
