package io.ferry.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestPostgres;
import io.ferry.cli.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A cluster of three member processes and outside peers, all over real TCP on loopback: channels
 * opened through any member's API run on the member holding the connection with the peer and
 * complete; outside peers reach the cluster through any member's address. Vouchers are the example
 * allowlist plug-in's tokens (installed in every node's plugins directory).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ResourceLock("ferry-cluster")
class ClusterChannelsTest {
  private static final String TOKEN_TYPE = "ferry-example/allowlist/1";
  private static final String NODE_CONFIG =
      "ferry.validators.settings.allowlist.tokens = \"cluster-token\"\n";
  private static final Duration WAIT = Duration.ofMinutes(3);

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;

  private TestPostgres.Database db;
  private FerryCluster cluster;
  private MemberJvm provider;
  private String providerFile;
  private String memberFile;

  @BeforeAll
  void start() throws Exception {
    db = TestPostgres.freshDatabase();
    Path plugin = pluginJar(Path.of(System.getProperty("ferry.example.plugin", "missing.jar")));
    assertThat(plugin).as("the example plug-in jar (cli/pom.xml passes it)").isRegularFile();
    for (String home : List.of("member-1", "member-2", "member-3", "provider", "visitor")) {
      Files.createDirectories(dir.resolve(home).resolve("plugins"));
      Files.copy(plugin, dir.resolve(home).resolve("plugins/allowlist-validator.jar"));
    }
    cluster =
        FerryCluster.start(
            dir, new FerryCluster.Journal(db.url(), db.user(), db.password()), 3, NODE_CONFIG);
    provider = cluster.startOutsidePeer("provider", NODE_CONFIG);
    providerFile = importOn(provider.api(), randomFile("provider.bin", 700_000, 1));
    Path forMembers = randomFile("members.bin", 600_000, 2);
    for (MemberJvm m : cluster.members()) {
      memberFile = importOn(m.api(), forMembers);
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
    if (db != null) {
      db.close();
    }
  }

  @Test
  void pullsAndPushesOpenedThroughEveryMembersApiAllComplete() {
    String to = provider.peerAddress();
    Map<String, ApiClient> opened = new LinkedHashMap<>();
    for (int i = 0; i < 24; i++) {
      ApiClient api = cluster.member(i % 3).api();
      String id =
          i % 2 == 0
              ? open(api, "pull", "from", to, providerFile)
              : open(api, "push", "to", to, memberFile);
      opened.put(id, api);
    }

    List<String> ids = new ArrayList<>(opened.keySet());
    for (int i = 0; i < ids.size(); i++) {
      // Read through another member than the one that opened it.
      ApiClient reader = cluster.member((i + 1) % 3).api();
      String id = ids.get(i);
      assertThat(awaitEnd(reader, id))
          .as(() -> ChannelReport.of(id, withPeers(provider)))
          .isEqualTo("Completed");
    }
    assertThat(hostsConnectedTo(provider)).as("members connected to the provider").isEqualTo(1);
    String host = servingAddress(provider);
    for (int i = 0; i < ids.size(); i++) {
      assertThat(
              cluster.member(i % 3).api().get("/v1/channels/" + ids.get(i)).path("host").asText())
          .as("the host of " + ids.get(i) + ": the member connected to the provider")
          .isEqualTo(host);
    }
  }

  @Test
  void anOutsidePeerPullsFromAndPushesToTheClusterThroughEveryMembersAddress() throws Exception {
    MemberJvm visitor = cluster.startOutsidePeer("visitor", NODE_CONFIG);
    String visitorFile = importOn(visitor.api(), randomFile("visitor.bin", 500_000, 3));
    List<String> ids = new ArrayList<>();
    for (MemberJvm m : List.of(cluster.member(2), cluster.member(0), cluster.member(1))) {
      String at = m.peerAddress();
      ids.add(open(visitor.api(), "pull", "from", at, memberFile));
      ids.add(open(visitor.api(), "push", "to", at, visitorFile));
    }
    for (String id : ids) {
      assertThat(awaitEnd(visitor.api(), id))
          .as(() -> ChannelReport.of(id, withPeers(visitor)))
          .isEqualTo("Completed");
      assertThat(awaitEnd(cluster.member(0).api(), id))
          .as(() -> "in the cluster: " + ChannelReport.of(id, withPeers(visitor)))
          .isEqualTo("Completed");
    }
  }

  // ---- helpers ----

  /** The running members and {@code peer}, to tell where a channel stands. */
  private List<MemberJvm> withPeers(MemberJvm peer) {
    List<MemberJvm> nodes = new ArrayList<>(cluster.running());
    nodes.add(peer);
    return nodes;
  }

  private String open(ApiClient api, String kind, String field, String peer, String root) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put(field, peer);
    body.put("root", root);
    body.put("voucher", Map.of("type", TOKEN_TYPE, "value", Map.of("token", "cluster-token")));
    return api.post("/v1/channels/" + kind, body).path("id").asText();
  }

  private static String awaitEnd(ApiClient api, String id) {
    return Poll.until(
        WAIT,
        "channel " + id + " to end",
        () -> {
          try {
            return api.get("/v1/channels/" + id).path("status").asText();
          } catch (RuntimeException e) {
            return "unreadable: " + e.getMessage();
          }
        },
        s -> s.equals("Completed") || s.equals("Failed") || s.equals("Cancelled"));
  }

  /** The cluster address of the member connected to {@code peer}. */
  private String servingAddress(MemberJvm peer) {
    String id = peer.peerAddress().replaceAll(".*/p2p/", "");
    for (int i = 0; i < 3; i++) {
      for (JsonNode p : cluster.member(i).api().get("/v1/peers")) {
        if (p.path("peerId").asText().equals(id) && p.path("connected").asBoolean()) {
          return cluster.clusterAddress(i);
        }
      }
    }
    return "none";
  }

  /** How many members report a live connection to {@code peer}. */
  private long hostsConnectedTo(MemberJvm peer) {
    String id = peer.peerAddress().replaceAll(".*/p2p/", "");
    long n = 0;
    for (MemberJvm m : cluster.running()) {
      for (JsonNode p : m.api().get("/v1/peers")) {
        if (p.path("peerId").asText().equals(id) && p.path("connected").asBoolean()) {
          n++;
        }
      }
    }
    return n;
  }

  /**
   * The example plug-in as a jar: the reactor hands its {@code target/classes} directory when the
   * build stops before {@code package}; then the directory is packed here.
   */
  private static Path pluginJar(Path built) throws Exception {
    if (!Files.isDirectory(built)) {
      return built;
    }
    Path jar = dir.resolve("allowlist-validator.jar");
    try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(jar));
        var files = Files.walk(built)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new java.util.jar.JarEntry(built.relativize(f).toString()));
        Files.copy(f, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  private String importOn(ApiClient api, Path file) {
    return api.post("/v1/blocks/import", Map.of("path", file.toString())).path("root").asText();
  }

  private static Path randomFile(String name, int bytes, long seed) throws Exception {
    byte[] data = new byte[bytes];
    new Random(seed).nextBytes(data);
    Path f = dir.resolve(name);
    Files.write(f, data);
    return f;
  }
}
