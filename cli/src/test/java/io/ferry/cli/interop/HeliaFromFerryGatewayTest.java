package io.ferry.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.cli.demo.ChildNode;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Helia (helia + @helia/http + @helia/unixfs from npm, under Node 24) retrieves from a Ferry node:
 * its only router is the node's Delegated Routing V1 endpoint ({@code /routing/v1/providers}),
 * which names the node's trustless gateway, from which Helia fetches and verifies every block. A 20
 * MiB file and a directory tree arrive byte-identical.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HeliaFromFerryGatewayTest {
  @TempDir static Path tmp;
  private ChildNode node;
  private String gateway;
  private Path script;

  @BeforeAll
  void startANodeWithItsGateway() throws Exception {
    script = IpfsClients.script("helia-fetch.mjs");
    Path config = tmp.resolve("node.conf");
    Files.writeString(config, "ferry.gateway.listen = \"127.0.0.1:0\"\n");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    node =
        new ChildNode(
            "gateway-node",
            tmp.resolve("home"),
            config,
            "/ip4/127.0.0.1/tcp/" + port,
            List.of("-Xmx512m", "-XX:+UseSerialGC"));
    node.start().awaitApi(Duration.ofSeconds(120));
    Path addr = tmp.resolve("home/gateway.addr");
    assertThat(addr).as("the gateway's address file; node log: %s", node.logTail(30)).exists();
    gateway = "http://" + Files.readString(addr).strip();
  }

  @AfterAll
  void stopTheNode() throws InterruptedException {
    if (node != null) {
      node.stop();
    }
  }

  private String importOnTheNode(Path what) throws Exception {
    IpfsClients.Result r =
        IpfsClients.ferry(tmp, "import", "--home", tmp.resolve("home").toString(), "" + what);
    assertThat(r.exit()).as(r.err()).isZero();
    return r.lastLine();
  }

  private Path heliaFetches(String root, String name) throws Exception {
    Path out = tmp.resolve(name);
    IpfsClients.Result r =
        IpfsClients.node(tmp, Duration.ofMinutes(8), script.toString(), gateway, root, "" + out);
    assertThat(r.exit())
        .as("helia-fetch.mjs: %s%nnode log: %s", r.err(), node.logTail(20))
        .isZero();
    assertThat(r.lastLine()).isEqualTo("saved " + root);
    return out;
  }

  @Test
  void heliaFetchesATwentyMebibyteFileByteIdentical() throws Exception {
    Path file = tmp.resolve("twenty.bin");
    byte[] data = new byte[20 << 20];
    new Random(20).nextBytes(data);
    Files.write(file, data);
    String root = importOnTheNode(file);

    Path copy = heliaFetches(root, "twenty.copy");

    assertThat(Files.mismatch(file, copy)).isEqualTo(-1L);
  }

  @Test
  void heliaFetchesADirectoryTreeByteIdentical() throws Exception {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Random random = new Random(3);
    for (int d = 0; d < 3; d++) {
      Path sub = Files.createDirectories(tree.resolve("dir-" + d + "/nested"));
      for (int i = 0; i < 20; i++) {
        byte[] content = new byte[random.nextInt(300_000)];
        random.nextBytes(content);
        Files.write((i % 2 == 0 ? sub : sub.getParent()).resolve("file-" + i + ".bin"), content);
      }
    }
    Files.writeString(tree.resolve("readme.txt"), "a tree served by Ferry\n");
    String root = importOnTheNode(tree);

    Path copy = heliaFetches(root, "tree.copy");

    try (Stream<Path> files = Files.walk(tree)) {
      List<Path> all = files.filter(Files::isRegularFile).toList();
      assertThat(all).hasSize(61);
      for (Path f : all) {
        assertThat(Files.mismatch(f, copy.resolve(tree.relativize(f).toString())))
            .as("%s", tree.relativize(f))
            .isEqualTo(-1L);
      }
    }
    try (Stream<Path> back = Files.walk(copy)) {
      assertThat(back.filter(Files::isRegularFile).count()).isEqualTo(61);
    }
  }
}
