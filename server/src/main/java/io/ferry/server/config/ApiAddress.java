package io.ferry.server.config;

/**
 * A {@code host:port} the HTTP API binds to or is reached at. IPv6 hosts are written in brackets,
 * {@code [::1]:7771}; port 0 asks for a free port when binding.
 */
public record ApiAddress(String host, int port) {
  public ApiAddress {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("an API address needs a host");
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("API port must be 0-65535, was " + port);
    }
  }

  /** Parses {@code host:port} or {@code [v6-host]:port}. */
  public static ApiAddress parse(String text) {
    String t = text == null ? "" : text.trim();
    int colon = t.lastIndexOf(':');
    if (colon <= 0 || colon == t.length() - 1) {
      throw new IllegalArgumentException(
          "not an API address: '" + text + "' (expected host:port, e.g. 127.0.0.1:7771)");
    }
    String host = t.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException(
          "not an API address: '" + text + "' (write IPv6 hosts in brackets: [::1]:7771)");
    }
    int port;
    try {
      port = Integer.parseInt(t.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "not an API address: '"
              + text
              + "' (port '"
              + t.substring(colon + 1)
              + "' is not a number)");
    }
    return new ApiAddress(host, port);
  }

  /** The base URL of the API at this address, e.g. {@code http://127.0.0.1:7771}. */
  public String baseUrl() {
    return "http://" + this;
  }

  @Override
  public String toString() {
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
  }
}
