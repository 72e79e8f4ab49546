package io.ferry.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.ChannelId;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestPostgres;
import io.ferry.cli.ApiClient;
import io.ferry.validators.paid.PaidChannel;
import io.ferry.validators.paid.ResponderLedger;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A member serving an outside provider is killed in the middle of a pull: another member takes the
 * provider over and the pull completes with the provider's bytes. The provider, which the cluster
 * had dialed, learned every member's address from the killed member's handshake and dials a
 * survivor itself. Blocks and payment ledgers are shared by the members (in PostgreSQL), so the
 * survivor resumes after the blocks the gone member stored, every surviving member exports the same
 * bytes, and a paid pull pays each byte once on both ledgers. A first seed killed in the completion
 * window of a pull it hosts (its last block stored, the end not yet settled) leaves the pull
 * Completed once on a survivor, and started again it rejoins the running cluster. (A member stopped
 * with SIGTERM hands its pulls over in ClusterRollingRestartTest.) Each kill prints how long the
 * channel took to move data again on a survivor, read from the channel's journal.
 *
 * <p>The free pull moves 64 MiB and its member is killed once half of it arrived, so that what was
 * stored before the kill (at least 16 MiB beyond what can be in flight) would show if it were
 * fetched again; {@code -Dferry.test.failover-mib=N} makes it N MiB (256 for an operator's large
 * transfer, as the scenario has it). The cases share one cluster (started once, a member
 * being what a case kills): the member an earlier case killed is started again and the next case
 * begins once all three are up, as an operator's cluster after a failover. Each pull has a provider
 * of its own with bytes of its own, so no case finds another's blocks in the shared store.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ResourceLock("ferry-cluster")
class ClusterFailoverTest {
  private static final Duration WAIT = Duration.ofMinutes(4);
  private static final long MIB = 1 << 20;
  private static final int FREE_SIZE =
      (int) (Integer.getInteger("ferry.test.failover-mib", 64) * MIB);
  private static final int PAID_SIZE = (int) (12 * MIB);
  private static final int ENDING_SIZE = (int) (8 * MIB);

  /** Events of a receiving channel that say data arrived (or that all of it had). */
  private static final java.util.Set<String> MOVING =
      java.util.Set.of("DataReceived", "DataReceivedProgress", "FinishTransfer", "Complete");

  /** The statuses of a pull between its last block stored and Completed. */
  private static final java.util.Set<String> ENDING =
      java.util.Set.of(
          "TransferFinished",
          "ResponderCompleted",
          "Finalizing",
          "Completing",
          "ResponderFinalizing",
          "ResponderFinalizingTransferFinished");

  /**
   * What a receiving channel can have asked for and not stored when its member dies: its credit
   * window (8 MiB) plus one progress batch stored but not yet counted (8 MiB).
   */
  private static final long IN_FLIGHT = 16 * MIB;

  private static final String PROPOSAL = "ferry/paid-retrieval/proposal/1";

  @TempDir(cleanup = CleanupMode.ON_SUCCESS)
  static Path dir;

  private TestPostgres.Database db;
  private FerryCluster cluster;
  private MemberJvm provider;
  private Path file;
  private String root;
  private long blocks;

  @BeforeAll
  void start() throws Exception {
    db = TestPostgres.freshDatabase();
    cluster =
        FerryCluster.start(
            dir,
            new FerryCluster.Journal(db.url(), db.user(), db.password()),
            3,
            "ferry.payments.budget = 1000000000\n");
  }

  /**
   * Starts an outside provider named {@code name} and imports {@code size} random bytes (of its
   * own) into it.
   */
  private void provide(String name, int size, String config) throws Exception {
    provider = cluster.startOutsidePeer(name, config);
    file = dir.resolve(name + ".bin");
    Random random = new Random(name.hashCode());
    byte[] chunk = new byte[(int) MIB];
    try (OutputStream out = Files.newOutputStream(file)) {
      for (int written = 0; written < size; written += chunk.length) {
        random.nextBytes(chunk);
        out.write(chunk, 0, Math.min(chunk.length, size - written));
      }
    }
    JsonNode imported = provider.api().post("/v1/blocks/import", Map.of("path", file.toString()));
    root = imported.path("root").asText();
    blocks = imported.path("blocks").asLong();
  }

  /**
   * Starts the member an earlier case killed or stopped again: each case begins with three members
   * up (the last case leaves its member down; the cluster is closed after it).
   */
  @BeforeEach
  void restoreTheCluster() throws Exception {
    for (int i = 0; i < cluster.members().size(); i++) {
      if (!cluster.member(i).isAlive()) {
        cluster.restart(i);
      }
    }
    cluster.awaitMembersUp(3);
  }

  @AfterEach
  void stopTheProvider() throws Exception {
    if (provider != null) {
      provider.close();
      provider = null;
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
  void aFreePullWhoseMemberIsKilledResumesOnASurvivorWithoutFetchingStoredBlocksAgain()
      throws Exception {
    provide("provider-free", FREE_SIZE, "ferry.rate-limits.upload = 16 MiB\n");
    // The members ran earlier cases: only what their stores did from here on counts.
    Map<MemberJvm, double[]> before = new java.util.HashMap<>();
    for (MemberJvm m : cluster.running()) {
      before.put(m, storeCounters(m));
    }
    String id = pull(null);
    MemberJvm serving = servingMember(id, FREE_SIZE / 2);
    long storedBefore = failOver(serving, id);

    List<MemberJvm> survivors = cluster.running();
    assertTheProviderRedialedASurvivor(survivors);
    awaitCompleted(survivors.get(0), id);
    double fetchedAgain = 0;
    double fetched = 0;
    for (MemberJvm m : survivors) {
      double[] now = storeCounters(m);
      double[] then = before.get(m);
      fetchedAgain += now[1] - then[1];
      fetched += now[0] - then[0] + now[1] - then[1];
    }
    long blockSize = FREE_SIZE / blocks;
    System.out.printf(
        "%d of %d blocks stored before the kill; the survivors stored %.0f, %.0f of them held"
            + " already%n",
        storedBefore / blockSize, blocks, fetched, fetchedAgain);
    assertThat(fetchedAgain * blockSize)
        .as("bytes of stored blocks the survivors fetched again")
        .isLessThanOrEqualTo(IN_FLIGHT);
    assertThat(fetched * blockSize)
        .as("bytes the survivors fetched, %d of %d stored before the kill", storedBefore, FREE_SIZE)
        .isLessThanOrEqualTo(FREE_SIZE - storedBefore + IN_FLIGHT);
    exportFromEach(survivors);
  }

  @Test
  void aPaidPullWhoseMemberIsKilledPaysEveryByteExactlyOnceOnBothLedgers() throws Exception {
    provide(
        "provider-paid",
        PAID_SIZE,
        """
        ferry.validators.settings.paid-retrieval {
          price-per-byte = 1, payment-interval = 1048576, payment-interval-increase = 0
        }
        ferry.rate-limits.upload = 2 MiB
        """);
    String id =
        pull(
            Map.of(
                "type",
                PROPOSAL,
                "value",
                Map.of(
                    "terms",
                    Map.of(
                        "pricePerByte", 1,
                        "paymentInterval", MIB,
                        "paymentIntervalIncrease", 0,
                        "unsealPrice", 0))));
    MemberJvm serving = servingMember(id, 4 * MIB);
    failOver(serving, id);

    List<MemberJvm> survivors = cluster.running();
    awaitCompleted(survivors.get(0), id);
    exportFromEach(survivors);
    // The DAG's bytes: the file's and the UnixFS root node's, one unit each.
    long dag = received(survivors.get(0).api(), id);
    assertThat(dag).isGreaterThan(PAID_SIZE);
    long vouchers = -1;
    for (MemberJvm m : survivors) {
      JsonNode paid =
          Poll.until(
              WAIT,
              "the client ledger to settle " + id + " as seen by " + m,
              () -> m.api().get("/v1/channels/" + id + "/payments"),
              p -> p.path("state").asText().equals("Completed"));
      assertThat(paid.path("paid").asLong()).as("paid, as %s sees it: %s", m, paid).isEqualTo(dag);
      assertThat(paid.path("spent").asLong()).as("spent: %s", paid).isEqualTo(dag);
      assertThat(paid.path("lastNonce").asLong())
          .as("one nonce per voucher, none used twice: %s", paid)
          .isEqualTo(paid.path("vouchers").asLong());
      vouchers = paid.path("vouchers").asLong();
    }

    // The provider's own ledger, read from its home once it stopped.
    provider.terminate();
    try (ResponderLedger ledger =
        ResponderLedger.open(provider.home().resolve("validators").resolve("paid-retrieval"))) {
      PaidChannel account = ledger.channel(ChannelId.parse(id)).orElseThrow();
      assertThat(account.received()).as("received by the provider: %s", account).isEqualTo(dag);
      assertThat(account.bytesSent()).as("sent, counted once: %s", account).isEqualTo(dag);
      assertThat(account.outstanding()).isZero();
      assertThat(account.finished() || account.settled())
          .as("the provider's books say the channel sent everything: %s", account)
          .isTrue();
      assertThat(account.payments())
          .as("payments credited, each voucher at most once")
          .isBetween(1L, vouchers);
    }
  }

  /**
   * The first seed hosts a pull and is killed (SIGKILL) in its completion window: once the pull
   * stored its last block, while it and its provider settle the end. A survivor ends the channel
   * Completed once, with the provider's bytes and exact counters; the seed, started again, rejoins
   * the running cluster. (One kill for both, so the case costs one member start, not two.)
   */
  @Test
  void aSeedKilledAsItsPullCompletesLeavesItCompletedOnceAndRejoinsWhenStartedAgain()
      throws Exception {
    MemberJvm firstSeed = cluster.member(0);
    provide("provider-ending", ENDING_SIZE, "ferry.rate-limits.upload = 4 MiB\n");
    String id = pull(null);
    MemberJvm serving =
        Poll.until(WAIT, "the member serving the provider", this::servingMember, m -> m != null);
    assertThat(serving.name())
        .as("the member whose API opened the pull serves its new provider")
        .isEqualTo(firstSeed.name());
    JsonNode ending =
        Poll.until(
            WAIT,
            id + " to store its last block",
            () -> view(firstSeed, id),
            v ->
                ENDING.contains(v.path("status").asText())
                    || v.path("expectedBytes").asLong() > 0
                        && v.path("receivedBytes").asLong() >= v.path("expectedBytes").asLong());
    firstSeed.kill();
    java.time.Instant killed = java.time.Instant.now();

    List<MemberJvm> survivors = cluster.running();
    awaitCompleted(survivors.get(0), id);
    JsonNode done = survivors.get(0).api().get("/v1/channels/" + id);
    long dag = done.path("expectedBytes").asLong();
    assertThat(dag).as("%s", done).isGreaterThan(ENDING_SIZE);
    assertThat(done.path("receivedBytes").asLong()).as("bytes received: %s", done).isEqualTo(dag);
    assertThat(done.path("receivedBlocks").asLong())
        .as("blocks received: %s", done)
        .isEqualTo(blocks);
    JsonNode sent =
        Poll.until(
            WAIT,
            "the provider's side of " + id + " to end",
            () -> view(provider, id),
            c -> c.path("status").asText().equals("Completed"));
    assertThat(sent.path("sentBytes").asLong()).as("bytes the provider sent").isEqualTo(dag);
    assertThat(sent.path("sentBlocks").asLong()).as("blocks it sent").isEqualTo(blocks);
    List<JsonNode> history = events(survivors.get(0), id);
    // CleanupComplete is the one move into Completed (Completing -> Completed).
    long completions =
        history.stream().filter(e -> e.path("code").asText().equals("CleanupComplete")).count();
    assertThat(completions).as("times %s became Completed: %s", id, history).isEqualTo(1);
    System.out.printf(
        "the seed was killed with its pull %s (%d of %d bytes counted); Completed on a survivor"
            + " %.1f s later%n",
        ending.path("status").asText(),
        ending.path("receivedBytes").asLong(),
        ending.path("expectedBytes").asLong(),
        history.stream()
                .filter(e -> e.path("code").asText().equals("CleanupComplete"))
                .map(e -> java.time.Instant.parse(e.path("timestamp").asText()))
                .mapToLong(at -> java.time.Duration.between(killed, at).toMillis())
                .findFirst()
                .orElse(-1)
            / 1e3);
    assertThat(history.stream().map(e -> e.path("sequenceNr").asLong()).distinct().count())
        .as("one writer: every event of %s has a place of its own", id)
        .isEqualTo(history.size());
    exportFromEach(survivors);

    cluster.restart(0);
    cluster.awaitMembersUp(3);
    JsonNode view = firstSeed.cluster();
    assertThat(FerryCluster.up(view))
        .as("the restarted first seed sees the members that kept running")
        .contains(cluster.clusterAddress(1), cluster.clusterAddress(2));
    assertThat(view.path("oldest").asText())
        .as("and is not the oldest: it joined, it did not start a cluster")
        .isNotEqualTo(cluster.clusterAddress(0));
    for (MemberJvm m : cluster.members()) {
      assertThat(m.log()).as(m.name() + "'s log").doesNotContain("event_journal_pkey");
    }
    String status = firstSeed.ferry("cluster", "status");
    assertThat(status.lines().filter(l -> l.contains(" Up ")).count())
        .as("ferry cluster status:\n" + status)
        .isEqualTo(3);
    assertThat(status).contains("(this member)").contains("oldest");
  }

  /** The channel {@code id} as {@code m} shows it, or a status saying why it could not. */
  private static JsonNode view(MemberJvm m, String id) {
    try {
      return m.api().get("/v1/channels/" + id);
    } catch (RuntimeException e) {
      return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance
          .objectNode()
          .put("status", "unreadable: " + e.getMessage());
    }
  }

  /** The events of channel {@code id} in the shared journal, as {@code m}'s /v1/events has them. */
  private static List<JsonNode> events(MemberJvm m, String id) throws IOException {
    List<JsonNode> events = new java.util.ArrayList<>();
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : m.getText("/v1/events?follow=false&channel=" + id).split("\n")) {
      if (line.startsWith("data:")) {
        events.add(json.readTree(line.substring("data:".length())));
      }
    }
    return events;
  }

  /**
   * The provider found the cluster again at a surviving member's address, dialing it itself: the
   * address its /v1/peers shows for the cluster is the one a handshake over its own dial confirmed,
   * and it knew the survivors' addresses only from the killed member's handshake (the cluster had
   * dialed it, and the provider was given no address).
   */
  private void assertTheProviderRedialedASurvivor(List<MemberJvm> survivors) {
    String node = survivors.get(0).peerAddress().replaceAll(".*/p2p/", "");
    List<String> at = survivors.stream().map(MemberJvm::peerAddress).toList();
    JsonNode known = null;
    for (JsonNode p : provider.api().get("/v1/peers")) {
      if (p.path("peerId").asText().equals(node)) {
        known = p;
      }
    }
    assertThat(known).as("the cluster in the provider's peers").isNotNull();
    assertThat(known.path("addresses").toString())
        .as("the cluster's address the provider dialed, one of the survivors' %s", at)
        .containsAnyOf(at.toArray(String[]::new));
  }

  /** A member's block store counters: blocks added, blocks it already held. */
  private static double[] storeCounters(MemberJvm m) {
    return new double[] {
      m.metric("ferry_block_store_added_blocks_total"),
      m.metric("ferry_block_store_already_held_blocks_total")
    };
  }

  /** Opens the pull through member 1's API; returns the channel ID. */
  private String pull(Map<String, Object> voucher) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("from", provider.peerAddress());
    body.put("root", root);
    if (voucher != null) {
      body.put("voucher", voucher);
    }
    return cluster.member(0).api().post("/v1/channels/pull", body).path("id").asText();
  }

  /** The member serving the provider, once the channel received {@code bytes}. */
  private MemberJvm servingMember(String id, long bytes) {
    MemberJvm serving =
        Poll.until(WAIT, "the member serving the provider", this::servingMember, m -> m != null);
    Poll.until(
        WAIT,
        id + " to have received " + bytes + " bytes",
        () -> received(serving.api(), id) >= bytes);
    return serving;
  }

  /**
   * Kills {@code serving} (SIGKILL) and waits until the pull moves data again on a survivor;
   * returns what the channel had counted when its member went.
   */
  private long failOver(MemberJvm serving, String id) throws Exception {
    long counted = received(serving.api(), id);
    // The oldest member runs the sharding coordinator: a kill of it (on a fresh cluster, the
    // first seed) moves the coordinator too; a later kill of another member leaves it running.
    String self = cluster.clusterAddress(cluster.members().indexOf(serving));
    boolean coordinator = serving.cluster().path("oldest").asText().equals(self);
    serving.kill();
    java.time.Instant killed = java.time.Instant.now();
    MemberJvm survivor = cluster.running().get(0);
    // The channel answers again once a survivor hosts it; data moves once it resumed.
    long recovered =
        Poll.until(WAIT, id + " to answer again", () -> received(survivor.api(), id), n -> n >= 0);
    try {
      Poll.until(
          WAIT,
          id + " to move data again",
          () ->
              received(survivor.api(), id) > recovered
                  || status(survivor.api(), id).equals("Completed"));
    } catch (AssertionError e) {
      List<MemberJvm> nodes = new java.util.ArrayList<>(cluster.running());
      nodes.add(provider);
      throw new AssertionError(e.getMessage() + "; " + ChannelReport.of(id, nodes), e);
    }
    // Timed from the journal, not from these reads: a read of the channel sent while its member
    // was dead waits for the API's request timeout (30 s) before the next one is sent.
    java.time.Instant restarted = null;
    java.time.Instant moved = null;
    List<String> after = new java.util.ArrayList<>();
    for (JsonNode e : events(survivor, id)) {
      java.time.Instant at = java.time.Instant.parse(e.path("timestamp").asText());
      if (at.isAfter(killed)) {
        after.add(
            String.format(
                "%.1f s %s",
                java.time.Duration.between(killed, at).toMillis() / 1e3, e.path("code").asText()));
        restarted = restarted == null ? at : restarted;
        if (moved == null && MOVING.contains(e.path("code").asText())) {
          moved = at;
        }
      }
    }
    System.out.printf(
        "SIGKILL of the serving member (%s): the channel's first event on a survivor after %.1f s,"
            + " data moving again after %.1f s%n",
        coordinator ? "the oldest, with the sharding coordinator" : "not the oldest",
        restarted == null
            ? Double.NaN
            : java.time.Duration.between(killed, restarted).toMillis() / 1e3,
        moved == null ? Double.NaN : java.time.Duration.between(killed, moved).toMillis() / 1e3);
    System.out.println(
        "the channel's first events after the kill: "
            + after.subList(0, Math.min(8, after.size())));
    List<MemberJvm> nodes = new java.util.ArrayList<>(cluster.running());
    nodes.add(provider);
    System.out.println(
        FailoverTimeline.of(
            killed,
            FailoverTimeline.afterAKill(provider.peerAddress().replaceAll(".*/p2p/", "")),
            nodes));
    return counted;
  }

  private void awaitCompleted(MemberJvm member, String id) {
    String status =
        Poll.until(
            WAIT,
            id + " to end",
            () -> status(member.api(), id),
            s -> s.equals("Completed") || s.equals("Failed") || s.equals("Cancelled"));
    List<MemberJvm> nodes = new java.util.ArrayList<>(cluster.running());
    nodes.add(provider);
    assertThat(status).as(() -> ChannelReport.of(id, nodes)).isEqualTo("Completed");
  }

  /** Every surviving member exports the DAG, byte for byte the provider's file. */
  private void exportFromEach(List<MemberJvm> survivors) throws IOException {
    assertThat(survivors).hasSize(2);
    for (MemberJvm m : survivors) {
      Path copy = dir.resolve("copy-from-" + m.name() + ".bin");
      m.api().post("/v1/export", Map.of("root", root, "path", copy.toString()));
      assertThat(sameBytes(file, copy)).as("the copy exported by %s", m).isTrue();
      Files.delete(copy);
    }
  }

  private static boolean sameBytes(Path a, Path b) throws IOException {
    if (Files.size(a) != Files.size(b)) {
      return false;
    }
    try (InputStream x = Files.newInputStream(a);
        InputStream y = Files.newInputStream(b)) {
      byte[] bx = new byte[(int) MIB];
      byte[] by = new byte[(int) MIB];
      int n;
      while ((n = x.readNBytes(bx, 0, bx.length)) > 0) {
        if (y.readNBytes(by, 0, n) != n || !java.util.Arrays.equals(bx, 0, n, by, 0, n)) {
          return false;
        }
      }
    }
    return true;
  }

  /** The running member connected to the provider, or null. */
  private MemberJvm servingMember() {
    String peer = provider.peerAddress().replaceAll(".*/p2p/", "");
    for (MemberJvm m : cluster.running()) {
      try {
        for (JsonNode p : m.api().get("/v1/peers")) {
          if (p.path("peerId").asText().equals(peer) && p.path("connected").asBoolean()) {
            return m;
          }
        }
      } catch (RuntimeException e) {
        // not serving yet
      }
    }
    return null;
  }

  private static long received(ApiClient api, String id) {
    try {
      return api.get("/v1/channels/" + id).path("receivedBytes").asLong();
    } catch (RuntimeException e) {
      return -1;
    }
  }

  private static String status(ApiClient api, String id) {
    try {
      return api.get("/v1/channels/" + id).path("status").asText();
    } catch (RuntimeException e) {
      return "unreadable: " + e.getMessage();
    }
  }
}
