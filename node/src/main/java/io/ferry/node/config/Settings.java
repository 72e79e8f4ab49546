package io.ferry.node.config;

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
      long maxBytesPerChannel) {}

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

  /** {@code ferry.timeouts.restart}: automatic restarts after a dropped connection. */
  public record Restart(Duration backoffMin, Duration backoffMax, int maxAttempts) {}

  /**
   * {@code ferry.retention}: how long terminal channels are kept. Zero in either bound means that
   * bound does not apply.
   */
  public record Retention(Duration keepFor, int keepCount, Duration sweepInterval) {}
}
