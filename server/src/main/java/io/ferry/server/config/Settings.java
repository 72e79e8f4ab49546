package io.ferry.server.config;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Typed views of the groups under {@code ferry { ... }}; see {@code reference.conf} for each key.
 */
public final class Settings {
  private Settings() {}

  /**
   * {@code ferry.api}: where the HTTP API listens and where it keeps its token and address.
   *
   * @param address host and port to bind ({@code ferry.api.address})
   * @param tokenFile the bearer-token file, resolved against the home directory
   * @param addressFile the file a running node writes its API address to
   * @param requestTimeout how long one request may take
   * @param sseKeepAlive interval of SSE keep-alive comments
   */
  public record Api(
      ApiAddress address,
      Path tokenFile,
      Path addressFile,
      Duration requestTimeout,
      Duration sseKeepAlive) {}

  /**
   * {@code ferry.limits}: concurrency and memory bounds. Zero means no limit where the key says so.
   */
  public record Limits(
      int channelsPerPeer,
      int channelsTotal,
      long inFlightBytesPerPeer,
      long inFlightBytesTotal,
      int maxFrame,
      long maxBlocksPerChannel,
      long maxBytesPerChannel,
      int openChannelsPerPeer,
      int openChannelsTotal,
      long memoryBudget,
      double memoryPerAddress) {}

  /** {@code ferry.rate-limits}: bytes per second; 0 means unlimited. */
  public record RateLimits(long upload, long download, long uploadPerPeer, long downloadPerPeer) {}

  /** {@code ferry.timeouts}. A zero {@code pausedForVoucher} waits forever. */
  public record Timeouts(
      Duration accept,
      Duration pausedForVoucher,
      Duration complete,
      Duration finalization,
      Duration connect,
      Restart restart) {}

  /**
   * {@code ferry.timeouts.restart}: automatic restarts after a dropped connection. The backoff
   * paces both the transport's redials and a stalled channel's restart attempts; after {@code
   * maxAttempts} consecutive attempts without data moving the channel fails.
   */
  public record Restart(Duration backoffMin, Duration backoffMax, int maxAttempts) {
    public Restart {
      if (backoffMin.isNegative() || backoffMin.isZero()) {
        throw new IllegalArgumentException(
            "ferry.timeouts.restart.backoff-min must be positive, was " + backoffMin);
      }
      if (backoffMax.compareTo(backoffMin) < 0) {
        throw new IllegalArgumentException(
            "ferry.timeouts.restart.backoff-max ("
                + backoffMax
                + ") must not be below backoff-min ("
                + backoffMin
                + ")");
      }
    }
  }

  /**
   * {@code ferry.retention}: how long terminal channels are kept. Zero in either bound means that
   * bound does not apply.
   */
  public record Retention(Duration keepFor, int keepCount, Duration sweepInterval) {}
}
