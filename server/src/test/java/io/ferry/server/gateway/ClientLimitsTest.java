package io.ferry.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The limits' arithmetic on a hand-moved clock (GatewayLimitsTest covers them on a real node). */
class ClientLimitsTest {
  private final AtomicLong now = new AtomicLong();

  @Test
  void eachClientHasItsOwnBucketRefilledAtTheRate() {
    ClientLimits limits = new ClientLimits(2, 2, 100, now::get);

    assertThat(admitted(limits, "a")).isTrue();
    assertThat(admitted(limits, "a")).isTrue();
    ClientLimits.Admission third = limits.admit("a");
    assertThat(admitted(limits, "b")).isTrue();
    now.addAndGet(500_000_000L); // half a second: one token at 2 per second
    assertThat(admitted(limits, "a")).isTrue();

    assertThat(third)
        .isInstanceOfSatisfying(
            ClientLimits.Refused.class,
            r -> {
              assertThat(r.status()).isEqualTo(429);
              assertThat(r.retryAfterSeconds()).isEqualTo(1);
            });
  }

  @Test
  void responsesBeyondTheCapAre503UntilAPermitIsClosedOnce() {
    ClientLimits limits = new ClientLimits(0, 0, 1, now::get);

    ClientLimits.Admission first = limits.admit("a");
    ClientLimits.Admission second = limits.admit("b");
    ClientLimits.Permit permit = ((ClientLimits.Admitted) first).permit();
    permit.close();
    permit.close();
    ClientLimits.Admission third = limits.admit("b");
    ClientLimits.Admission fourth = limits.admit("c");

    assertThat(second)
        .isInstanceOfSatisfying(
            ClientLimits.Refused.class, r -> assertThat(r.status()).isEqualTo(503));
    assertThat(third).isInstanceOf(ClientLimits.Admitted.class);
    assertThat(fourth).isInstanceOf(ClientLimits.Refused.class);
    assertThat(limits.active()).isEqualTo(1);
  }

  @Test
  void aPermitWhoseResponseNeverStartedIsTakenBackOnlyAfterTheAbandonTime() {
    ClientLimits limits = new ClientLimits(0, 0, 2, now::get);
    ClientLimits.Admission streaming = limits.admit("a");
    ((ClientLimits.Admitted) streaming).permit().sending();
    limits.admit("b"); // admitted, but its response is never sent

    ClientLimits.Admission early = limits.admit("c");
    now.addAndGet(ClientLimits.ABANDONED_AFTER_NANOS + 1);
    ClientLimits.Admission late = limits.admit("c");
    ClientLimits.Admission full = limits.admit("d");

    assertThat(early).isInstanceOf(ClientLimits.Refused.class);
    assertThat(late).isInstanceOf(ClientLimits.Admitted.class);
    assertThat(full).isInstanceOf(ClientLimits.Refused.class); // the sending one is kept
  }

  private static boolean admitted(ClientLimits limits, String client) {
    ClientLimits.Admission a = limits.admit(client);
    if (a instanceof ClientLimits.Admitted ok) {
      ok.permit().close();
      return true;
    }
    return false;
  }
}
