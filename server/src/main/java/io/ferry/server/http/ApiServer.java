package io.ferry.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.handleExceptions;
import static org.apache.pekko.http.javadsl.server.Directives.handleRejections;
import static org.apache.pekko.http.javadsl.server.Directives.optionalHeaderValueByName;

import com.typesafe.config.ConfigFactory;
import io.ferry.server.config.ApiAddress;
import io.ferry.server.config.Settings;
import io.ferry.server.metrics.MetricRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's HTTP server: binds the route table of {@link #endpoints} on the configured address
 * (127.0.0.1 by default), requires the bearer token on every endpoint but {@code /healthz}, writes
 * the bound address to {@code api.addr} in the home directory so CLI commands find the node, and
 * removes that file when it stops.
 */
public final class ApiServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

  private final ServerBinding binding;
  private final ApiAddress address;
  private final Optional<Path> addressFile;

  private ApiServer(ServerBinding binding, ApiAddress address, Optional<Path> addressFile) {
    this.binding = binding;
    this.address = address;
    this.addressFile = addressFile;
  }

  /**
   * The route table: every endpoint the API serves, in matching order.
   *
   * @param sseKeepAlive interval of keep-alive comments on {@code /v1/events}
   */
  public static List<Endpoint> endpoints(
      NodeBackend node, MetricRegistry metrics, Replies replies, Duration sseKeepAlive) {
    List<Endpoint> all = new ArrayList<>();
    all.addAll(new NodeEndpoints(node, metrics, replies).endpoints());
    all.addAll(new ChannelEndpoints(node, replies).endpoints());
    all.addAll(new EventStream(node, replies.json(), sseKeepAlive).endpoints());
    return List.copyOf(all);
  }

  /** The whole route: the table behind the token check, with JSON errors. */
  public static Route route(List<Endpoint> endpoints, ApiToken token, Replies replies) {
    Function<Endpoint, Function<Supplier<Route>, Route>> guard =
        e -> inner -> e.authenticated() ? authenticated(token, replies, inner) : inner.get();
    List<Route> routes = endpoints.stream().map(e -> e.route(guard)).toList();
    return handleExceptions(
        replies.exceptions(),
        () ->
            handleRejections(
                replies.rejections(),
                () ->
                    concat(routes.get(0), routes.subList(1, routes.size()).toArray(new Route[0]))));
  }

  private static Route authenticated(ApiToken token, Replies replies, Supplier<Route> inner) {
    return optionalHeaderValueByName(
        "Authorization",
        h -> {
          if (h.isEmpty()) {
            return replies.unauthorized(
                "missing 'Authorization: Bearer <token>' (the token is in the node's api.token)");
          }
          return token.accepts(h.get())
              ? inner.get()
              : replies.unauthorized("the bearer token does not match this node's api.token");
        });
  }

  /**
   * Binds the API.
   *
   * @param settings where to bind and where the address file goes
   * @param writeAddressFile whether to write {@code settings.addressFile()} (a node does; a test
   *     may not)
   */
  public static CompletionStage<ApiServer> start(
      ActorSystem<?> system,
      NodeBackend node,
      MetricRegistry metrics,
      Settings.Api settings,
      ApiToken token,
      boolean writeAddressFile) {
    Replies replies = new Replies();
    Route route = route(endpoints(node, metrics, replies, settings.sseKeepAlive()), token, replies);
    ServerSettings serverSettings =
        ServerSettings.create(
            ConfigFactory.parseMap(
                    Map.of(
                        "pekko.http.server.request-timeout",
                        settings.requestTimeout().toMillis() + "ms"))
                .withFallback(system.settings().config()));
    return Http.get(system)
        .newServerAt(settings.address().host(), settings.address().port())
        .withSettings(serverSettings)
        .bind(route)
        .thenApply(
            binding -> {
              InetSocketAddress bound = binding.localAddress();
              ApiAddress actual = new ApiAddress(settings.address().host(), bound.getPort());
              Optional<Path> file = Optional.empty();
              if (writeAddressFile) {
                file = Optional.of(settings.addressFile());
                writeAddress(settings.addressFile(), actual);
              }
              log.info("HTTP API listening on {}", actual.baseUrl());
              return new ApiServer(binding, actual, file);
            });
  }

  private static void writeAddress(Path file, ApiAddress address) {
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      ApiToken.writeOwnerOnly(file, address + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the API address to " + file, e);
    }
  }

  /** Where the API actually listens (the real port when 0 was asked for). */
  public ApiAddress address() {
    return address;
  }

  /** Unbinds, lets requests in flight finish for up to five seconds, removes the address file. */
  public CompletionStage<Void> stop() {
    return binding
        .terminate(Duration.ofSeconds(5))
        .thenRun(
            () ->
                addressFile.ifPresent(
                    f -> {
                      try {
                        Files.deleteIfExists(f);
                      } catch (IOException e) {
                        log.warn("could not remove {}: {}", f, e.getMessage());
                      }
                    }));
  }

  @Override
  public void close() {
    try {
      stop().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("stopping the HTTP API: {}", e.getMessage());
    }
  }
}
