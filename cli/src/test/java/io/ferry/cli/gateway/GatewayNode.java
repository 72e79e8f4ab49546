package io.ferry.cli.gateway;

import io.ferry.cli.demo.ChildNode;
import io.ferry.ipld.store.BlockStore;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * A real node ({@code ferry node run} in its own JVM) serving the gateway on a free loopback port,
 * its block store filled before it starts; and an HTTP client for it.
 */
final class GatewayNode implements AutoCloseable {
  private final ChildNode child;
  private final String base;
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10))
          .build();

  private GatewayNode(ChildNode child, String base) {
    this.child = child;
    this.base = base;
  }

  /**
   * Starts a node on {@code home} after {@code fill} put blocks into its store.
   *
   * @param extraConfig HOCON lines added under {@code ferry.gateway}
   */
  static GatewayNode start(Path home, Consumer<BlockStore> fill, String extraConfig)
      throws Exception {
    Files.createDirectories(home);
    try (LevelDbBlockStore store = LevelDbBlockStore.open(home.resolve("blocks"))) {
      fill.accept(store);
    }
    Path config = home.resolve("node.conf");
    Files.writeString(
        config, "ferry.gateway {\n  listen = \"127.0.0.1:0\"\n" + extraConfig + "\n}\n");
    ChildNode child =
        new ChildNode(
            "gateway node",
            home,
            config,
            "/ip4/127.0.0.1/tcp/0",
            List.of("-Xmx384m", "-XX:+UseSerialGC"));
    child.start();
    try {
      // The node binds its gateway before its API, so api.addr means the gateway serves.
      child.awaitApi(Duration.ofSeconds(120));
      String address = Files.readString(home.resolve("gateway.addr")).strip();
      return new GatewayNode(child, "http://" + address);
    } catch (Exception | Error e) {
      child.close();
      throw e;
    }
  }

  String base() {
    return base;
  }

  ChildNode child() {
    return child;
  }

  /** GET (or another method) of {@code pathAndQuery} with header name/value pairs. */
  HttpResponse<byte[]> send(String method, String pathAndQuery, String... headers)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + pathAndQuery))
            .timeout(Duration.ofSeconds(60))
            .method(method, HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  HttpResponse<byte[]> get(String pathAndQuery, String... headers) throws Exception {
    return send("GET", pathAndQuery, headers);
  }

  @Override
  public void close() throws InterruptedException {
    child.close();
  }
}
