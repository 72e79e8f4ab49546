package io.ferry.server.http;

/**
 * The channel journal (a cluster's PostgreSQL) is unreachable, so channels cannot be read: the API
 * answers 503 {@code journal-unavailable} at once, naming the problem, instead of letting the read
 * run into a timeout.
 */
public final class JournalUnavailableException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public JournalUnavailableException(String problem) {
    super(
        "the channel journal is unreachable ("
            + problem
            + "), so channels cannot be read until it is back; GET /readyz says when it is");
  }
}
