package io.ferry.transport.tcp.flow;

import io.ferry.channels.PeerId;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * Protocol violations over all of a transport's peers: how many there were since the start (the
 * {@code ferry_protocol_violations_total} metric), and the peers disconnected for a flood of them,
 * whose handshakes are refused for {@link #BACKOFF} (issue 19, 5: a peer that sends junk repeatedly
 * is disconnected and backed off). Thread-safe.
 */
public final class Offenders {
  /** How long a peer disconnected for a flood of violations is refused. */
  public static final Duration BACKOFF = Duration.ofMinutes(1);

  private final LongAdder violations = new LongAdder();
  private final Map<PeerId, Long> refusedUntil = new ConcurrentHashMap<>();
  private final LongSupplier nanos;

  public Offenders() {
    this(System::nanoTime);
  }

  public Offenders(LongSupplier nanos) {
    this.nanos = nanos;
  }

  /** One more violation by some peer. */
  public void counted() {
    violations.increment();
  }

  /** Every violation counted since the transport started. */
  public long violations() {
    return violations.sum();
  }

  /** {@code peer} was disconnected for a flood: refuse it for {@link #BACKOFF} from now. */
  public void backOff(PeerId peer) {
    refusedUntil.put(peer, nanos.getAsLong() + BACKOFF.toNanos());
  }

  /** Whether {@code peer} is refused now. */
  public boolean backedOff(PeerId peer) {
    Long until = refusedUntil.get(peer);
    if (until == null) {
      return false;
    }
    if (nanos.getAsLong() - until < 0) {
      return true;
    }
    refusedUntil.remove(peer, until);
    return false;
  }
}
