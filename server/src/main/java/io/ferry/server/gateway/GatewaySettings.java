package io.ferry.server.gateway;

import com.typesafe.config.Config;
import io.ferry.server.config.ApiAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The {@code ferry.gateway} settings.
 *
 * @param listen where to serve; empty for no gateway
 * @param addressFile where a running node writes the bound {@code host:port}
 * @param maxConcurrentResponses responses being sent at once before answering 503
 * @param requestsPerSecond sustained requests per client address; 0 for no limit
 * @param burst requests a client may make at once before the rate applies
 * @param announce multiaddrs given by delegated routing; empty to derive them from the bound
 *     address
 */
public record GatewaySettings(
    Optional<ApiAddress> listen,
    Path addressFile,
    int maxConcurrentResponses,
    double requestsPerSecond,
    int burst,
    List<String> announce) {
  public GatewaySettings {
    if (maxConcurrentResponses < 1) {
      throw new IllegalArgumentException(
          "ferry.gateway.max-concurrent-responses must be at least 1, was "
              + maxConcurrentResponses);
    }
    if (requestsPerSecond < 0 || burst < 0) {
      throw new IllegalArgumentException(
          "ferry.gateway.requests-per-second and burst cannot be negative");
    }
    announce = List.copyOf(announce);
  }

  /**
   * Reads {@code ferry.gateway} from a node's merged configuration.
   *
   * @param home the node's home, against which a relative address file is resolved
   * @throws IllegalArgumentException naming the key that is wrong
   */
  public static GatewaySettings from(Config config, Path home) {
    Config g = config.getConfig("ferry.gateway");
    String listen = g.getString("listen").strip();
    Optional<ApiAddress> address;
    try {
      address = listen.isEmpty() ? Optional.empty() : Optional.of(ApiAddress.parse(listen));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("ferry.gateway.listen: " + e.getMessage(), e);
    }
    return new GatewaySettings(
        address,
        home.resolve(g.getString("address-file")),
        g.getInt("max-concurrent-responses"),
        g.getDouble("requests-per-second"),
        g.getInt("burst"),
        g.getStringList("announce"));
  }

  /** Whether a gateway is to be served. */
  public boolean enabled() {
    return listen.isPresent();
  }
}
