package io.ferry.transport.tcp.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final AtomicLong now = new AtomicLong();
  private final List<Duration> delays = new ArrayList<>();
  private final List<Runnable> tasks = new ArrayList<>();
  private final List<String> events = new ArrayList<>();

  private RateLimiter limiter(long rate) {
    RateLimiter l =
        new RateLimiter(
            rate,
            (d, task) -> {
              delays.add(d);
              tasks.add(task);
            },
            now::get);
    l.register(
        new RateLimiter.RateLimited() {
          @Override
          public void throttle() {
            events.add("throttle");
          }

          @Override
          public void unthrottle() {
            events.add("unthrottle");
          }
        });
    return l;
  }

  private void runScheduled() {
    List<Runnable> due = new ArrayList<>(tasks);
    tasks.clear();
    due.forEach(Runnable::run);
  }

  @Test
  void movingMoreThanTheBucketHoldsThrottlesUntilTheDeficitIsRepaid() {
    RateLimiter l = limiter(10_000_000); // bucket: 1 MB (a tenth of a second)

    l.report(600_000);
    assertThat(events).isEmpty();
    l.report(1_400_000); // 1 MB over: 100 ms to repay at 10 MB/s

    assertThat(events).containsExactly("throttle");
    assertThat(l.isThrottled()).isTrue();
    assertThat(delays).containsExactly(Duration.ofMillis(100));

    now.addAndGet(Duration.ofMillis(100).toNanos());
    runScheduled();

    assertThat(events).containsExactly("throttle", "unthrottle");
    assertThat(l.isThrottled()).isFalse();
  }

  @Test
  void aWakeUpBeforeTheDeficitIsRepaidWaitsAgain() {
    RateLimiter l = limiter(1_000_000); // bucket: 256 KiB minimum

    l.report(262_144 + 500_000);
    now.addAndGet(Duration.ofMillis(200).toNanos()); // 200 KB repaid, 300 KB left
    runScheduled();

    assertThat(events).containsExactly("throttle");
    assertThat(delays.get(1)).isEqualTo(Duration.ofMillis(300));
    now.addAndGet(Duration.ofMillis(300).toNanos());
    runScheduled();
    assertThat(events).containsExactly("throttle", "unthrottle");
  }

  @Test
  void aRateOfZeroNeverThrottles() {
    RateLimiter l = limiter(0);

    l.report(Long.MAX_VALUE / 2);

    assertThat(events).isEmpty();
    assertThat(l.isThrottled()).isFalse();
    assertThat(tasks).isEmpty();
  }

  @Test
  void aMoverRegisteringWhileThrottledIsThrottledAtOnce() {
    RateLimiter l = limiter(1_000_000);
    l.report(10_000_000);
    List<String> late = new ArrayList<>();

    l.register(
        new RateLimiter.RateLimited() {
          @Override
          public void throttle() {
            late.add("throttle");
          }

          @Override
          public void unthrottle() {
            late.add("unthrottle");
          }
        });

    assertThat(late).containsExactly("throttle");
  }
}
