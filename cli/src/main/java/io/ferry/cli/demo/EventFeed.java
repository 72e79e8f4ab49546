package io.ferry.cli.demo;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.ApiClient;
import io.ferry.cli.SseReader;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Follows one node's channel events over Server-Sent Events ({@code /v1/events?follow=true}) on a
 * daemon thread and prints each as a line: time, node, event, message (and the status, when the
 * event carries it). Data progress events (hundreds in a large transfer) are printed at most once a
 * second per node; every other event is printed. Tells when a channel's last event ({@code
 * CleanupComplete}) arrived.
 */
final class EventFeed implements AutoCloseable {
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneId.systemDefault());
  private static final Set<String> DATA =
      Set.of(
          "DataQueued",
          "DataQueuedProgress",
          "DataSent",
          "DataSentProgress",
          "DataReceived",
          "DataReceivedProgress",
          "Progress");
  private static final long DATA_EVERY_MS = 1_000;

  private final String node;
  private final DemoConsole console;
  private final SseReader sse;
  private final Map<String, CompletableFuture<String>> ends = new ConcurrentHashMap<>();
  private final Thread thread;
  private volatile boolean closed;
  private long lastDataAt = Long.MIN_VALUE;
  private int dataSkipped;

  private EventFeed(String node, DemoConsole console, SseReader sse) {
    this.node = node;
    this.console = console;
    this.sse = sse;
    this.thread = new Thread(this::read, "demo-events-" + node);
    this.thread.setDaemon(true);
  }

  /** Starts printing the events of the node behind {@code api} as {@code node}'s. */
  static EventFeed follow(String node, ApiClient api, DemoConsole console) {
    EventFeed feed =
        new EventFeed(node, console, api.events(Map.of("follow", "true"), Optional.empty()));
    feed.thread.start();
    return feed;
  }

  /** The header above the event lines. */
  static String header() {
    return String.format(Locale.ROOT, "%-12s  %-8s  %-26s  %s", "time", "node", "event", "message");
  }

  /** Completes with the status of {@code channel} once its last event arrived. */
  CompletableFuture<String> ended(String channel) {
    return ends.computeIfAbsent(channel, k -> new CompletableFuture<>());
  }

  private void read() {
    try {
      Optional<SseReader.Event> e;
      while (!closed && (e = sse.next()).isPresent()) {
        print(ApiClient.json().readTree(e.get().data()));
      }
    } catch (IOException | RuntimeException e) {
      if (!closed) {
        console.problem(node + ": the event stream broke: " + e.getMessage());
      }
    }
  }

  private void print(JsonNode e) {
    String code = e.path("code").asText();
    if (code.isEmpty()) {
      return;
    }
    String status = e.path("status").isTextual() ? e.get("status").asText() : "";
    long now = System.currentTimeMillis();
    if (DATA.contains(code) && now - lastDataAt < DATA_EVERY_MS) {
      dataSkipped++;
    } else {
      if (DATA.contains(code)) {
        lastDataAt = now;
      }
      String message = e.path("message").asText("");
      if (dataSkipped > 0 && DATA.contains(code)) {
        message = (message.isEmpty() ? "" : message + " ") + "(+" + dataSkipped + " like it)";
        dataSkipped = 0;
      }
      console.line(
          String.format(
              Locale.ROOT,
              "%-12s  %-8s  %-26s  %s",
              time(e.path("timestamp").asText()),
              node,
              code,
              status.isEmpty() ? message : (message + " -> " + status).strip()));
    }
    if (code.equals("CleanupComplete")) {
      ended(e.path("channel").asText()).complete(status);
    }
  }

  private static String time(String iso) {
    try {
      return TIME.format(Instant.parse(iso));
    } catch (RuntimeException e) {
      return iso;
    }
  }

  /** Stops following (waits a moment for the reading thread to end). */
  @Override
  public void close() {
    closed = true;
    try {
      sse.close();
      thread.join(Duration.ofSeconds(5).toMillis());
    } catch (IOException e) {
      // the stream is gone either way
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
