package io.ferry.server.http;

/**
 * The node started and serves, but its channel read model has not caught up with the journal yet (a
 * replay after a crash, or the tail since its checkpoint): a listing would miss the channels and
 * events it has not read, so the API answers 503 {@code catching-up}, saying how far it got,
 * instead of a partial list.
 */
public final class ChannelsCatchingUpException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ChannelsCatchingUpException(String progress) {
    super(
        "the node's list of channels is not complete yet ("
            + progress
            + "); try again in a moment (GET /readyz tells under detail.channels until it is)."
            + " One channel can be shown meanwhile");
  }
}
