package io.ferry.bench.node;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.ApiClient;
import io.ferry.cli.SseReader;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A subscriber of a node's {@code /v1/events} while a case runs: for every event stamped after the
 * subscription started, the time from the event's timestamp (set by the channel when it decided the
 * event, before the journal write) to its receipt here. An upper bound of the latency from
 * persistence to a subscriber, on the same machine's clock.
 */
final class EventLatency implements AutoCloseable {
  private final Instant since = Instant.now();
  private final AtomicBoolean open = new AtomicBoolean(true);
  private final AtomicReference<SseReader> reader = new AtomicReference<>();
  private final AtomicInteger count = new AtomicInteger();
  private long[] micros = new long[1 << 16];
  private final Thread thread;

  EventLatency(ApiClient api) {
    thread = new Thread(() -> follow(api), "bench-events");
    thread.setDaemon(true);
    thread.start();
  }

  private void follow(ApiClient api) {
    // after=now: from offset 0 the stream first sent every event of the pulls before the case
    // (thousands), and the case's first events waited seconds behind them (p99 3-4 s after the
    // pulls, 0.3-0.5 s on a fresh pair); a subscriber of what happens next does not read those.
    try (SseReader r = api.events(Map.of("after", "now"), Optional.empty())) {
      reader.set(r);
      while (open.get()) {
        Optional<SseReader.Event> e = r.next();
        if (e.isEmpty()) {
          return;
        }
        Instant now = Instant.now();
        JsonNode data = ApiClient.json().readTree(e.get().data());
        Instant stamped = Instant.parse(data.path("timestamp").asText(since.toString()));
        if (stamped.isBefore(since)) {
          continue;
        }
        record(Duration.between(stamped, now).toNanos() / 1000);
      }
    } catch (IOException | RuntimeException e) {
      if (open.get()) {
        System.err.println("event stream ended: " + e);
      }
    }
  }

  private synchronized void record(long latencyMicros) {
    int n = count.get();
    if (n == micros.length) {
      micros = Arrays.copyOf(micros, n * 2);
    }
    micros[n] = latencyMicros;
    count.incrementAndGet();
  }

  /** {@code N events, p50 X ms, p99 Y ms, max Z ms}. */
  synchronized String summary() {
    int n = count.get();
    if (n == 0) {
      return "no events received";
    }
    long[] sorted = Arrays.copyOf(micros, n);
    Arrays.sort(sorted);
    return String.format(
        Locale.ROOT,
        "%,d events, p50 %.1f ms, p99 %.1f ms, max %.1f ms",
        n,
        sorted[n / 2] / 1000.0,
        sorted[Math.min(n - 1, (int) (n * 0.99))] / 1000.0,
        sorted[n - 1] / 1000.0);
  }

  @Override
  public void close() {
    open.set(false);
    SseReader r = reader.get();
    if (r != null) {
      try {
        r.close();
      } catch (IOException e) {
        // closing a stream that is ending anyway
      }
    }
  }
}
