package io.ferry.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.testing.Poll;
import io.ferry.transport.identity.NodeIdentity;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/**
 * A Ferry cluster as an operator runs one, for process-level tests: members in their own JVMs
 * ({@link MemberJvm}, {@code ferry node run} on the main class path), sharing one identity (the
 * same {@code identity/node.key}) and a PostgreSQL journal, every member listing all members as
 * seed nodes in the same order; plus outside peers, plain nodes that pull from and push to the
 * cluster over real TCP on loopback. Members can be stopped with SIGTERM, killed with SIGKILL and
 * started again at the same addresses.
 */
final class FerryCluster implements AutoCloseable {
  /** Where the members' journal lives. */
  record Journal(String url, String user, String password) {}

  static final Duration WAIT = Duration.ofSeconds(120);

  private final Path dir;
  private final Journal journal;
  private final String extraConfig;
  private final List<MemberJvm> members = new ArrayList<>();
  private final List<MemberJvm> outside = new ArrayList<>();
  private final List<Integer> clusterPorts = new ArrayList<>();

  private FerryCluster(Path dir, Journal journal, String extraConfig) {
    this.dir = dir;
    this.journal = journal;
    this.extraConfig = extraConfig;
  }

  /**
   * Writes the configuration of {@code size} members (and a shared identity) under {@code dir},
   * starts them all at once and waits until every one sees all of them up.
   *
   * @param extraConfig HOCON added to every member's configuration
   */
  static FerryCluster start(Path dir, Journal journal, int size, String extraConfig)
      throws Exception {
    FerryCluster c = new FerryCluster(dir, journal, extraConfig);
    try {
      c.configure(size);
      for (MemberJvm m : c.members) {
        m.start();
      }
      c.members.forEach(MemberJvm::awaitApi);
      c.awaitMembersUp(size);
      return c;
    } catch (Exception | Error e) {
      c.close();
      throw e;
    }
  }

  private void configure(int size) throws IOException {
    for (int i = 0; i < size; i++) {
      clusterPorts.add(freePort());
    }
    String seeds =
        clusterPorts.stream().map(p -> "\"127.0.0.1:" + p + "\"").collect(Collectors.joining(","));
    Path first = dir.resolve("member-1");
    NodeIdentity.loadOrCreate(first);
    for (int i = 0; i < size; i++) {
      Path home = dir.resolve("member-" + (i + 1));
      Files.createDirectories(home.resolve("identity"));
      if (i > 0) {
        Files.copy(
            first.resolve(NodeIdentity.KEY_FILE),
            home.resolve(NodeIdentity.KEY_FILE),
            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      Path conf = dir.resolve("member-" + (i + 1) + ".conf");
      Files.writeString(
          conf,
          String.format(
              """
              ferry.journal {
                kind = postgres
                postgres { url = "%s", user = "%s", password = "%s", max-connections = 4 }
              }
              ferry.cluster { seed-nodes = [%s], hostname = "127.0.0.1", port = %d }
              ferry.timeouts.restart { backoff-min = 200ms, backoff-max = 2s }
              %s
              """,
              journal.url(),
              journal.user(),
              journal.password(),
              seeds,
              clusterPorts.get(i),
              extraConfig));
      members.add(new MemberJvm("member-" + (i + 1), home, conf, freePort()));
    }
  }

  /** Starts an outside peer: a plain node (LevelDB, a cluster of one) with its own identity. */
  MemberJvm startOutsidePeer(String name, String config) throws Exception {
    Path conf = dir.resolve(name + ".conf");
    Files.writeString(
        conf, "ferry.timeouts.restart { backoff-min = 200ms, backoff-max = 2s }\n" + config);
    MemberJvm peer = new MemberJvm(name, dir.resolve(name), conf, freePort());
    outside.add(peer);
    peer.start().awaitApi();
    return peer;
  }

  List<MemberJvm> members() {
    return List.copyOf(members);
  }

  MemberJvm member(int i) {
    return members.get(i);
  }

  /** The members whose processes run. */
  List<MemberJvm> running() {
    return members.stream().filter(MemberJvm::isAlive).toList();
  }

  /** Every running member's peer address (what outside peers may dial). */
  List<String> peerAddresses() {
    return running().stream().map(MemberJvm::peerAddress).toList();
  }

  /** The cluster address of member {@code i}, {@code pekko://ferry@127.0.0.1:PORT}. */
  String clusterAddress(int i) {
    return "pekko://ferry@127.0.0.1:" + clusterPorts.get(i);
  }

  /** Starts member {@code i} again (after a stop or kill) and waits until it serves. */
  void restart(int i) throws IOException {
    members.get(i).start().awaitApi();
  }

  /**
   * Waits until every running member sees exactly the same {@code n} members, all up: one cluster,
   * not several.
   */
  void awaitMembersUp(int n) {
    Poll.until(
        WAIT,
        n + " members up, seen alike by every running member",
        this::views,
        views ->
            views.size() == running().size()
                && views.stream().allMatch(v -> v.size() == n && v.equals(views.get(0))));
  }

  /** The members each running member sees up (addresses), one set per running member. */
  List<Set<String>> views() {
    List<Set<String>> out = new ArrayList<>();
    for (MemberJvm m : running()) {
      try {
        out.add(up(m.cluster()));
      } catch (RuntimeException e) {
        out.add(Set.of("unreadable: " + e.getMessage()));
      }
    }
    return out;
  }

  static Set<String> up(JsonNode cluster) {
    Set<String> up = new TreeSet<>();
    for (JsonNode m : cluster.path("members")) {
      if (m.path("status").asText().equals("Up")) {
        up.add(m.path("address").asText());
      }
    }
    return up;
  }

  /** Where {@link #freePort} looks next: below Linux's ephemeral range (32768-60999). */
  private static final java.util.concurrent.atomic.AtomicInteger NEXT_PORT =
      new java.util.concurrent.atomic.AtomicInteger(
          20_000 + new java.util.Random().nextInt(10_000));

  /**
   * A port no one listens on, for a member to bind seconds later. Not from the kernel's ephemeral
   * range: a port picked there (ServerSocket(0)) was taken meanwhile as the source port of another
   * member's outgoing connection ("Address already in use", ClusterChannelsTest, 2026-12-08). Ports
   * below the range are never given to outgoing connections, and this JVM hands each out once.
   */
  private static int freePort() throws IOException {
    for (int tries = 0; tries < 1_000; tries++) {
      int port = NEXT_PORT.getAndIncrement();
      if (port >= 32_000) {
        NEXT_PORT.compareAndSet(port + 1, 20_000);
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // Someone listens there: try the next one.
      }
    }
    throw new IOException("no free port found in 20000-31999");
  }

  @Override
  public void close() throws Exception {
    List<CompletableFuture<Void>> stops = new ArrayList<>();
    List<MemberJvm> all = new ArrayList<>(members);
    all.addAll(outside);
    for (MemberJvm m : all) {
      stops.add(
          CompletableFuture.runAsync(
              () -> {
                try {
                  m.close();
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              }));
    }
    CompletableFuture.allOf(stops.toArray(new CompletableFuture[0])).join();
  }
}
