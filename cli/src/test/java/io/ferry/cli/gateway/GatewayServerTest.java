package io.ferry.cli.gateway;

import static io.ferry.cli.gateway.GatewayConformanceTest.blocks;
import static io.ferry.cli.gateway.GatewayConformanceTest.contentType;
import static io.ferry.cli.gateway.GatewayConformanceTest.header;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.car.CarReader;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.ipld.unixfs.UnixFsExporter;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a real node's gateway answers beyond the conformance cases: the bafkqaaa probe, HEAD, the
 * status codes of refused requests, conditional requests, a 20 MiB file as a verified CAR, and
 * delegated routing.
 */
class GatewayServerTest {
  private static final String PROBE = "bafkqaaa";
  private static final byte[] FILE = new byte[20 << 20];

  @TempDir static Path home;
  private static GatewayNode node;
  private static Fixture fixture;
  private static Cid file;

  @BeforeAll
  static void startNode() throws Exception {
    new Random(18).nextBytes(FILE);
    fixture = Fixture.load("subdir-with-mixed-block-files.car");
    node =
        GatewayNode.start(
            home,
            store -> {
              fixture.storeInto(store);
              try {
                ImportResult r =
                    new UnixFsImporter(UnixFsProfile.DEFAULT, store::put)
                        .importFile(new ByteArrayInputStream(FILE));
                file = r.root();
              } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "requests-per-second = 0");
  }

  @AfterAll
  static void stopNode() throws InterruptedException {
    if (node != null) {
      node.close();
    }
  }

  @Test
  void theProbeAnswersAnEmptyRawBlockAndACarNamingItAsRoot() throws Exception {
    HttpResponse<byte[]> raw = node.get("/ipfs/" + PROBE + "?format=raw");
    HttpResponse<byte[]> head = node.send("HEAD", "/ipfs/" + PROBE + "?format=raw");
    HttpResponse<byte[]> car = node.get("/ipfs/" + PROBE + "?format=car");

    assertThat(raw.statusCode()).isEqualTo(200);
    assertThat(raw.body()).isEmpty();
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(car.statusCode()).isEqualTo(200);
    try (CarReader r = CarReader.open(new ByteArrayInputStream(car.body()))) {
      assertThat(r.roots()).containsExactly(Cid.parse(PROBE));
      assertThat(r.next()).isEmpty();
    }
  }

  @Test
  void aTwentyMebibyteFileComesAsAVerifiedCarThatExportsByteForByte() throws Exception {
    HttpResponse<byte[]> r = node.get("/ipfs/" + file + "?format=car");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "Content-Length")).isEmpty(); // streamed, not buffered
    MemoryBlockStore copy = new MemoryBlockStore();
    try (CarReader car = CarReader.open(new ByteArrayInputStream(r.body()))) {
      for (Optional<Block> b = car.next(); b.isPresent(); b = car.next()) {
        copy.put(b.get());
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    new UnixFsExporter(copy).exportFile(file, out);
    assertThat(out.toByteArray()).isEqualTo(FILE);
  }

  @Test
  void entityBytesOfTheLargeFileSendOnlyTheLeavesOfThatRange() throws Exception {
    HttpResponse<byte[]> all = node.get("/ipfs/" + file + "?format=car&dag-scope=entity");
    HttpResponse<byte[]> part =
        node.get("/ipfs/" + file + "?format=car&dag-scope=entity&entity-bytes=10485760:10485761");

    assertThat(blocks(all).size()).isGreaterThan(20);
    // the root, and the one leaf (with the inner node above it, if any) holding byte 10 MiB
    assertThat(blocks(part).size()).isBetween(2, 3);
    assertThat(blocks(part).get(0)).isEqualTo(file.toString());
  }

  @Test
  void headOfACarAnswersItsHeadersWithoutABody() throws Exception {
    HttpResponse<byte[]> r = node.send("HEAD", "/ipfs/" + file + "?format=car");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).startsWith("application/vnd.ipld.car; version=1");
    assertThat(header(r, "Etag")).isPresent();
    assertThat(r.body()).isEmpty();
  }

  @Test
  void aRootTheNodeDoesNotHoldIs404AndWithOnlyIfCached412() throws Exception {
    String absent = Cid.sha256(0x55, new byte[] {1, 2, 3}).toString();

    assertThat(node.get("/ipfs/" + absent + "?format=raw").statusCode()).isEqualTo(404);
    assertThat(node.get("/ipfs/" + absent + "?format=car").statusCode()).isEqualTo(404);
    assertThat(node.send("HEAD", "/ipfs/" + absent + "?format=car").statusCode()).isEqualTo(404);
    assertThat(
            node.get("/ipfs/" + absent + "?format=raw", "Cache-Control", "only-if-cached")
                .statusCode())
        .isEqualTo(412);
    assertThat(
            node.get("/ipfs/" + file + "?format=raw", "Cache-Control", "only-if-cached")
                .statusCode())
        .isEqualTo(200);
  }

  @Test
  void badRequestsAreRefusedWithTheReasonInTheBody() throws Exception {
    String f = "/ipfs/" + file;
    HttpResponse<byte[]> noFormat = node.get(f);
    HttpResponse<byte[]> html = node.get(f, "Accept", "text/html");
    HttpResponse<byte[]> scope = node.get(f + "?format=car&dag-scope=some");
    HttpResponse<byte[]> bytes = node.get(f + "?format=car&entity-bytes=a:b");
    HttpResponse<byte[]> outside = node.get(f + "?format=car&entity-bytes=999999999:*");
    HttpResponse<byte[]> car2 = node.get(f, "Accept", "application/vnd.ipld.car; version=2");
    HttpResponse<byte[]> cid = node.get("/ipfs/not-a-cid?format=raw");
    HttpResponse<byte[]> post = node.send("POST", f + "?format=raw");

    assertThat(noFormat.statusCode()).isEqualTo(400);
    assertThat(new String(noFormat.body())).contains("format=raw", "format=car");
    assertThat(html.statusCode()).isEqualTo(406);
    assertThat(scope.statusCode()).isEqualTo(400);
    assertThat(new String(scope.body())).contains("dag-scope must be block, entity or all");
    assertThat(bytes.statusCode()).isEqualTo(400);
    assertThat(outside.statusCode()).isEqualTo(400);
    assertThat(new String(outside.body())).contains("selects no byte", FILE.length + " bytes");
    assertThat(car2.statusCode()).isEqualTo(406);
    assertThat(cid.statusCode()).isEqualTo(400);
    assertThat(post.statusCode()).isEqualTo(405);
  }

  @Test
  void aMatchingIfNoneMatchIsAnsweredNotModified() throws Exception {
    String path = "/ipfs/" + fixture.root() + "/subdir?format=car&dag-scope=entity";
    String etag = header(node.get(path), "Etag").orElseThrow();

    assertThat(node.get(path, "If-None-Match", etag).statusCode()).isEqualTo(304);
    assertThat(node.get(path + "&dups=y", "If-None-Match", "\"other\"").statusCode())
        .isEqualTo(200);
  }

  @Test
  void delegatedRoutingNamesThisNodeAsAGatewayProviderOfWhatItHolds() throws Exception {
    String peerAddress = node.child().peerAddress();
    String peerId = peerAddress.substring(peerAddress.lastIndexOf("/p2p/") + 5);
    String port = node.base().substring(node.base().lastIndexOf(':') + 1);

    HttpResponse<byte[]> json = node.get("/routing/v1/providers/" + file);
    HttpResponse<byte[]> ndjson =
        node.get("/routing/v1/providers/" + file, "Accept", "application/x-ndjson");
    HttpResponse<byte[]> absent =
        node.get("/routing/v1/providers/" + Cid.sha256(0x55, new byte[] {9}));

    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(contentType(json)).startsWith("application/json");
    JsonNode provider = new ObjectMapper().readTree(json.body()).get("Providers").get(0);
    assertThat(provider.get("Schema").asText()).isEqualTo("peer");
    assertThat(provider.get("ID").asText()).isEqualTo(peerId);
    assertThat(provider.get("Addrs").get(0).asText())
        .isEqualTo("/ip4/127.0.0.1/tcp/" + port + "/http");
    assertThat(provider.get("Protocols").get(0).asText()).isEqualTo("transport-ipfs-gateway-http");
    assertThat(ndjson.statusCode()).isEqualTo(200);
    assertThat(contentType(ndjson)).startsWith("application/x-ndjson");
    List<String> lines = new String(ndjson.body()).lines().toList();
    assertThat(lines).hasSize(1);
    assertThat(new ObjectMapper().readTree(lines.get(0)).get("ID").asText()).isEqualTo(peerId);
    assertThat(absent.statusCode()).isEqualTo(404);
  }
}
