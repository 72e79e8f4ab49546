package io.ferry.server.gateway;

import com.typesafe.config.ConfigFactory;
import io.ferry.ipld.store.BlockStore;
import io.ferry.server.config.ApiAddress;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.model.AttributeKeys;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.settings.ServerSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's own HTTP listener: read-only, no token, apart from the control API. Sends {@code
 * /ipfs/...} to {@link TrustlessHandler} and {@code /routing/v1/providers/...} to {@link
 * ProviderRecords}, after {@link ClientLimits} admitted the request; writes the bound address to
 * the address file and removes it on {@link #close()}.
 */
public final class GatewayServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GatewayServer.class);
  private static final String BLOCKING_DISPATCHER = "pekko.actor.default-blocking-io-dispatcher";

  private final ServerBinding binding;
  private final ApiAddress address;
  private final Path addressFile;

  private GatewayServer(ServerBinding binding, ApiAddress address, Path addressFile) {
    this.binding = binding;
    this.address = address;
    this.addressFile = addressFile;
  }

  /**
   * Binds the gateway.
   *
   * @param peerId this node's peer ID, for provider records
   */
  public static CompletionStage<GatewayServer> start(
      ActorSystem<?> system, BlockStore store, String peerId, GatewaySettings settings) {
    ApiAddress listen =
        settings
            .listen()
            .orElseThrow(() -> new IllegalArgumentException("ferry.gateway.listen is not set"));
    Executor blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    AtomicReference<List<String>> announced = new AtomicReference<>(settings.announce());
    TrustlessHandler trustless = new TrustlessHandler(store, blocking, BLOCKING_DISPATCHER);
    ProviderRecords providers = new ProviderRecords(store, peerId, announced::get, blocking);
    ClientLimits limits =
        new ClientLimits(
            settings.requestsPerSecond(),
            settings.burst(),
            settings.maxConcurrentResponses(),
            System::nanoTime);
    org.apache.pekko.japi.function.Function<HttpRequest, CompletionStage<HttpResponse>> handler =
        request -> route(request, trustless, providers, limits);
    ServerSettings serverSettings =
        ServerSettings.create(
            ConfigFactory.parseMap(
                    Map.of(
                        "pekko.http.server.remote-address-attribute", "on",
                        "pekko.http.server.transparent-head-requests", "off",
                        "pekko.http.server.server-header", "ferry-gateway"))
                .withFallback(system.settings().config()));
    return Http.get(system)
        .newServerAt(listen.host(), listen.port())
        .withSettings(serverSettings)
        .bind(handler)
        .thenApply(
            binding -> {
              InetSocketAddress bound = binding.localAddress();
              ApiAddress actual = new ApiAddress(listen.host(), bound.getPort());
              if (settings.announce().isEmpty()) {
                announced.set(List.of(multiaddr(actual)));
              }
              try {
                Files.createDirectories(settings.addressFile().toAbsolutePath().getParent());
                Files.writeString(settings.addressFile(), actual + "\n");
              } catch (IOException e) {
                binding.unbind();
                throw new java.io.UncheckedIOException(
                    "cannot write the gateway address to " + settings.addressFile(), e);
              }
              log.info("IPFS trustless gateway listening on {}", actual.baseUrl());
              return new GatewayServer(binding, actual, settings.addressFile());
            });
  }

  private static CompletionStage<HttpResponse> route(
      HttpRequest request,
      TrustlessHandler trustless,
      ProviderRecords providers,
      ClientLimits limits) {
    List<String> segments = new ArrayList<>();
    request.getUri().pathSegments().forEach(segments::add);
    segments.removeIf(String::isEmpty);
    if (!request.method().equals(HttpMethods.GET) && !request.method().equals(HttpMethods.HEAD)) {
      return done(
          TrustlessResponses.error(405, "this gateway is read-only: GET and HEAD only")
              .addHeader(RawHeader.create("Allow", "GET, HEAD")));
    }
    boolean ipfs = segments.size() >= 2 && segments.get(0).equals("ipfs");
    boolean routing =
        segments.size() == 4
            && segments.get(0).equals("routing")
            && segments.get(1).equals("v1")
            && segments.get(2).equals("providers");
    if (!ipfs && !routing) {
      if (!segments.isEmpty() && segments.get(0).equals("ipns")) {
        return done(TrustlessResponses.error(501, "this gateway serves /ipfs/ paths, not IPNS"));
      }
      return done(
          TrustlessResponses.error(
              404,
              "not found: this gateway serves /ipfs/{cid}[/path] and /routing/v1/providers/{cid}"));
    }
    ClientLimits.Admission admission = limits.admit(client(request));
    if (admission instanceof ClientLimits.Refused refused) {
      return done(
          TrustlessResponses.error(refused.status(), refused.message())
              .addHeader(
                  RawHeader.create("Retry-After", String.valueOf(refused.retryAfterSeconds()))));
    }
    ClientLimits.Permit permit = ((ClientLimits.Admitted) admission).permit();
    if (routing) {
      return providers.handle(request, segments.get(3)).whenComplete((r, e) -> permit.close());
    }
    return trustless.handle(request, segments.subList(1, segments.size()), permit);
  }

  private static String client(HttpRequest request) {
    return request
        .getAttribute(AttributeKeys.remoteAddress)
        .flatMap(r -> r.getAddress())
        .map(InetAddress::getHostAddress)
        .orElse("unknown");
  }

  private static CompletionStage<HttpResponse> done(HttpResponse response) {
    return CompletableFuture.completedFuture(response);
  }

  /** The multiaddr of an HTTP address, a wildcard host given as loopback. */
  static String multiaddr(ApiAddress address) {
    String host = address.host();
    if (host.equals("0.0.0.0")) {
      host = "127.0.0.1";
    } else if (host.equals("::")) {
      host = "::1";
    }
    String proto = host.contains(":") ? "ip6" : host.matches("[0-9.]+") ? "ip4" : "dns";
    return "/" + proto + "/" + host + "/tcp/" + address.port() + "/http";
  }

  /** Where the gateway actually listens. */
  public ApiAddress address() {
    return address;
  }

  /** Unbinds, lets responses in flight finish for up to five seconds, removes the address file. */
  @Override
  public void close() {
    try {
      binding.terminate(Duration.ofSeconds(5)).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      log.warn("stopping the gateway: {}", e.toString());
    }
    try {
      Files.deleteIfExists(addressFile);
    } catch (IOException e) {
      log.warn("could not remove {}: {}", addressFile, e.getMessage());
    }
  }
}
