package io.ferry.transport.tcp;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pekko's TCP buffer sizes for bulk data: 1 MiB socket reads ({@code
 * pekko.io.tcp.direct-buffer-size}) and stream write buffers ({@code
 * pekko.stream.materializer.io.tcp.write-buffer-size}). Pekko's defaults, 128 KiB and 16 KiB, cost
 * 30–60% of a transfer's throughput on the machine the benchmarks ran on.
 */
final class BulkBuffers {
  private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);
  private static final long BULK = 1L << 20;

  private BulkBuffers() {}

  /** The two settings at 1 MiB, to use as a fallback of an actor system's configuration. */
  static Config config() {
    return ConfigFactory.parseString(
        "pekko.io.tcp.direct-buffer-size = 1 MiB\n"
            + "pekko.stream.materializer.io.tcp.write-buffer-size = 1 MiB\n");
  }

  /** Says so in the log when {@code c} sets either buffer below 1 MiB. */
  static void checkIn(Config c) {
    long read = c.getBytes("pekko.io.tcp.direct-buffer-size");
    long write = c.getBytes("pekko.stream.materializer.io.tcp.write-buffer-size");
    if (read < BULK || write < BULK) {
      log.info(
          "TCP buffers are small for bulk data (direct-buffer-size {}, write-buffer-size {});"
              + " TcpTransport.recommendedConfig() sets both to 1 MiB",
          read,
          write);
    }
  }
}
