package io.ferry.server.gateway;

/** A request the gateway refuses, with the HTTP status and a message in the client's terms. */
final class GatewayError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

  GatewayError(int status, String message) {
    super(message);
    this.status = status;
  }

  int status() {
    return status;
  }
}
