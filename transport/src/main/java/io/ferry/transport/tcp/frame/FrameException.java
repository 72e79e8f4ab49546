package io.ferry.transport.tcp.frame;

/**
 * A peer sent something that is not a valid frame: malformed, oversized, out of order. The message
 * says what was wrong; the connection that carried it is closed.
 */
public final class FrameException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public FrameException(String message) {
    super(message);
  }

  public FrameException(String message, Throwable cause) {
    super(message, cause);
  }
}
