package io.ferry.cli;

/** The node answered with an error, or could not be reached; the message says which and why. */
public final class ApiException extends RuntimeException {
  private final int status;
  private final String error;

  public ApiException(int status, String error, String detail) {
    super(detail);
    this.status = status;
    this.error = error;
  }

  /** The HTTP status, or 0 when the node could not be reached. */
  public int status() {
    return status;
  }

  /** The API's error word ({@code not-found}, {@code bad-request} ...), or {@code unreachable}. */
  public String error() {
    return error;
  }
}
