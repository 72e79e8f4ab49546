package io.ferry.bench.chaos;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.cli.ApiClient;
import io.ferry.cli.demo.ChildNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * The chaos harness of issue 19: rounds of paid pulls between two real node processes ({@code ferry
 * node run}, LevelDB homes, TCP on 127.0.0.1), each round killing one of them with SIGKILL when a
 * channel of the round reaches the round's phase (requested, ongoing, paused for a voucher,
 * finalizing, completing), restarting it on the same home and address, and checking every transfer
 * of the round: completed, exported byte-identical, paid exactly (price 1 per byte: the client paid
 * what it received and the provider counted what it sent), and not stuck.
 *
 * <p>{@code ChaosBench [rounds, 20] [transfers per round, 50] [largest file in KiB, 2048] [seed, 1]
 * [work directory]}. Prints one table (and writes it to {@code chaos.md} in the work directory);
 * exits 1 when anything but extra bytes is not zero.
 */
public final class ChaosBench {
  /** Where in a transfer's life a node is killed. */
  enum Phase {
    REQUESTED,
    ONGOING,
    PAUSED,
    FINALIZING,
    COMPLETING
  }

  private static final Duration START = Duration.ofMinutes(3);
  private static final Duration ROUND = Duration.ofMinutes(5);

  /**
   * How long a round may stand still (no channel changes on either node) before the channels not
   * ended are called stuck: longer than any wait of a recovering channel in this configuration
   * (restart backoff at most 2 s, a stalled responder asking again for its final voucher at that
   * pace), shorter than the timeouts that would end a forgotten channel (3 minutes).
   */
  private static final Duration QUIET = Duration.ofSeconds(60);

  private static final long PRICE = 1;
  static final long INTERVAL = 256 << 10;
  private static final List<String> JVM = List.of("-Xmx1g", "-XX:+UseG1GC");

  /** The node a round kills. */
  enum Victim {
    PROVIDER,
    CLIENT,
    /** Drawn from the seed. */
    EITHER
  }

  /** One round: the phase its kill waits for, and the node it kills. */
  record Round(Phase phase, Victim victim) {}

  private final Path dir;
  private final List<String> jvm;
  private final int transfers;
  private final int largestKiB;
  private final boolean nodeDefaultCredit;
  private final Random random;
  private final ChaosTally tally = new ChaosTally();
  private ChildNode provider;
  private ChildNode client;
  private int files;
  private int stuckRounds;

  private ChaosBench(
      Path dir,
      List<String> jvm,
      int transfers,
      int largestKiB,
      long seed,
      boolean nodeDefaultCredit) {
    this.dir = dir;
    this.jvm = List.copyOf(jvm);
    this.transfers = transfers;
    this.largestKiB = largestKiB;
    this.nodeDefaultCredit = nodeDefaultCredit;
    this.random = new Random(seed);
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 20;
    int transfers = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int largestKiB = args.length > 2 ? Integer.parseInt(args[2]) : 2048;
    long seed = args.length > 3 ? Long.parseLong(args[3]) : 1;
    Path dir =
        args.length > 4
            ? Files.createDirectories(Path.of(args[4]))
            : Files.createTempDirectory("ferry-chaos");
    // An optional sixth argument focuses the rounds: phase:victim pairs taken in turn, e.g.
    // "finalizing:client,finalizing:provider" (victim provider, client or either).
    List<Round> focus = new ArrayList<>();
    if (args.length > 5) {
      for (String pair : args[5].split(",")) {
        String[] pv = pair.strip().toUpperCase(Locale.ROOT).split(":");
        focus.add(
            new Round(Phase.valueOf(pv[0]), Victim.valueOf(pv.length > 1 ? pv[1] : "EITHER")));
      }
    }
    List<Round> plan = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      plan.add(
          focus.isEmpty()
              ? new Round(Phase.values()[r % Phase.values().length], Victim.EITHER)
              : focus.get(r % focus.size()));
    }
    ChaosTally tally = run(dir, JVM, plan, transfers, largestKiB, seed);
    String table = tally.table(rounds, transfers, largestKiB, seed);
    System.out.println(table);
    Files.writeString(dir.resolve("chaos.md"), table);
    System.exit(tally.clean() ? 0 : 1);
  }

  /**
   * Runs {@code plan} between two node processes started on homes under {@code dir}, with {@code
   * transfers} paid pulls of files up to {@code largestKiB} per round, and stops the nodes.
   */
  static ChaosTally run(
      Path dir, List<String> jvm, List<Round> plan, int transfers, int largestKiB, long seed)
      throws Exception {
    return run(dir, jvm, plan, transfers, largestKiB, seed, false);
  }

  /**
   * As {@link #run(Path, List, List, int, int, long)}; with {@code nodeDefaultCredit} the provider
   * extends the client the node's default credit (16 MiB here) instead of credit for a whole round,
   * so that pulls beyond it wait for credit, paused, and must be resumed as the others pay.
   */
  static ChaosTally run(
      Path dir,
      List<String> jvm,
      List<Round> plan,
      int transfers,
      int largestKiB,
      long seed,
      boolean nodeDefaultCredit)
      throws Exception {
    ChaosBench bench = new ChaosBench(dir, jvm, transfers, largestKiB, seed, nodeDefaultCredit);
    try {
      bench.start();
      for (int r = 0; r < plan.size(); r++) {
        bench.round(r, plan.get(r));
      }
    } finally {
      ChildNode.stopAll(bench.provider, bench.client);
    }
    return bench.tally;
  }

  private void start() throws IOException, InterruptedException {
    // Timeouts that outlast a restart of a node on a loaded machine (a JVM start takes up to a
    // minute here): the harness looks for lost and stuck transfers, not for slow restarts.
    String restarts =
        "ferry.timeouts { accept = 3m, complete = 3m,"
            + " restart { backoff-min = 200ms, backoff-max = 2s, max-attempts = 100 } }\n";
    // Credit for every transfer of a round at once (four intervals each, and the largest block),
    // never below the node's default: the harness measures crash safety, and with the default
    // (16 MiB per peer) the pulls of a round of 50 go through the credit a dozen at a time (the
    // rest wait, paused, and are resumed as the others pay; docs/chaos.md), which makes rounds
    // long. ChaosRoundsTest runs a round on the default to cover that wait under kills.
    long credit = Math.max(16L << 20, transfers * 4L * (INTERVAL + (1 << 20)));
    Path providerConf = dir.resolve("provider.conf");
    Files.writeString(
        providerConf,
        "ferry.validators.settings.paid-retrieval { price-per-byte = "
            + PRICE
            + ", payment-interval = "
            + INTERVAL
            + ", payment-interval-increase = 0"
            + (nodeDefaultCredit ? "" : ", credit-per-peer = " + credit)
            + " }\n"
            // and admission for them all (the default, 32 open channels per peer, refused the
            // rest of a round of 50 at open: docs/chaos.md)
            + "ferry.limits.open-channels-per-peer = "
            + Math.max(32, transfers)
            + "\n"
            + restarts);
    Path clientConf = dir.resolve("client.conf");
    Files.writeString(clientConf, "ferry.payments.budget = 1000000000000000\n" + restarts);
    provider = new ChildNode("provider", dir.resolve("provider"), providerConf, freePort(), jvm);
    client = new ChildNode("client", dir.resolve("client"), clientConf, freePort(), jvm);
    provider.start();
    client.start();
    provider.awaitApi(START);
    client.awaitApi(START);
  }

  /**
   * A listen address on a port free now, kept across restarts so the peer can redial it. Drawn
   * below the ephemeral range (32768 and up here): a port from that range, free when drawn, was
   * once taken by another process's outgoing connection while its node was down, and the node could
   * not start again ("Address already in use").
   */
  private String freePort() throws IOException {
    for (int tries = 0; tries < 100; tries++) {
      int port = 20_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(12_000);
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return "/ip4/127.0.0.1/tcp/" + port;
      } catch (IOException taken) {
        // try another
      }
    }
    throw new IOException("no free port found between 20000 and 32000 on 127.0.0.1");
  }

  /** One transfer of a round: the file pulled and what it must become. */
  private record Transfer(String root, String sha256, long size, String channel) {}

  private void round(int n, Round round) throws Exception {
    Phase phase = round.phase();
    boolean drawn = random.nextBoolean(); // drawn whatever the plan: a seed's files stay the same
    ChildNode victim =
        switch (round.victim()) {
          case PROVIDER -> provider;
          case CLIENT -> client;
          case EITHER -> drawn ? provider : client;
        };
    List<Transfer> pulls = new ArrayList<>();
    List<String[]> imported = new ArrayList<>();
    for (int i = 0; i < transfers; i++) {
      imported.add(importOnProvider());
    }
    String from = provider.peerAddress();
    // Read before the first pull: a small file's blocks leave before its pull call returns, and
    // reading after the pulls (as the first runs did) made the column come out negative.
    long wireAtStart = onWire();
    for (String[] f : imported) {
      pulls.add(new Transfer(f[0], f[1], Long.parseLong(f[2]), pull(from, f[0])));
    }
    boolean killed = phase == Phase.REQUESTED || awaitPhase(pulls, phase);
    long wire = 0;
    if (killed) {
      if (victim == provider) {
        wire += onWire() - wireAtStart;
        wireAtStart = 0;
      }
      victim.kill();
      tally.kill(phase, victim.name());
      victim.start();
      victim.awaitApi(START);
    } else {
      tally.missed(phase);
    }
    Map<String, String> ends = awaitEnds(pulls);
    wire += onWire() - wireAtStart;
    long counted = 0;
    for (Transfer t : pulls) {
      counted += check(t, ends.get(t.channel()));
    }
    tally.extraBytes += wire - counted;
    tally.countedBytes += counted;
    System.out.printf(
        Locale.ROOT,
        "round %d: %s, %s%s; so far %s%n",
        n + 1,
        phase.name().toLowerCase(Locale.ROOT),
        killed ? "killed " : "phase not seen, no kill",
        killed ? victim.name() : "",
        tally.summary());
  }

  /** A new file of 1 KiB to the largest size, imported on the provider: root, SHA-256, size. */
  private String[] importOnProvider() throws Exception {
    long size = 1024L * (1 + random.nextInt(largestKiB));
    Path f = dir.resolve("in-" + files++);
    SplittableRandom bytes = new SplittableRandom(random.nextLong());
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (OutputStream out = Files.newOutputStream(f)) {
      byte[] chunk = new byte[8192];
      for (long done = 0; done < size; done += chunk.length) {
        int n = (int) Math.min(chunk.length, size - done);
        for (int j = 0; j < n; j++) {
          chunk[j] = (byte) bytes.nextInt(256);
        }
        out.write(chunk, 0, n);
        sha.update(chunk, 0, n);
      }
    }
    ObjectNode body = ApiClient.json().createObjectNode().put("path", f.toString());
    JsonNode imported = provider.api().post("/v1/blocks/import", body);
    Files.delete(f);
    return new String[] {
      imported.get("root").asText(), HexFormat.of().formatHex(sha.digest()), Long.toString(size)
    };
  }

  private String pull(String from, String root) throws IOException {
    ObjectNode body = ApiClient.json().createObjectNode();
    body.put("from", from).put("root", root);
    body.putObject("voucher")
        .put("type", "ferry/paid-retrieval/proposal/1")
        .putObject("value")
        .putObject("terms")
        .put("pricePerByte", PRICE)
        .put("paymentInterval", INTERVAL)
        .put("paymentIntervalIncrease", 0)
        .put("unsealPrice", 0);
    return client.api().post("/v1/channels/pull", body).get("id").asText();
  }

  /** Statuses of the round's channels on one node, by channel ID (absent: not known there). */
  private static Map<String, JsonNode> views(ChildNode node, List<Transfer> pulls) {
    return views(node, pulls, "/v1/channels");
  }

  private static Map<String, JsonNode> views(ChildNode node, List<Transfer> pulls, String path) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    try {
      JsonNode all = node.api().get(path);
      JsonNode list = all.isArray() ? all : all.path("channels");
      for (JsonNode c : list) {
        out.put(c.path("id").asText(), c);
      }
    } catch (IOException | RuntimeException e) {
      // the node is restarting; nothing seen this time
    }
    out.keySet().retainAll(pulls.stream().map(Transfer::channel).toList());
    return out;
  }

  /** Waits until a channel of the round is in {@code phase} (true), or all ended first (false). */
  private boolean awaitPhase(List<Transfer> pulls, Phase phase) throws InterruptedException {
    long deadline = System.nanoTime() + ROUND.toNanos();
    String active = "/v1/channels?active=true";
    while (System.nanoTime() < deadline) {
      Map<String, JsonNode> c = views(client, pulls, active);
      Map<String, JsonNode> p = views(provider, pulls, active);
      boolean allEnded = c.isEmpty() && p.isEmpty();
      for (JsonNode v : c.values()) {
        if (inPhase(v, phase)) {
          return true;
        }
      }
      for (JsonNode v : p.values()) {
        if (inPhase(v, phase)) {
          return true;
        }
      }
      if (allEnded) {
        return false;
      }
      Thread.sleep(5);
    }
    return false;
  }

  private static boolean inPhase(JsonNode v, Phase phase) {
    String s = v.path("status").asText();
    return switch (phase) {
      case REQUESTED -> s.equals("Requested") || s.equals("AwaitingAcceptance");
      // Data moving, seen from either side: the client received some, or the provider sent some
      // (a client's view alone missed the phase in 1 of 4 rounds of a 20 x 50 run).
      case ONGOING ->
          s.equals("Ongoing")
              && (v.path("receivedBytes").asLong() > 0 || v.path("sentBytes").asLong() > 0);
      case PAUSED -> s.equals("ResponderPaused") || v.path("responderPaused").asBoolean();
      case FINALIZING -> s.startsWith("ResponderFinalizing") || s.equals("Finalizing");
      case COMPLETING -> s.equals("Completing") || s.equals("TransferFinished");
    };
  }

  private static boolean terminal(String status) {
    return status.equals("Completed") || status.equals("Failed") || status.equals("Cancelled");
  }

  /**
   * Waits for every channel of the round to end on both sides; the client's status of each (or the
   * last seen). Gives up after {@link #ROUND}, or once the round has stood still for {@link
   * #QUIET}: no channel of it changed on either node (status, bytes, restart attempts, last update)
   * while both nodes answered. Channels still not ended then are stuck (a recovery in progress
   * changes something well within that: the harness's restart backoff is at most 2 s).
   */
  private Map<String, String> awaitEnds(List<Transfer> pulls) throws InterruptedException {
    long deadline = System.nanoTime() + ROUND.toNanos();
    long quietSince = System.nanoTime();
    Map<String, String> last = new LinkedHashMap<>();
    Map<String, String> seen = new LinkedHashMap<>();
    while (System.nanoTime() < deadline) {
      Map<String, JsonNode> c = views(client, pulls);
      Map<String, JsonNode> p = views(provider, pulls);
      c.forEach((id, v) -> last.put(id, v.path("status").asText()));
      if (c.size() == pulls.size()
          && last.values().stream().allMatch(ChaosBench::terminal)
          && p.values().stream().allMatch(v -> terminal(v.path("status").asText()))) {
        return last;
      }
      Map<String, String> now = new LinkedHashMap<>();
      c.forEach((id, v) -> now.put("c " + id, fingerprint(v)));
      p.forEach((id, v) -> now.put("p " + id, fingerprint(v)));
      boolean bothAnswered = !c.isEmpty() && !p.isEmpty();
      if (!bothAnswered || !now.equals(seen)) {
        seen = now;
        quietSince = System.nanoTime();
      } else if (System.nanoTime() - quietSince > QUIET.toNanos()) {
        tally.note(
            "round stood still for "
                + QUIET.toSeconds()
                + " s; client "
                + describe(c)
                + "; provider "
                + describe(p));
        saveDiagnostics();
        return last;
      }
      Thread.sleep(200);
    }
    return last;
  }

  /** What changes while a channel makes progress or recovers. */
  private static String fingerprint(JsonNode v) {
    return v.path("status").asText()
        + "/"
        + v.path("receivedBytes").asLong()
        + "/"
        + v.path("queuedBytes").asLong()
        + "/"
        + v.path("restartAttempts").asLong()
        + "/"
        + v.path("updatedAt").asText();
  }

  /** The channels not ended, with status and message, for the notes. */
  private static String describe(Map<String, JsonNode> views) {
    List<String> out = new ArrayList<>();
    views.forEach(
        (id, v) -> {
          String s = v.path("status").asText();
          if (!terminal(s)) {
            out.add(
                id.substring(id.lastIndexOf('-') + 1)
                    + " "
                    + s
                    + (v.path("stalled").asBoolean() ? " (stalled)" : "")
                    + (v.path("message").asText().isEmpty()
                        ? ""
                        : ": " + v.path("message").asText()));
          }
        });
    return out.toString();
  }

  /**
   * Keeps what a stuck round leaves to read beside the nodes' logs: each node's threads ({@code
   * jstack}: a lock both wait on shows there) and its metrics (memory budget, slots), in {@code
   * stuck-<n>-<node>.threads} and {@code .metrics} under the work directory.
   */
  private void saveDiagnostics() {
    stuckRounds++;
    for (ChildNode node : List.of(client, provider)) {
      String name = "stuck-" + stuckRounds + "-" + node.name();
      try {
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                "-l",
                Long.toString(node.pid()))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(name + ".threads").toFile())
            .start()
            .waitFor();
        Files.writeString(dir.resolve(name + ".metrics"), metrics(node));
      } catch (IOException e) {
        System.err.println("could not save " + name + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** A node's metrics page, or empty when it does not answer. */
  private static String metrics(ChildNode node) throws InterruptedException {
    try {
      return java.net.http.HttpClient.newHttpClient()
          .send(
              java.net.http.HttpRequest.newBuilder(java.net.URI.create(node.apiUrl() + "/metrics"))
                  .header("Authorization", "Bearer " + node.token())
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString())
          .body();
    } catch (IOException e) {
      return "";
    }
  }

  /**
   * The block bytes the provider read off the wire counter of its metrics (0 while it restarts):
   * every block sent, repeats included.
   */
  private long onWire() {
    try {
      java.net.http.HttpResponse<String> r =
          java.net.http.HttpClient.newHttpClient()
              .send(
                  java.net.http.HttpRequest.newBuilder(
                          java.net.URI.create(provider.apiUrl() + "/metrics"))
                      .header("Authorization", "Bearer " + provider.token())
                      .build(),
                  java.net.http.HttpResponse.BodyHandlers.ofString());
      for (String line : r.body().split("\n")) {
        if (line.startsWith("ferry_sent_block_bytes_on_wire_total ")) {
          return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).strip());
        }
      }
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /** Checks one transfer; returns the bytes the client counted for it (the DAG's, if complete). */
  private long check(Transfer t, String status) throws Exception {
    tally.transfers++;
    if (status == null || !terminal(status)) {
      tally.stuck++;
      tally.note("stuck: " + t.channel() + " " + status);
      return 0;
    }
    JsonNode mine = client.api().get("/v1/channels/" + t.channel());
    if (!status.equals("Completed")) {
      tally.lost++;
      tally.note("lost: " + t.channel() + " " + status + ": " + mine.path("message").asText());
      return mine.path("receivedBytes").asLong();
    }
    Path out = dir.resolve("out-" + t.channel().hashCode());
    client
        .api()
        .post(
            "/v1/export",
            ApiClient.json().createObjectNode().put("root", t.root()).put("path", out.toString()));
    String sha = sha256(out);
    Files.deleteIfExists(out);
    if (!sha.equals(t.sha256())) {
      tally.corrupt++;
      tally.note("corrupt: " + t.channel());
    }
    JsonNode theirs = provider.api().get("/v1/channels/" + t.channel());
    long received = mine.path("receivedBytes").asLong();
    long sent = theirs.path("sentBytes").asLong();
    long paid = paidFor(t.channel());
    if (paid != PRICE * received || !theirs.path("status").asText().equals("Completed")) {
      tally.paymentMismatches++;
      tally.note(
          "payment: "
              + t.channel()
              + " received "
              + received
              + ", paid "
              + paid
              + ", provider "
              + theirs.path("status").asText()
              + " sent "
              + sent);
    }
    if (sent != received) {
      tally.counterMismatches++;
      tally.note("counters: " + t.channel() + " provider sent " + sent + ", received " + received);
    }
    return received;
  }

  /** What the client paid for the channel in all, as its payments view says. */
  private long paidFor(String channel) throws IOException {
    return client.api().get("/v1/channels/" + channel + "/payments").path("paid").asLong(-1);
  }

  private static String sha256(Path f) throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = Files.newInputStream(f)) {
      byte[] b = new byte[1 << 16];
      for (int n; (n = in.read(b)) > 0; ) {
        sha.update(b, 0, n);
      }
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}
