package io.ferry.cli.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.ipld.Block;
import io.ferry.ipld.car.CarReader;
import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The trustless CAR and raw cases of ipfs/gateway-conformance (tests/trustless_gateway_car_test.go
 * and tests/trustless_gateway_raw_test.go at 22c76440), against a real node's gateway over HTTP.
 * Each case keeps its original name. The CAR cases the original runs through {@code
 * StandardCARTestTransforms} are checked twice here too, once with {@code ?format=car} and once
 * with {@code Accept: application/vnd.ipld.car}, with the standard CAR response headers. Block
 * lists are built from the fixtures the way the Go tooling builds them (see {@link Fixture}).
 */
class GatewayConformanceTest {
  private static final String MULTIBLOCK = "multiblock.txt";
  private static final List<String> MULTIBLOCK_CIDS =
      List.of(
          "bafkreie5noke3mb7hqxukzcy73nl23k6lxszxi5w3dtmuwz62wnvkpsscm",
          "bafkreih4ephajybraj6wnxsbwjwa77fukurtpl7oj7t7pfq545duhot7cq",
          "bafkreigu7buvm3cfunb35766dn7tmqyh2um62zcio63en2btvxuybgcpue",
          "bafkreicll3huefkc3qnrzeony7zcfo7cr3nbx64hnxrqzsixpceg332fhe",
          "bafkreifst3pqztuvj57lycamoi7z34b4emf7gawxs74nwrc2c7jncmpaqm");

  @TempDir static Path home;
  private static GatewayNode node;
  private static Fixture twoFiles;
  private static Fixture hamt;
  private static Fixture cborLinks;
  private static Fixture mixed;
  private static Fixture missing;
  private static Fixture duplicates;
  private static Fixture rawBlock;

  @BeforeAll
  static void startNode() throws Exception {
    twoFiles = Fixture.load("subdir-with-two-single-block-files.car");
    hamt = Fixture.load("single-layer-hamt-with-multi-block-files.car");
    cborLinks = Fixture.load("dir-with-dag-cbor-with-links.car");
    mixed = Fixture.load("subdir-with-mixed-block-files.car");
    missing = Fixture.load("file-3k-and-3-blocks-missing-block.car");
    duplicates = Fixture.load("dir-with-duplicate-files.car");
    rawBlock = Fixture.load("gateway-raw-block.car");
    List<Fixture> all = List.of(twoFiles, hamt, cborLinks, mixed, missing, duplicates, rawBlock);
    node =
        GatewayNode.start(
            home, store -> all.forEach(f -> f.storeInto(store)), "requests-per-second = 0");
  }

  @AfterAll
  static void stopNode() throws InterruptedException {
    if (node != null) {
      node.close();
    }
  }

  // ---- TestTrustlessCarPathing ----

  @Test
  void getDefaultCarResponseWithPathingThroughUnixFsDirectory() throws Exception {
    carCase(
        "/ipfs/" + twoFiles.root() + "/subdir/ascii.txt",
        Map.of(),
        flat(twoFiles.cid(), twoFiles.cid("subdir"), twoFiles.cid("subdir", "ascii.txt")));
  }

  @Test
  void getDefaultCarResponseOfUnixFsFileOnAPathWithHamtShardedDirectory() throws Exception {
    carCase(
        "/ipfs/" + hamt.root() + "/685.txt",
        Map.of(),
        flat(
            hamt.cid(),
            hamt.hamtTraversal("685.txt"),
            hamt.cid("685.txt"),
            hamt.descendants("685.txt")));
  }

  @Test
  void getDefaultCarResponseOfUnixFsFileOnAPathWithDagCborAsRootCid() throws Exception {
    String document = cborLinks.cid("document");
    carCase(
        "/ipfs/" + document + "/files/single",
        Map.of(),
        flat(document, "bafkreifjjcie6lypi6ny7amxnfftagclbuxndqonfipmb64f2km2devei4"));
  }

  @Test
  void getDefaultCarResponseForNonExistingFileIs404() throws Exception {
    for (Variant v : Variant.values()) {
      HttpResponse<byte[]> r =
          v.send("/ipfs/" + twoFiles.root() + "/subdir/i-do-not-exist", Map.of());
      assertThat(r.statusCode()).as(v.name()).isEqualTo(404);
    }
  }

  // ---- TestTrustlessCarDagScopeBlock ----

  @Test
  void getCarWithDagScopeBlockOfUnixFsDirectoryOnAPath() throws Exception {
    carCase(
        "/ipfs/" + twoFiles.root() + "/subdir",
        Map.of("dag-scope", "block"),
        flat(twoFiles.cid(), twoFiles.cid("subdir")));
  }

  @Test
  void getCarWithDagScopeBlockOfUnixFsFileOnAPath() throws Exception {
    carCase(
        "/ipfs/" + twoFiles.root() + "/subdir/ascii.txt",
        Map.of("dag-scope", "block"),
        flat(twoFiles.cid(), twoFiles.cid("subdir"), twoFiles.cid("subdir", "ascii.txt")));
  }

  @Test
  void getCarWithDagScopeBlockOfUnixFsFileOnAPathWithShardedDirectory() throws Exception {
    carCase(
        "/ipfs/" + hamt.root() + "/1.txt",
        Map.of("dag-scope", "block"),
        flat(hamt.cid(), hamt.hamtTraversal("1.txt"), hamt.cid("1.txt")));
  }

  // ---- TestTrustlessCarDagScopeEntity ----

  @Test
  void getCarWithDagScopeEntityOfAUnixFsDirectory() throws Exception {
    carCase("/ipfs/" + twoFiles.root(), Map.of("dag-scope", "entity"), flat(twoFiles.cid()));
  }

  @Test
  void getCarWithDagScopeEntityOfAUnixFsShardedDirectory() throws Exception {
    carCase(
        "/ipfs/" + hamt.root(), Map.of("dag-scope", "entity"), flat(hamt.cid(), hamt.hamtShards()));
  }

  @Test
  void getCarWithDagScopeEntityOfAUnixFsFile() throws Exception {
    carCase(
        "/ipfs/" + mixed.root() + "/subdir/ascii.txt",
        Map.of("dag-scope", "entity"),
        flat(mixed.cid(), mixed.cid("subdir"), mixed.cid("subdir", "ascii.txt")));
  }

  @Test
  void getCarWithDagScopeEntityOfAChunkedUnixFsFile() throws Exception {
    carCase(
        "/ipfs/" + mixed.root() + "/subdir/multiblock.txt",
        Map.of("dag-scope", "entity"),
        wholeMultiblockOnPath());
  }

  @Test
  void getCarWithDagScopeEntityOfDagCborWithLinks() throws Exception {
    carCase(
        "/ipfs/" + cborLinks.root() + "/document",
        Map.of("dag-scope", "entity"),
        flat(cborLinks.cid(), cborLinks.cid("document")));
  }

  // ---- TestTrustlessCarDagScopeAll ----

  @Test
  void getCarWithDagScopeAllOfUnixFsDirectoryWithMultipleFiles() throws Exception {
    carCase(
        "/ipfs/" + mixed.root() + "/subdir",
        Map.of("dag-scope", "all"),
        flat(mixed.cid(), mixed.cid("subdir"), mixed.descendants("subdir")));
  }

  @Test
  void getCarWithDagScopeAllOfAChunkedUnixFsFile() throws Exception {
    carCase(
        "/ipfs/" + mixed.root() + "/subdir/multiblock.txt",
        Map.of("dag-scope", "all"),
        wholeMultiblockOnPath());
  }

  // ---- TestTrustlessCarEntityBytes ----

  @Test
  void getCarWithEntityBytesSucceedsEvenIfTheGatewayIsMissingABlockAfterTheRequestedRange()
      throws Exception {
    carCaseAnyOrder(
        "/ipfs/" + missing.root(),
        entityBytes("0:1000"),
        List.of(missing.cid(), "QmPKt7ptM2ZYSGPUc8PmPT2VBkLDK3iqpG9TBJY7PCE9rF"));
  }

  @Test
  void getCarWithEntityBytesSucceedsEvenIfTheGatewayIsMissingABlockBeforeTheRequestedRange()
      throws Exception {
    carCaseAnyOrder(
        "/ipfs/" + missing.root(),
        entityBytes("2200:*"),
        List.of(missing.cid(), "QmWXY482zQdwecnfBsj78poUUuPXvyw2JAFAEMw4tzTavV"));
  }

  @Test
  void getCarWithEntityBytesOfAFullUnixFsFile() throws Exception {
    carCase(
        "/ipfs/" + mixed.root() + "/subdir/multiblock.txt",
        entityBytes("0:*"),
        wholeMultiblockOnPath());
  }

  @Test
  void getCarWithEntityBytesOfAUnixFsDirectory() throws Exception {
    carCase("/ipfs/" + hamt.root(), entityBytes("0:*"), flat(hamt.cid(), hamt.hamtShards()));
  }

  @Test
  void getCarWithEntityBytesEquivalentToAHttpRangeRequestFromTheMiddleOfAFileToTheEnd()
      throws Exception {
    multiblockRange("512:*", 2, 5);
  }

  @Test
  void getCarWithEntityBytesEquivalentToAHttpRangeRequestForTheMiddleOfAFile() throws Exception {
    multiblockRange("512:1023", 2, 4);
  }

  @Test
  void getCarWithEntityBytesEquivalentToAHttpRangeRequestForTheMiddleOfAFileNegativeEnding()
      throws Exception {
    multiblockRange("512:-256", 2, 4);
  }

  @Test
  void getCarWithEntityBytesEquivalentToHttpSuffixRangeRequestForPartOfAFile() throws Exception {
    multiblockRange("-5:*", 3, 5);
  }

  @Test
  void getCarWithEntityBytesRequestingANegativeRangeBiggerThanTheLengthOfAFile() throws Exception {
    multiblockRange("-9999:*", 0, 5);
  }

  @Test
  void getCarWithEntityBytesRequestingARangeFromTheEndOfAFileThatIsBiggerThanAFileItself()
      throws Exception {
    multiblockRange("-9999:-3", 0, 4);
  }

  @Test
  void getCarWithEntityBytesRequestingOnlyTheBlocksForTheFirstByteOfAFile() throws Exception {
    multiblockRange("0:0", 0, 1);
  }

  // ---- TestTrustlessCarOrderAndDuplicates ----

  @Test
  void getCarWithOrderDfsAndDupsYOfUnixFsDirectoryWithDuplicateFiles() throws Exception {
    HttpResponse<byte[]> r =
        node.get(
            "/ipfs/" + duplicates.root(),
            "Accept",
            "application/vnd.ipld.car; version=1; order=dfs; dups=y");
    assertDuplicatesSent(r);
  }

  @Test
  void getCarWithOrderDfsAndDupsNOfUnixFsDirectoryWithDuplicateFiles() throws Exception {
    HttpResponse<byte[]> r =
        node.get(
            "/ipfs/" + duplicates.root(),
            "Accept",
            "application/vnd.ipld.car; version=1; order=dfs; dups=n");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).contains("application/vnd.ipld.car", "order=dfs", "dups=n");
    assertThat(blocks(r))
        .containsExactlyElementsOf(
            flat(
                duplicates.cid(),
                duplicates.cid("ascii.txt"),
                duplicates.cid("hello.txt"),
                duplicates.cid(MULTIBLOCK),
                MULTIBLOCK_CIDS));
  }

  @Test
  void getCarSmokeTestWithOrderUnkOfUnixFsDirectory() throws Exception {
    HttpResponse<byte[]> r =
        node.get(
            "/ipfs/" + duplicates.root(),
            "Accept",
            "application/vnd.ipld.car; version=1; order=unk");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).contains("application/vnd.ipld.car", "order=");
    assertThat(blocks(r))
        .contains(
            duplicates.cid(),
            duplicates.cid("ascii.txt"),
            duplicates.cid("ascii-copy.txt"),
            duplicates.cid("hello.txt"),
            duplicates.cid(MULTIBLOCK))
        .containsAll(MULTIBLOCK_CIDS);
  }

  @Test
  void getCarWithOrderDfsAndDupsYOfIdentityCid() throws Exception {
    HttpResponse<byte[]> r =
        node.get(
            "/ipfs/bafkqaf3imvwgy3zaneqgc3janfxgy2lomvscay3jmqfa",
            "Accept",
            "application/vnd.ipld.car; dups=y");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).contains("application/vnd.ipld.car", "dups=y");
    assertThat(blocks(r)).isEmpty();
  }

  @Test
  void getCarWithFormatCarRespectsAcceptHeaderOrderAndDupsParams() throws Exception {
    HttpResponse<byte[]> r =
        node.get(
            "/ipfs/" + duplicates.root() + "?format=car",
            "Accept",
            "application/vnd.ipld.car; version=1; order=dfs; dups=y");
    assertDuplicatesSent(r);
  }

  @Test
  void getCarWithCarOrderDfsTakesPrecedenceOverOrderUnkInAccept() throws Exception {
    HttpResponse<byte[]> r =
        node.get(
            "/ipfs/" + duplicates.root() + "?format=car&car-order=dfs",
            "Accept",
            "application/vnd.ipld.car; order=unk");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).contains("application/vnd.ipld.car", "order=dfs");
  }

  @Test
  void getCarWithCarDupsYTakesPrecedenceOverDupsNInAccept() throws Exception {
    HttpResponse<byte[]> r =
        node.get(
            "/ipfs/" + duplicates.root() + "?format=car&car-dups=y",
            "Accept",
            "application/vnd.ipld.car; dups=n");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).contains("application/vnd.ipld.car", "dups=y");
  }

  // ---- TestTrustlessCarFormatPrecedence ----

  @Test
  void getWithFormatCarQueryParameterTakesPrecedenceOverAcceptHeader() throws Exception {
    HttpResponse<byte[]> r =
        node.get(
            "/ipfs/" + rawBlock.cid("dir") + "?format=car", "Accept", "application/vnd.ipld.raw");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).contains("application/vnd.ipld.car");
  }

  @Test
  void getWithFormatRawQueryParameterTakesPrecedenceOverAcceptHeader() throws Exception {
    HttpResponse<byte[]> r =
        node.get(
            "/ipfs/" + rawBlock.cid("dir") + "?format=raw", "Accept", "application/vnd.ipld.car");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).isEqualTo("application/vnd.ipld.raw");
  }

  // ---- TestTrustlessRaw ----

  @Test
  void getWithFormatRawParamReturnsARawBlock() throws Exception {
    HttpResponse<byte[]> r = node.get("/ipfs/" + rawBlock.cid("dir") + "?format=raw");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(rawBlock.rawData("dir"));
  }

  @Test
  void getWithApplicationVndIpldRawHeaderReturnsARawBlock() throws Exception {
    HttpResponse<byte[]> r =
        node.get("/ipfs/" + rawBlock.cid("dir"), "Accept", "application/vnd.ipld.raw");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo(rawBlock.rawData("dir"));
  }

  @Test
  void getWithApplicationVndIpldRawHeaderReturnsExpectedResponseHeaders() throws Exception {
    byte[] ascii = rawBlock.rawData("dir", "ascii.txt");
    HttpResponse<byte[]> r =
        node.get("/ipfs/" + rawBlock.cid("dir", "ascii.txt"), "Accept", "application/vnd.ipld.raw");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).isEqualTo("application/vnd.ipld.raw");
    assertThat(header(r, "Content-Length")).contains(String.valueOf(ascii.length));
    assertThat(header(r, "Content-Disposition"))
        .hasValueSatisfying(v -> assertThat(v).contains("attachment;"));
    assertThat(header(r, "X-Content-Type-Options")).contains("nosniff");
    assertThat(r.body()).isEqualTo(ascii);
  }

  @Test
  void getWithApplicationVndIpldRawHeaderAndFilenameParamReturnsCustomFilename() throws Exception {
    HttpResponse<byte[]> r =
        node.get(
            "/ipfs/" + rawBlock.cid("dir", "ascii.txt") + "?filename=foobar.bin",
            "Accept",
            "application/vnd.ipld.raw");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "Content-Disposition"))
        .hasValueSatisfying(v -> assertThat(v).contains("attachment;", "filename=\"foobar.bin"));
  }

  @Test
  void getWithApplicationVndIpldRawHeaderReturnsExpectedCachingHeaders() throws Exception {
    String cid = rawBlock.cid("dir", "ascii.txt");
    HttpResponse<byte[]> r = node.get("/ipfs/" + cid, "Accept", "application/vnd.ipld.raw");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(header(r, "Etag")).hasValueSatisfying(v -> assertThat(v).isNotBlank());
    assertThat(header(r, "X-Ipfs-Path")).contains("/ipfs/" + cid);
    assertThat(header(r, "X-Ipfs-Roots")).hasValueSatisfying(v -> assertThat(v).contains(cid));
    Map<String, String> directives = new LinkedHashMap<>();
    for (String d : header(r, "Cache-Control").orElse("").replace(" ", "").split(",")) {
      String[] kv = d.split("=", 2);
      directives.put(kv[0], kv.length == 2 ? kv[1] : "");
    }
    assertThat(directives).containsKeys("public", "immutable", "max-age");
    assertThat(Long.parseLong(directives.get("max-age"))).isGreaterThanOrEqualTo(29030400);
  }

  // ---- TestTrustlessRawRanges (the original picks random ranges; these are fixed) ----

  @Test
  void getWithApplicationVndIpldRawWithRangeRequestIncludesCorrectBytes() throws Exception {
    byte[] ascii = rawBlock.rawData("dir", "ascii.txt");
    HttpResponse<byte[]> r =
        node.get(
            "/ipfs/" + rawBlock.cid("dir", "ascii.txt"),
            "Accept",
            "application/vnd.ipld.raw",
            "Range",
            "bytes=3-9");
    assertThat(r.statusCode()).isEqualTo(206);
    assertThat(header(r, "Content-Range")).contains("bytes 3-9/" + ascii.length);
    assertThat(r.body()).isEqualTo(java.util.Arrays.copyOfRange(ascii, 3, 10));
  }

  // ---- helpers ----

  /** The two ways StandardCARTestTransforms asks for a CAR. */
  private enum Variant {
    FORMAT_PARAMETER,
    ACCEPT_HEADER;

    HttpResponse<byte[]> send(String path, Map<String, String> params) throws Exception {
      Map<String, String> q = new LinkedHashMap<>();
      if (this == FORMAT_PARAMETER) {
        q.put("format", "car");
      }
      q.putAll(params);
      String query =
          q.isEmpty()
              ? ""
              : "?"
                  + q.entrySet().stream()
                      .map(e -> e.getKey() + "=" + e.getValue())
                      .collect(Collectors.joining("&"));
      return this == ACCEPT_HEADER
          ? node.get(path + query, "Accept", "application/vnd.ipld.car")
          : node.get(path + query);
    }
  }

  private static void carCase(String path, Map<String, String> params, List<String> expected)
      throws Exception {
    for (Variant v : Variant.values()) {
      HttpResponse<byte[]> r = v.send(path, params);
      assertStandardCarResponse(r, v);
      assertThat(blocks(r)).as(v.name()).containsExactlyElementsOf(expected);
    }
  }

  private static void carCaseAnyOrder(
      String path, Map<String, String> params, List<String> expected) throws Exception {
    for (Variant v : Variant.values()) {
      HttpResponse<byte[]> r = v.send(path, params);
      assertStandardCarResponse(r, v);
      assertThat(blocks(r)).as(v.name()).containsExactlyInAnyOrderElementsOf(expected);
    }
  }

  private static void assertStandardCarResponse(HttpResponse<byte[]> r, Variant v) {
    assertThat(r.statusCode()).as(v + ": " + new String(r.body())).isEqualTo(200);
    assertThat(header(r, "X-Content-Type-Options")).as(v.name()).contains("nosniff");
    assertThat(header(r, "Accept-Ranges")).as(v.name()).contains("none");
    assertThat(contentType(r)).as(v.name()).contains("application/vnd.ipld.car");
    assertThat(header(r, "Content-Disposition"))
        .as(v.name())
        .hasValueSatisfying(d -> assertThat(d).matches("attachment; filename=\".*\\.car\""));
    assertThat(header(r, "Etag")).as(v.name()).hasValueSatisfying(e -> assertThat(e).isNotEmpty());
  }

  private static void assertDuplicatesSent(HttpResponse<byte[]> r) throws Exception {
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(contentType(r)).contains("application/vnd.ipld.car", "order=dfs", "dups=y");
    assertThat(blocks(r))
        .containsExactlyElementsOf(
            flat(
                duplicates.cid(),
                duplicates.cid("ascii.txt"),
                duplicates.cid("ascii-copy.txt"),
                duplicates.cid("hello.txt"),
                duplicates.cid(MULTIBLOCK),
                MULTIBLOCK_CIDS));
  }

  private static void multiblockRange(String range, int fromLeaf, int toLeaf) throws Exception {
    String file = mixed.cid("subdir", MULTIBLOCK);
    carCase(
        "/ipfs/" + file,
        entityBytes(range),
        flat(file, mixed.descendants("subdir", MULTIBLOCK).subList(fromLeaf, toLeaf)));
  }

  private static List<String> wholeMultiblockOnPath() {
    return flat(
        mixed.cid(),
        mixed.cid("subdir"),
        mixed.cid("subdir", MULTIBLOCK),
        mixed.descendants("subdir", MULTIBLOCK));
  }

  private static Map<String, String> entityBytes(String range) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("dag-scope", "entity");
    m.put("entity-bytes", range);
    return m;
  }

  /** The CIDs of a CAR response's blocks, in order; every block verified against its CID. */
  static List<String> blocks(HttpResponse<byte[]> r) throws Exception {
    List<String> out = new ArrayList<>();
    try (CarReader car = CarReader.open(new ByteArrayInputStream(r.body()))) {
      for (Optional<Block> b = car.next(); b.isPresent(); b = car.next()) {
        out.add(b.get().cid().toString());
      }
    }
    return out;
  }

  static String contentType(HttpResponse<?> r) {
    return header(r, "Content-Type").orElse("");
  }

  static Optional<String> header(HttpResponse<?> r, String name) {
    return r.headers().firstValue(name);
  }

  /** Strings and lists of strings, flattened in order (flattenStrings in the original). */
  static List<String> flat(Object... parts) {
    return Stream.of(parts)
        .flatMap(
            p ->
                p instanceof List<?> l ? l.stream().map(Object::toString) : Stream.of(p.toString()))
        .toList();
  }
}
