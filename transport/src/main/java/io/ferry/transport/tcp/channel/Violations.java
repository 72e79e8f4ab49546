package io.ferry.transport.tcp.channel;

import io.ferry.channels.PeerId;
import java.time.Duration;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Frames one peer should not have sent (a want, open or control message for another peer's channel,
 * an unexpected frame). Each is counted; the first few in each minute are logged and answered, the
 * rest only counted, so a flood costs neither log nor heap (issue 19, 5: one WARN per frame made
 * 514 MB of log in 60 s, the answers queued 800 MB); {@link #DISCONNECT_AFTER} in a minute make the
 * session close the connection. Confined to the session's thread.
 */
public final class Violations {
  private static final Logger log = LoggerFactory.getLogger(Violations.class);

  /** Violations logged (and answered) per window. */
  public static final int LOGGED_PER_WINDOW = 5;

  /** Violations within a window that end the connection. */
  public static final int DISCONNECT_AFTER = 200;

  static final Duration WINDOW = Duration.ofMinutes(1);

  private final PeerId peer;
  private final LongSupplier nanos;
  private final Runnable counted;
  private long windowStart;
  private int inWindow;
  private int quiet;
  private long total;

  /**
   * @param counted runs at every violation (the transport's count over all peers)
   */
  Violations(PeerId peer, LongSupplier nanos, Runnable counted) {
    this.peer = peer;
    this.nanos = nanos;
    this.counted = counted;
  }

  /**
   * Counts one violation; logs {@code what} when it is among the first of the window.
   *
   * @return whether to answer it (it was logged)
   */
  boolean record(String what) {
    total++;
    counted.run();
    long now = nanos.getAsLong();
    if (inWindow == 0 || now - windowStart > WINDOW.toNanos()) {
      if (quiet > 0) {
        log.warn("{} sent {} more protocol violations, not logged", peer, quiet);
      }
      windowStart = now;
      inWindow = 0;
      quiet = 0;
    }
    inWindow++;
    if (inWindow <= LOGGED_PER_WINDOW) {
      log.warn("{}", what);
      return true;
    }
    quiet++;
    return false;
  }

  /**
   * Whether the last violation made the window's count reach {@link #DISCONNECT_AFTER} (or another
   * multiple of it): the connection should close.
   */
  public boolean flooding() {
    return inWindow > 0 && inWindow % DISCONNECT_AFTER == 0;
  }

  /** How many violations the peer sent in all. */
  public long total() {
    return total;
  }
}
