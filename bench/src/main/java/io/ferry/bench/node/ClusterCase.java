package io.ferry.bench.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.cli.ApiClient;
import io.ferry.cli.demo.ChildNode;
import io.ferry.transport.identity.NodeIdentity;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

/**
 * The {@code cluster} case: a Ferry cluster as docs/operations.md runs one (three members sharing
 * one identity, journal, blocks and ledgers in a fresh database on the shared PostgreSQL that
 * {@code scripts/postgres.sh} starts, every member a seed) and three outside providers, plain
 * nodes. Each pull is timed from the call to the API that opened it until that API shows it {@code
 * Completed}. First one pull at a time from provider 1 through each member's API (all run on the
 * member serving provider 1: a peer's channels run beside its one connection), then three at once,
 * member i pulling from provider i: each member's rate and the aggregate. Every block goes to
 * PostgreSQL.
 */
final class ClusterCase {
  private static final long MIB = 1 << 20;
  private static final Duration START = Duration.ofMinutes(3);
  private static final List<String> JVM = List.of("-Xmx1g", "-XX:+UseG1GC");
  private static final int MEMBERS = 3;

  private final Path dir;
  private final Table table;
  private final long sizeMiB;
  private final List<ChildNode> nodes = new ArrayList<>();

  ClusterCase(Path dir, Table table, long sizeMiB) {
    this.dir = dir.resolve("cluster");
    this.table = table;
    this.sizeMiB = sizeMiB;
  }

  void run() throws Exception {
    String admin = postgresUrl();
    String db = "ferry_bench_" + ProcessHandle.current().pid();
    sql(admin, "CREATE DATABASE " + db);
    try {
      String url = admin.substring(0, admin.lastIndexOf('/') + 1) + db;
      List<ChildNode> members = startMembers(url);
      List<ChildNode> providers = new ArrayList<>();
      for (int i = 0; i < MEMBERS; i++) {
        providers.add(start("provider-" + (i + 1), "", "/ip4/127.0.0.1/tcp/0"));
      }
      awaitMembersUp(members.get(0).api());
      // One pull at a time through each member's API, all from provider 1: they run on the member
      // serving it (a peer's channels run beside its one connection); the first one also pays for
      // fresh JVMs and for the cluster claiming the provider.
      for (int i = 0; i < MEMBERS; i++) {
        String root = importRandom(providers.get(0), i);
        ProductBench.Timed t = pull(members.get(i).api(), providers.get(0).peerAddress(), root);
        table.transfer(
            "cluster: one pull through member " + (i + 1) + "'s API, provider 1 on one member", t);
      }
      atOnce(members, providers);
    } finally {
      ChildNode.stopAll(nodes.toArray(new ChildNode[0]));
      drop(admin, db);
    }
  }

  /**
   * Three pulls at once, member i pulling from provider i (opened through member i's API, so member
   * i dials provider i and serves it; provider 1 has been served by member 1 since its first pull),
   * after a first pull alone from providers 2 and 3: each member's rate and the cluster's
   * aggregate, total bytes over the wall time of all three.
   */
  private void atOnce(List<ChildNode> members, List<ChildNode> providers) throws Exception {
    // Providers 2 and 3 are new to the cluster: a first pull each, alone, so that the round at
    // once measures warm members and providers, not JVM warm-up and the claims.
    for (int i = 1; i < MEMBERS; i++) {
      ProductBench.Timed t =
          pull(
              members.get(i).api(),
              providers.get(i).peerAddress(),
              importRandom(providers.get(i), 2 * MEMBERS + i));
      table.transfer(
          "cluster: first pull from provider " + (i + 1) + " through member " + (i + 1), t);
    }
    List<String> roots = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      roots.add(importRandom(providers.get(i), MEMBERS + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(MEMBERS);
    try {
      long t0 = System.nanoTime();
      List<Future<ProductBench.Timed>> pulls = new ArrayList<>();
      for (int i = 0; i < MEMBERS; i++) {
        ApiClient api = members.get(i).api();
        String from = providers.get(i).peerAddress();
        String root = roots.get(i);
        pulls.add(pool.submit(() -> pull(api, from, root)));
      }
      long bytes = 0;
      for (int i = 0; i < MEMBERS; i++) {
        ProductBench.Timed t = pulls.get(i).get();
        bytes += t.bytes();
        table.transfer(
            "cluster: 3 pulls at once, member " + (i + 1) + " from provider " + (i + 1), t);
      }
      ProductBench.Timed all = new ProductBench.Timed(bytes, System.nanoTime() - t0);
      table.transfer("cluster: 3 pulls at once, aggregate of the 3 members", all);
      table.row(
          "cluster: peers served per member after the pulls",
          peersPerMember(members.get(0).api()).toString());
    } finally {
      pool.shutdownNow();
    }
  }

  /** How many remote peers each member serves, as member 1's {@code /v1/cluster} shows it. */
  private static List<Integer> peersPerMember(ApiClient api) {
    List<Integer> peers = new ArrayList<>();
    api.get("/v1/cluster").path("members").forEach(m -> peers.add(m.path("peers").size()));
    return peers;
  }

  /**
   * Drops the bench's database once the members' sessions ended (the role may not end other
   * sessions itself: {@code WITH (FORCE)} needs {@code pg_signal_backend}); says so if it stays.
   */
  private void drop(String admin, String db) throws InterruptedException {
    SQLException last = null;
    for (int attempt = 0; attempt < 50; attempt++) {
      try {
        sql(admin, "DROP DATABASE IF EXISTS " + db);
        return;
      } catch (SQLException e) {
        last = e;
        Thread.sleep(200);
      }
    }
    table.note("could not drop the bench's database " + db + ": " + last.getMessage());
  }

  private List<ChildNode> startMembers(String url) throws IOException, InterruptedException {
    List<Integer> ports = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      ports.add(freePort());
    }
    String seeds =
        ports.stream().map(p -> "\"127.0.0.1:" + p + "\"").collect(Collectors.joining(","));
    Path first = dir.resolve("member-1");
    NodeIdentity.loadOrCreate(first);
    List<ChildNode> members = new ArrayList<>();
    for (int i = 0; i < MEMBERS; i++) {
      Path home = dir.resolve("member-" + (i + 1));
      Files.createDirectories(home.resolve("identity"));
      if (i > 0) {
        Files.copy(
            first.resolve(NodeIdentity.KEY_FILE),
            home.resolve(NodeIdentity.KEY_FILE),
            StandardCopyOption.REPLACE_EXISTING);
      }
      String conf =
          String.format(
              """
              ferry.journal {
                kind = postgres
                postgres { url = "%s", user = "%s", password = "%s" }
              }
              ferry.cluster { seed-nodes = [%s], hostname = "127.0.0.1", port = %d }
              """,
              url, user(), password(), seeds, ports.get(i));
      members.add(start("member-" + (i + 1), conf, "/ip4/127.0.0.1/tcp/" + freePort()));
    }
    return members;
  }

  private ChildNode start(String name, String conf, String listen)
      throws IOException, InterruptedException {
    Path file = dir.resolve(name + ".conf");
    Files.createDirectories(dir);
    Files.writeString(file, conf);
    ChildNode node = new ChildNode(name, dir.resolve(name), file, listen, JVM);
    nodes.add(node);
    node.start();
    node.awaitApi(START);
    return node;
  }

  /** Waits until member 1 sees all three members up. */
  private static void awaitMembersUp(ApiClient api) throws InterruptedException {
    long deadline = System.nanoTime() + START.toNanos();
    while (System.nanoTime() < deadline) {
      int up = 0;
      for (JsonNode m : api.get("/v1/cluster").path("members")) {
        up += m.path("status").asText().equals("Up") ? 1 : 0;
      }
      if (up == MEMBERS) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the cluster's members did not all come up in " + START);
  }

  private ProductBench.Timed pull(ApiClient api, String from, String root) throws Exception {
    ObjectNode body = ApiClient.json().createObjectNode();
    body.put("from", from).put("root", root);
    long t0 = System.nanoTime();
    String id = api.post("/v1/channels/pull", body).get("id").asText();
    String status = ProductBench.awaitEnd(api, id);
    long nanos = System.nanoTime() - t0;
    if (!status.equals("Completed")) {
      throw new IllegalStateException("pull " + id + " ended " + status);
    }
    return new ProductBench.Timed(
        api.get("/v1/channels/" + id).get("receivedBytes").asLong(), nanos);
  }

  /** Imports {@code sizeMiB} of incompressible bytes of its own into {@code node}. */
  private String importRandom(ChildNode node, int n) throws IOException {
    Path f = dir.resolve("cluster-file-" + n);
    SplittableRandom random = new SplittableRandom(7000 + n);
    byte[] chunk = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(f)) {
      for (long i = 0; i < sizeMiB; i++) {
        for (int j = 0; j < chunk.length; j++) {
          chunk[j] = (byte) random.nextInt();
        }
        out.write(chunk);
      }
    }
    ObjectNode body = ApiClient.json().createObjectNode().put("path", f.toString());
    String root = node.api().post("/v1/blocks/import", body).get("root").asText();
    Files.delete(f);
    return root;
  }

  /** The JDBC URL {@code scripts/postgres.sh} prints (it starts the shared server if need be). */
  private static String postgresUrl() throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("scripts/postgres.sh")
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0) {
      throw new IllegalStateException("scripts/postgres.sh failed: " + out);
    }
    return out.lines()
        .filter(l -> l.startsWith("jdbc:postgresql:"))
        .reduce((a, b) -> b)
        .orElseThrow(() -> new IllegalStateException("scripts/postgres.sh printed " + out));
  }

  private static void sql(String url, String statement) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, user(), password());
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  private static String user() {
    return System.getenv().getOrDefault("FERRY_PG_USER", "ferry");
  }

  private static String password() {
    return System.getenv().getOrDefault("FERRY_PG_PASSWORD", "ferry");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
