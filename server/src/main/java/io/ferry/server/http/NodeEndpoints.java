package io.ferry.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;

import io.ferry.ipld.Cid;
import io.ferry.server.metrics.MetricRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The node as a whole: identity, peers, the local block store (import and export on the node's
 * machine), metrics, health, readiness and the OpenAPI document.
 */
final class NodeEndpoints {
  /** Where the hand-written OpenAPI document lives on the classpath. */
  static final String OPENAPI_RESOURCE = "/io/ferry/server/http/openapi.json";

  private static final ContentType PROMETHEUS =
      ContentTypes.parse("text/plain; version=0.0.4; charset=utf-8");

  private final NodeBackend node;
  private final MetricRegistry metrics;
  private final Replies replies;
  private final byte[] openApi;

  NodeEndpoints(NodeBackend node, MetricRegistry metrics, Replies replies) {
    this.node = node;
    this.metrics = metrics;
    this.replies = replies;
    this.openApi = readOpenApi();
  }

  List<Endpoint> endpoints() {
    return List.of(
        new Endpoint(HttpMethods.GET, "/healthz", false, p -> replies.ok(Map.of("status", "up"))),
        new Endpoint(HttpMethods.GET, "/readyz", true, p -> ready()),
        new Endpoint(HttpMethods.GET, "/metrics", true, p -> metrics()),
        new Endpoint(HttpMethods.GET, "/v1/openapi.json", true, p -> openApi()),
        new Endpoint(HttpMethods.GET, "/v1/id", true, p -> id()),
        new Endpoint(HttpMethods.GET, "/v1/peers", true, p -> peers()),
        new Endpoint(HttpMethods.GET, "/v1/cluster", true, p -> cluster()),
        new Endpoint(HttpMethods.GET, "/v1/payments", true, p -> payments()),
        new Endpoint(HttpMethods.POST, "/v1/blocks/import", true, p -> importFile()),
        new Endpoint(HttpMethods.POST, "/v1/export", true, p -> export()),
        new Endpoint(HttpMethods.POST, "/v1/fetch", true, p -> fetch()));
  }

  private Route ready() {
    NodeBackend.Readiness r = node.readiness();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("ready", r.ready());
    body.put("parts", r.parts());
    body.put("detail", r.detail());
    return replies.status(r.ready() ? StatusCodes.OK : StatusCodes.SERVICE_UNAVAILABLE, body);
  }

  private Route metrics() {
    return complete(
        HttpResponse.create()
            .withEntity(
                HttpEntities.create(
                    PROMETHEUS, metrics.scrape().getBytes(StandardCharsets.UTF_8))));
  }

  private Route openApi() {
    return complete(
        HttpResponse.create()
            .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, openApi)));
  }

  private Route id() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("peerId", node.peerId().toString());
    body.put("addresses", node.listenAddresses());
    return replies.ok(body);
  }

  private Route peers() {
    return onSuccess(
        node.peers(),
        peers ->
            replies.ok(
                peers.stream()
                    .map(
                        p ->
                            Map.of(
                                "peerId", p.peerId().toString(),
                                "addresses", p.addresses(),
                                "connected", p.connected(),
                                "channels", p.channels()))
                    .toList()));
  }

  private Route cluster() {
    return onSuccess(
        node.cluster(),
        view ->
            view.map(replies::ok)
                .orElseGet(
                    () ->
                        replies.status(
                            StatusCodes.NOT_FOUND,
                            Map.of(
                                "error",
                                "not-clustered",
                                "message",
                                "this node has no cluster view"))));
  }

  private Route payments() {
    Map<String, Object> body = new LinkedHashMap<>();
    Optional<PaymentsView.Budget> budget = node.paymentBudget();
    body.put("enabled", budget.isPresent());
    body.put("budget", budget.orElse(null));
    return replies.ok(body);
  }

  private Route importFile() {
    return entity(
        replies.body(ApiRequests.Import.class),
        req -> {
          Path path = localPath(req.path(), "path");
          boolean car = isCar(req.format());
          return onSuccess(
              node.importFile(
                  path,
                  car,
                  Optional.ofNullable(req.profile()).filter(x -> !x.isBlank()),
                  Boolean.TRUE.equals(req.hidden())),
              r ->
                  replies.ok(
                      Map.of(
                          "root", r.root().toString(), "blocks", r.blocks(), "bytes", r.bytes())));
        });
  }

  /**
   * {@code {"url": GATEWAY, "root": CID, "selector": "all"|"block"}}: a trustless-gateway fetch.
   */
  private Route fetch() {
    return entity(
        replies.body(com.fasterxml.jackson.databind.JsonNode.class),
        req -> {
          String url = ChannelEndpoints.required(req.path("url").textValue(), "url");
          Cid root =
              ChannelEndpoints.parseCid(
                  ChannelEndpoints.required(req.path("root").textValue(), "root"));
          var scope =
              io.ferry.server.fetch.GatewayFetch.Scope.parse(req.path("selector").asText("all"));
          return onSuccess(node.fetch(java.net.URI.create(url), root, scope), p -> replies.ok(p));
        });
  }

  private Route export() {
    return entity(
        replies.body(ApiRequests.Export.class),
        req -> {
          // root may be CID/a/b: a UnixFS path below the CID (plain or HAMT directories).
          String[] rootAndPath = ChannelEndpoints.required(req.root(), "root").split("/", 2);
          Cid root = ChannelEndpoints.parseCid(rootAndPath[0]);
          Path out = localPath(req.path(), "path");
          boolean car = isCar(req.format());
          var target =
              rootAndPath.length == 1
                  ? java.util.concurrent.CompletableFuture.completedFuture(root)
                  : node.resolve(root, rootAndPath[1]);
          return onSuccess(
              target.thenCompose(
                  cid ->
                      node.export(cid, ChannelEndpoints.parseSelector(req.selector()), out, car)),
              r ->
                  replies.ok(
                      Map.of(
                          "path", r.path().toString(), "blocks", r.blocks(), "bytes", r.bytes())));
        });
  }

  private static Path localPath(String text, String field) {
    Path p = Path.of(ChannelEndpoints.required(text, field));
    if (!p.isAbsolute()) {
      throw new IllegalArgumentException(
          "'" + field + "' must be an absolute path on the node's machine, was '" + text + "'");
    }
    return p;
  }

  private static boolean isCar(String format) {
    if (format == null || format.isBlank() || format.equals("file")) {
      return false;
    }
    if (format.equals("car")) {
      return true;
    }
    throw new IllegalArgumentException("format must be 'file' or 'car', was '" + format + "'");
  }

  private static byte[] readOpenApi() {
    try (InputStream in = NodeEndpoints.class.getResourceAsStream(OPENAPI_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + OPENAPI_RESOURCE);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
