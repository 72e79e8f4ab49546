package io.ferry.transport.tcp.link;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.PeerId;
import io.ferry.transport.identity.NodeIdentity;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class RedialBackoffTest {
  private static final double MIDDLE = 0.5; // no spread: 0.8 + 0.4 * 0.5 = 1

  @Test
  void theDelayDoublesWithEveryFailedDialUpToTheMaximum() {
    RedialBackoff backoff =
        new RedialBackoff(Duration.ofMillis(100), Duration.ofMillis(700), false);

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
    RedialBackoff backoff =
        new RedialBackoff(Duration.ofMillis(100), Duration.ofSeconds(60), false);
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
    RedialBackoff backoff =
        new RedialBackoff(Duration.ofMillis(1000), Duration.ofMillis(1000), false);

    assertThat(backoff.next(0.0)).isEqualTo(Duration.ofMillis(800));
    assertThat(backoff.next(0.999_999)).isBetween(Duration.ofMillis(1199), Duration.ofMillis(1200));
  }

  @Test
  void afterALossTheYieldingPeerRedialsWellAfterTheOtherWhateverTheSpread() {
    Duration min = Duration.ofMillis(250);
    RedialBackoff first = new RedialBackoff(min, Duration.ofSeconds(30), false);
    RedialBackoff second = new RedialBackoff(min, Duration.ofSeconds(30), true);

    Duration latestFirst = first.next(0.999_999);
    Duration earliestSecond = second.next(0.0);

    assertThat(earliestSecond.minus(latestFirst)).isGreaterThanOrEqualTo(Duration.ofMillis(399));
  }

  @Test
  void ofTwoPeersExactlyOneYieldsTheOneWhoseConnectionWouldBeRetired() {
    NodeIdentity a = NodeIdentity.generate();
    NodeIdentity b = NodeIdentity.generate();
    PeerId lower = a.peerId().compareTo(b.peerId()) < 0 ? a.peerId() : b.peerId();
    PeerId higher = lower.equals(a.peerId()) ? b.peerId() : a.peerId();

    assertThat(PeerLink.dialsSecond(higher, lower)).isTrue();
    assertThat(PeerLink.dialsSecond(lower, higher)).isFalse();
  }
}
