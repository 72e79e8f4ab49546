package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedialBackoffTest {
  private static final double MIDDLE = 0.5; // no spread: 0.8 + 0.4 * 0.5 = 1

  @Test
  void theDelayDoublesWithEveryFailedDialUpToTheMaximum() {
    RedialBackoff backoff = new RedialBackoff(Duration.ofMillis(100), Duration.ofMillis(700));

    assertThat(backoff.next(MIDDLE)).isEqualTo(Duration.ofMillis(100));
    backoff.failed();
    assertThat(backoff.next(MIDDLE)).isEqualTo(Duration.ofMillis(200));
    backoff.failed();
    assertThat(backoff.next(MIDDLE)).isEqualTo(Duration.ofMillis(400));
    backoff.failed();
    assertThat(backoff.next(MIDDLE)).isEqualTo(Duration.ofMillis(700));
    for (int i = 0; i < 100; i++) {
      backoff.failed();
    }
    assertThat(backoff.next(MIDDLE)).isEqualTo(Duration.ofMillis(700));
  }

  @Test
  void aConnectionResetsTheBackoffToItsShortestDelay() {
    RedialBackoff backoff = new RedialBackoff(Duration.ofMillis(100), Duration.ofSeconds(60));
    for (int i = 0; i < 12; i++) {
      backoff.failed();
    }
    assertThat(backoff.next(MIDDLE)).isEqualTo(Duration.ofSeconds(60));

    backoff.reset();

    assertThat(backoff.failures()).isZero();
    assertThat(backoff.next(MIDDLE)).isEqualTo(Duration.ofMillis(100));
  }

  @Test
  void eachDelayIsSpreadByAtMostAFifthEitherWay() {
    RedialBackoff backoff = new RedialBackoff(Duration.ofMillis(1000), Duration.ofMillis(1000));

    assertThat(backoff.next(0.0)).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.next(0.999_999)).isBetween(Duration.ofMillis(1199), Duration.ofMillis(1200));
  }
}
