package io.ferry.server.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.car.CarWriter;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A hostile or broken gateway (a JDK HTTP server on 127.0.0.1 answering with hand-made CARs): what
 * it sends that is not part of the DAG, or does not match its CID, is never stored. The real
 * gateways are in the interop tests (GatewayFetchInteropTest).
 */
class GatewayFetchTest {
  private final MemoryBlockStore source = new MemoryBlockStore();
  private final MemoryBlockStore target = new MemoryBlockStore();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
    source.close();
    target.close();
  }

  private Cid threeMebibytes() throws IOException {
    byte[] data = new byte[3 << 20];
    new Random(1).nextBytes(data);
    return new UnixFsImporter(UnixFsProfile.V1_2025, source::put)
        .importFile(new ByteArrayInputStream(data))
        .root();
  }

  /** Serves a CAR of {@code blocks(requested)} for every CAR request, 404 for raw ones. */
  private URI gateway(Function<Cid, List<Block>> blocks) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/ipfs/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          Cid cid = Cid.parse(path.substring("/ipfs/".length()));
          if (!exchange.getRequestURI().getQuery().contains("format=car")) {
            exchange.sendResponseHeaders(404, -1);
            exchange.close();
            return;
          }
          ByteArrayOutputStream car = new ByteArrayOutputStream();
          try (CarWriter w = new CarWriter(car, List.of(cid))) {
            for (Block b : blocks.apply(cid)) {
              w.write(b);
            }
          }
          exchange.getResponseHeaders().add("Content-Type", "application/vnd.ipld.car");
          exchange.sendResponseHeaders(200, car.size());
          exchange.getResponseBody().write(car.toByteArray());
          exchange.close();
        });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private GatewayFetch.Progress fetch(URI url, Cid root) throws Exception {
    return new GatewayFetch(target, url, Duration.ofSeconds(30))
        .fetch(root, GatewayFetch.Scope.ALL, p -> {});
  }

  @Test
  void aWholeDagFromAGatewayIsStoredInOneRequest() throws Exception {
    Cid root = threeMebibytes();
    URI url =
        gateway(
            cid ->
                io.ferry.ipld.traversal.Traversal.walk(
                        source, cid, io.ferry.ipld.selector.Selectors.all())
                    .toList());

    GatewayFetch.Progress p = fetch(url, root);

    assertThat(p.blocksFetched()).isEqualTo(source.count());
    assertThat(p.carRequests()).isEqualTo(1);
    assertThat(target.count()).isEqualTo(source.count());
  }

  @Test
  void aBlockNoVerifiedBlockLinksToIsNeverStoredAndEndsThatAnswer() throws Exception {
    Cid root = threeMebibytes();
    Block stranger = Block.of(Multicodec.RAW, "not in this DAG".getBytes(StandardCharsets.UTF_8));
    // Each answer: the requested block, then one that is no part of the DAG.
    URI url = gateway(cid -> List.of(source.get(cid).orElseThrow(), stranger));

    GatewayFetch.Progress p = fetch(url, root);

    assertThat(target.has(stranger.cid())).isFalse();
    assertThat(target.count()).isEqualTo(source.count());
    assertThat(p.carRequests()).as("one answer per block, each cut at the stranger").isEqualTo(4);
  }

  @Test
  void aBlockWhoseBytesDoNotMatchItsCidIsNeverStored() throws Exception {
    Cid root = threeMebibytes();
    Block forged = Block.trusted(root, "forged".getBytes(StandardCharsets.UTF_8));
    URI url = gateway(cid -> List.of(forged));

    assertThatThrownBy(() -> fetch(url, root))
        .hasMessageContaining("did not deliver block " + root);

    assertThat(target.count()).isZero();
  }
}
