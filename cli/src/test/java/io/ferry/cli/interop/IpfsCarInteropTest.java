package io.ferry.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.cli.demo.ChildNode;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.car.CarReader;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * ipfs-car 3.1.0 (npm) against the {@code ferry} command on the same data: a directory of 5,000
 * files (a HAMT-sharded directory for both) and a 20 MiB file import to the same root CIDs, and
 * what Ferry exports, as files or as a CAR on standard output, is byte-identical to the input; a
 * node serving the HAMT directory on its gateway resolves {@code /ipfs/{root}/{name}} through the
 * shards, the deepest ones included. Where a directory becomes a HAMT differs between ipfs-car
 * (more than 1,000 entries) and ipfs-unixfs-importer's unixfs-v1-2025 (a node over 256 KiB):
 * Ferry's {@code ipfs-car} profile gives ipfs-car's roots on both sides of both thresholds, its
 * default the importer's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IpfsCarInteropTest {
  @TempDir static Path tmp;
  private Path dir;
  private Path big;
  private Path home;

  @BeforeAll
  void writeTheData() throws IOException {
    IpfsClients.dir();
    dir = Files.createDirectories(tmp.resolve("five-thousand"));
    Random random = new Random(5000);
    for (int i = 0; i < 5000; i++) {
      byte[] content = new byte[1 + random.nextInt(3000)];
      random.nextBytes(content);
      Files.write(
          dir.resolve("entry-" + i + "-" + Integer.toHexString(i * 7919) + ".dat"), content);
    }
    big = tmp.resolve("twenty.bin");
    byte[] data = new byte[20 << 20];
    new Random(20).nextBytes(data);
    Files.write(big, data);
    home = IpfsClients.home(tmp.resolve("home"));
  }

  @Test
  void aDirectoryOfFiveThousandFilesImportsToIpfsCarsRootAndComesBackByteIdentical()
      throws Exception {
    IpfsClients.Result packed =
        IpfsClients.ipfsCar(tmp, "pack", dir.toString(), "--output", "d.car");
    IpfsClients.Result imported = IpfsClients.ferry(tmp, "import", "--home", "" + home, "" + dir);

    assertThat(packed.exit()).as(packed.err()).isZero();
    assertThat(imported.exit()).as(imported.err()).isZero();
    String root = packed.lastLine();
    assertThat(root).startsWith("bafy");
    assertThat(imported.lastLine()).isEqualTo(root);

    Path exported = tmp.resolve("exported");
    IpfsClients.Result export =
        IpfsClients.ferry(tmp, "export", "--home", "" + home, root, "" + exported);
    assertThat(export.exit()).as(export.err()).isZero();
    assertSameTree(dir, exported);

    // Ferry's CAR on standard output, unpacked by ipfs-car: the same files again.
    IpfsClients.Result car =
        IpfsClients.ferry(tmp, "car", "export", "--home", "" + home, root, "-");
    assertThat(car.exit()).as(car.err()).isZero();
    Path unpacked = tmp.resolve("unpacked");
    IpfsClients.Result unpack =
        IpfsClients.ipfsCar(tmp, "unpack", car.out().toString(), "--output", "" + unpacked);
    assertThat(unpack.exit()).as(unpack.err()).isZero();
    assertSameTree(dir, unpacked);

    IpfsClients.Result one =
        IpfsClients.ferry(
            tmp,
            "cat",
            "--home",
            "" + home,
            root + "/entry-42-" + Integer.toHexString(42 * 7919) + ".dat");
    assertThat(one.exit()).as(one.err()).isZero();
    assertThat(
            Files.mismatch(
                one.out(), dir.resolve("entry-42-" + Integer.toHexString(42 * 7919) + ".dat")))
        .isEqualTo(-1L);
  }

  @Test
  void theGatewayResolvesNamesThroughIpfsCarsHamtShardsDeepestIncluded() throws Exception {
    IpfsClients.Result packed =
        IpfsClients.ipfsCar(tmp, "pack", dir.toString(), "--output", "gw.car");
    assertThat(packed.exit()).as(packed.err()).isZero();
    String root = packed.lastLine();
    Path gatewayHome = IpfsClients.home(tmp.resolve("gateway-home"));
    IpfsClients.Result imported =
        IpfsClients.ferry(tmp, "import", "--home", "" + gatewayHome, "" + dir);
    assertThat(imported.exit()).as(imported.err()).isZero();
    assertThat(imported.lastLine()).isEqualTo(root);

    // Where each name sits, read from ipfs-car's own CAR (not through Ferry's HAMT lookup).
    Map<String, Integer> depths = entryDepths(tmp.resolve("gw.car"));
    assertThat(depths).hasSize(5000);
    int deepest = depths.values().stream().max(Integer::compare).orElseThrow();
    assertThat(deepest).as("5,000 names need shards at least three levels deep").isGreaterThan(2);
    List<String> names = new ArrayList<>();
    depths.entrySet().stream()
        .filter(e -> e.getValue() == deepest)
        .map(Map.Entry::getKey)
        .sorted()
        .limit(4)
        .forEach(names::add);
    depths.entrySet().stream()
        .filter(e -> e.getValue() == 2)
        .map(Map.Entry::getKey)
        .sorted(Comparator.reverseOrder())
        .limit(2)
        .forEach(names::add);
    names.add("entry-0-0.dat");
    names.add("entry-4999-" + Integer.toHexString(4999 * 7919) + ".dat");

    Path config = tmp.resolve("gateway.conf");
    Files.writeString(config, "ferry.gateway.listen = \"127.0.0.1:0\"\n");
    try (ChildNode node =
        new ChildNode(
            "hamt-gateway",
            gatewayHome,
            config,
            "/ip4/127.0.0.1/tcp/0",
            List.of("-Xmx384m", "-XX:+UseSerialGC"))) {
      node.start().awaitApi(Duration.ofSeconds(120));
      String gateway = "http://" + Files.readString(gatewayHome.resolve("gateway.addr")).strip();
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (String name : names) {
        HttpResponse<byte[]> got = get(http, gateway + "/ipfs/" + root + "/" + name);
        assertThat(got.statusCode())
            .as(
                "GET /ipfs/{root}/%s (at depth %d); node log: %s",
                name, depths.get(name), node.logTail(20))
            .isEqualTo(200);
        assertThat(got.body())
            .as("%s through the gateway", name)
            .isEqualTo(Files.readAllBytes(dir.resolve(name)));
      }
      HttpResponse<byte[]> missing = get(http, gateway + "/ipfs/" + root + "/entry-5000-0.dat");
      assertThat(missing.statusCode()).as("a name the directory does not hold").isEqualTo(404);
    }
  }

  private static HttpResponse<byte[]> get(HttpClient http, String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url))
            .header("Accept", "application/vnd.ipld.raw")
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /**
   * Every entry name of the HAMT directory a CAR holds and the number of shards above it: links
   * named by two hex digits alone are sub-shards, longer ones are entries after those digits.
   */
  private static Map<String, Integer> entryDepths(Path car) throws Exception {
    Map<Cid, Block> blocks = new HashMap<>();
    Cid root;
    try (InputStream in = Files.newInputStream(car);
        CarReader reader = CarReader.open(in)) {
      root = reader.roots().get(0);
      for (Optional<Block> b = reader.next(); b.isPresent(); b = reader.next()) {
        blocks.put(b.get().cid(), b.get());
      }
    }
    Map<String, Integer> depths = new HashMap<>();
    walk(blocks, root, 1, depths);
    return depths;
  }

  private static void walk(Map<Cid, Block> blocks, Cid shard, int depth, Map<String, Integer> out) {
    for (PbLink link : DagPb.decode(blocks.get(shard).data()).links()) {
      String name = link.name().orElseThrow();
      if (name.length() == 2) {
        walk(blocks, link.hash(), depth + 1, out);
      } else {
        out.put(name.substring(2), depth);
      }
    }
  }

  @Test
  void atTheShardingBoundaryEachProfileGivesTheRootsOfItsReferenceTool() throws Exception {
    // 1,000 and 1,001 short names (flat for both rules, then sharded by ipfs-car's count), and
    // 1,000 names of 251 bytes (a node of about 293 KiB: flat for ipfs-car, sharded by size).
    Path boundary = tmp.resolve("boundary");
    writeFiles(boundary.resolve("thousand"), 1000, false);
    writeFiles(boundary.resolve("thousand-and-one"), 1001, false);
    writeFiles(boundary.resolve("long-names"), 1000, true);

    IpfsClients.Result packed =
        IpfsClients.ipfsCar(tmp, "pack", "" + boundary, "--output", "boundary.car");
    IpfsClients.Result importer =
        IpfsClients.node(
            tmp,
            Duration.ofMinutes(5),
            IpfsClients.script("unixfs-import.mjs").toString(),
            "" + boundary,
            "unixfs-v1-2025");
    IpfsClients.Result asIpfsCar =
        IpfsClients.ferry(tmp, "import", "--only-hash", "--profile", "ipfs-car", "" + boundary);
    IpfsClients.Result asDefault = IpfsClients.ferry(tmp, "import", "--only-hash", "" + boundary);

    for (IpfsClients.Result r : List.of(packed, importer, asIpfsCar, asDefault)) {
      assertThat(r.exit()).as(r.err()).isZero();
    }
    assertThat(asIpfsCar.lastLine()).as("ferry --profile ipfs-car").isEqualTo(packed.lastLine());
    assertThat(asDefault.lastLine())
        .as("ferry's default, unixfs-v1-2025")
        .isEqualTo(importer.lastLine())
        .isNotEqualTo(packed.lastLine());
  }

  private static void writeFiles(Path dir, int count, boolean longNames) throws IOException {
    Files.createDirectories(dir);
    for (int i = 1; i <= count; i++) {
      String name = longNames ? String.format("n%0250d", i) : "f" + i;
      Files.writeString(dir.resolve(name), "f " + i + "\n");
    }
  }

  @Test
  void aTwentyMebibyteFileImportsToIpfsCarsRootAndCatsByteIdentical() throws Exception {
    IpfsClients.Result packed =
        IpfsClients.ipfsCar(tmp, "pack", big.toString(), "--no-wrap", "--output", "big.car");
    Path bigHome = IpfsClients.home(tmp.resolve("big-home"));
    IpfsClients.Result imported =
        IpfsClients.ferry(tmp, "import", "--home", "" + bigHome, "" + big);

    assertThat(packed.exit()).as(packed.err()).isZero();
    assertThat(imported.exit()).as(imported.err()).isZero();
    String root = packed.lastLine();
    assertThat(imported.lastLine()).isEqualTo(root);
    IpfsClients.Result cat = IpfsClients.ferry(tmp, "cat", "--home", "" + bigHome, root);
    assertThat(cat.exit()).as(cat.err()).isZero();
    assertThat(Files.mismatch(cat.out(), big)).isEqualTo(-1L);
    IpfsClients.Result export = IpfsClients.ferry(tmp, "export", "--home", "" + bigHome, root, "-");
    assertThat(export.exit()).as(export.err()).isZero();
    assertThat(Files.mismatch(export.out(), big)).isEqualTo(-1L);
  }

  private static void assertSameTree(Path expected, Path actual) throws IOException {
    try (Stream<Path> files = Files.list(expected)) {
      long count = 0;
      for (Path f : files.toList()) {
        assertThat(Files.mismatch(f, actual.resolve(f.getFileName().toString())))
            .as("%s exported identically", f.getFileName())
            .isEqualTo(-1L);
        count++;
      }
      try (Stream<Path> back = Files.list(actual)) {
        assertThat(back.count()).isEqualTo(count);
      }
    }
  }
}
