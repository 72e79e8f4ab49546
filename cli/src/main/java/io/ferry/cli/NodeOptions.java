package io.ferry.cli;

import io.ferry.server.config.FerryConfig;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * The options every command that talks to a running node shares: where the node's home is (for its
 * token and address) and, optionally, where its API listens.
 */
public final class NodeOptions {
  @Option(
      names = "--home",
      paramLabel = "DIR",
      description = "The node's data directory (default: $FERRY_HOME, else ~/.ferry).")
  Path home;

  @Option(names = "--config", paramLabel = "FILE", description = "A HOCON configuration file.")
  Path config;

  @Option(
      names = "--api",
      paramLabel = "HOST:PORT",
      description = "The node's API address (default: $FERRY_API, else read from <home>/api.addr).")
  String api;

  /** The configuration these options (and the environment) describe. */
  FerryConfig config() {
    return FerryConfig.load(
        new FerryConfig.Flags(
            Optional.ofNullable(config),
            Optional.ofNullable(home),
            Optional.empty(),
            Optional.ofNullable(api)));
  }

  /** A client of the running node. */
  ApiClient client() {
    String env = System.getenv("FERRY_API");
    boolean given = api != null || (env != null && !env.isBlank());
    return ApiClient.forNode(config(), given);
  }
}
