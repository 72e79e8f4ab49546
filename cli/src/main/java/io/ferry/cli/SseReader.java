package io.ferry.cli;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Reads a {@code text/event-stream} (Server-Sent Events) body one event at a time, as the WHATWG
 * specification parses it: {@code id}, {@code event} and {@code data} fields, comments and
 * keep-alives skipped. Closing the reader closes the connection.
 */
public final class SseReader implements Closeable {
  /**
   * One event.
   *
   * @param id the event's {@code id} field (null when it had none)
   * @param type the {@code event} field, {@code message} by default
   * @param data the data lines joined with {@code \n}
   */
  public record Event(String id, String type, String data) {}

  private final InputStream body;
  private final BufferedReader in;

  public SseReader(InputStream body) {
    this.body = body;
    this.in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
  }

  /** The next event with data, or empty when the stream ended. */
  public Optional<Event> next() throws IOException {
    String id = null;
    String type = null;
    StringBuilder data = null;
    String line;
    while ((line = in.readLine()) != null) {
      if (line.isEmpty()) {
        if (data != null) {
          return Optional.of(new Event(id, type == null ? "message" : type, data.toString()));
        }
        id = null;
        type = null;
        continue;
      }
      if (line.startsWith(":")) {
        continue;
      }
      int colon = line.indexOf(':');
      String field = colon < 0 ? line : line.substring(0, colon);
      String value = colon < 0 ? "" : line.substring(colon + 1);
      if (value.startsWith(" ")) {
        value = value.substring(1);
      }
      switch (field) {
        case "id" -> id = value;
        case "event" -> type = value;
        case "data" -> {
          if (data == null) {
            data = new StringBuilder(value);
          } else {
            data.append('\n').append(value);
          }
        }
        default -> {}
      }
    }
    return Optional.empty();
  }

  /**
   * Closes the connection, also from another thread while {@link #next()} waits for a line: the
   * body is closed first, which ends that wait, because closing the reader itself would first wait
   * for the lock the blocked read holds (until the next keep-alive, or longer).
   */
  @Override
  public void close() throws IOException {
    try {
      body.close();
    } finally {
      in.close();
    }
  }
}
