package io.ferry.server.http;

import io.ferry.server.config.ApiAddress;
import io.ferry.server.config.Settings;
import io.ferry.server.metrics.MetricRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * Starts the real {@link ApiServer} on a free loopback port over {@code node}, with its files in
 * {@code home}, as the API tests need it: one place for the server's settings.
 */
final class LoopbackApi {
  private LoopbackApi() {}

  /** The started server; {@code keepAlive} is how often an idle event stream gets a comment. */
  static ApiServer start(
      ActorSystem<?> system,
      NodeBackend node,
      Path home,
      ApiToken token,
      Duration requestTimeout,
      Duration keepAlive)
      throws Exception {
    return ApiServer.start(
            system,
            node,
            new MetricRegistry(),
            new Settings.Api(
                new ApiAddress("127.0.0.1", 0),
                home.resolve("api.token"),
                home.resolve("api.addr"),
                requestTimeout,
                keepAlive),
            token,
            false)
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }
}
