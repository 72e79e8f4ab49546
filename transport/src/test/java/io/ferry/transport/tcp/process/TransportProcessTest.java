package io.ferry.transport.tcp.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes in separate JVMs on 127.0.0.1, each with its own key and LevelDB store: a provider holds
 * the DAGs; fresh nodes pull them, take a push, get refused, receive a corrupted block, pause, lose
 * their connection and get killed mid-transfer.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TransportProcessTest {
  private static final Duration LONG = Duration.ofMinutes(3);
  private static final Duration SHORT = Duration.ofSeconds(60);
  private static final long MIB = 1 << 20;

  @TempDir static Path dir;
  private PeerProcess provider;
  private Dag big;

  /** A DAG imported on the provider. */
  record Dag(String root, long blocks, long bytes, String sha256) {
    static Dag of(String importedLine) {
      String[] w = importedLine.split(" ");
      return new Dag(w[1], Long.parseLong(w[2]), Long.parseLong(w[3]), w[4]);
    }
  }

  @BeforeAll
  void startProvider() throws Exception {
    provider = new PeerProcess("provider", dir.resolve("provider")).start();
  }

  /** The 256 MiB DAG, imported on the provider when a test first needs it. */
  private synchronized Dag big() {
    if (big == null) {
      big = Dag.of(provider.call("import 256 1", "imported", LONG));
    }
    return big;
  }

  @AfterAll
  void stopProvider() throws Exception {
    provider.close();
  }

  private PeerProcess node(String name, String... args) throws Exception {
    return new PeerProcess(name, dir.resolve(name), args).start();
  }

  private static String exported(PeerProcess p, Dag dag) {
    return p.call("export " + dag.root(), "exported", LONG).split(" ")[1];
  }

  @Test
  void aPulled256MiBFileIsByteIdenticalAfterExportAndNoBlockIsSentTwice() throws Exception {
    Dag big = big();
    try (PeerProcess client = node("puller")) {
      int mark = provider.mark();

      client.call("pull " + provider.address() + " " + big.root() + " 1", "pulling 1 0", SHORT);
      String done = client.await(0, l -> l.startsWith("finished 1"), LONG);

      assertThat(done).isEqualTo("finished 1 receiver ok");
      provider.await(mark, l -> l.startsWith("finished 1"), SHORT);
      assertThat(exported(client, big)).isEqualTo(big.sha256());
      assertThat(provider.progress(1, "SENT", true, mark)).isEqualTo(big.bytes());
      assertThat(client.progress(1, "RECEIVED", false, 0)).isEqualTo(big.blocks());
    }
  }

  @Test
  void aPushed256MiBFileIsByteIdenticalAfterExport() throws Exception {
    Dag big = big();
    try (PeerProcess receiver = node("pushed-to")) {
      int mark = provider.mark();

      provider.call("push " + receiver.address() + " " + big.root() + " 2", "pushing 2", SHORT);
      String done = provider.await(mark, l -> l.startsWith("finished 2"), LONG);

      assertThat(done).isEqualTo("finished 2 sender ok");
      receiver.await(0, l -> l.startsWith("finished 2 receiver ok"), SHORT);
      assertThat(exported(receiver, big)).isEqualTo(big.sha256());
    }
  }

  @Test
  void aPushToANodeThatHoldsTheDagSendsNoBlockAgain() throws Exception {
    Dag dag = Dag.of(provider.call("import 8 5", "imported", LONG));
    try (PeerProcess receiver = node("holder")) {
      receiver.call("pull " + provider.address() + " " + dag.root() + " 3", "pulling 3", SHORT);
      receiver.await(0, l -> l.startsWith("finished 3 receiver ok"), LONG);
      int mark = provider.mark();

      provider.call("push " + receiver.address() + " " + dag.root() + " 4", "pushing 4", SHORT);
      provider.await(mark, l -> l.startsWith("finished 4 sender ok"), LONG);

      assertThat(provider.progress(4, "SENT", true, mark)).isZero();
    }
  }

  @Test
  void dialingAnAddressWhosePeerIdDoesNotMatchTheKeyPresentedFails() throws Exception {
    try (PeerProcess stranger = node("stranger")) {
      String[] a = provider.address().split("/p2p/");
      String wrong = a[0] + "/p2p/" + stranger.peerId();

      String answer = stranger.call("connect " + wrong, "connect-", SHORT);

      assertThat(answer)
          .startsWith("connect-failed")
          .contains("dialed " + stranger.peerId() + " but the peer presented " + provider.peerId());
    }
  }

  @Test
  void aNodeThatIsNotOnTheAllowlistIsRefusedWhileAllowedPeersAreServed() throws Exception {
    try (PeerProcess friend = node("friend");
        PeerProcess guarded = node("guarded", "--allow", friend.peerId());
        PeerProcess stranger = node("outsider")) {
      String refused = stranger.call("connect " + guarded.address(), "connect-", SHORT);
      String accepted = friend.call("connect " + guarded.address(), "connect-", SHORT);

      assertThat(refused).startsWith("connect-failed");
      assertThat(accepted).isEqualTo("connect-ok " + guarded.peerId());
      assertThat(Files.readString(guarded.home.resolve("stderr.log")))
          .contains("peer " + stranger.peerId() + " is not on this node's allowlist");
    }
  }

  @Test
  void aCorruptedBlockFailsTheChannelNamingItsCid() throws Exception {
    Dag dag = Dag.of(provider.call("import 6 2", "imported", LONG));
    String victim = provider.call("cid " + dag.root() + " 3", "cid", SHORT).split(" ")[2];
    provider.send("corrupt " + victim);
    try (PeerProcess client = node("victim")) {
      client.call("pull " + provider.address() + " " + dag.root() + " 5", "pulling", SHORT);

      String failed = client.await(0, l -> l.startsWith("finished 5"), LONG);

      assertThat(failed)
          .startsWith("finished 5 receiver block " + victim + " does not match its CID");
      assertThat(provider.await(0, l -> l.startsWith("finished 5"), SHORT))
          .startsWith("finished 5 sender the receiving peer failed: block " + victim);
      assertThat(client.call("roundtrip " + provider.address() + " 50", "echoed 50", SHORT))
          .isEqualTo("echoed 50");
    }
  }

  @Test
  void aPausedPullHoldsUntilResumedThenCompletesIntact() throws Exception {
    Dag dag = Dag.of(provider.call("import 16 3", "imported", LONG));
    long window = MIB;
    try (PeerProcess client =
        node("pauser", "--window", Long.toString(window), "--download-rate", "8000000")) {
      client.call("pull " + provider.address() + " " + dag.root() + " 6", "pulling", SHORT);
      client.await(0, l -> l.startsWith("progress 6 RECEIVED"), LONG);

      client.call("pause 6", "paused 6", SHORT);
      long atPause = client.progress(6, "RECEIVED", true, 0);
      for (int i = 0; i < 5; i++) {
        client.call(
            "roundtrip " + provider.address() + " " + (100 + i), "echoed " + (100 + i), SHORT);
      }
      long whilePaused = client.progress(6, "RECEIVED", true, 0);

      assertThat(client.lines()).noneMatch(l -> l.startsWith("finished 6"));
      assertThat(whilePaused).isLessThanOrEqualTo(atPause + window + MIB);
      client.call("resume 6", "resumed 6", SHORT);
      assertThat(client.await(0, l -> l.startsWith("finished 6"), LONG))
          .isEqualTo("finished 6 receiver ok");
      assertThat(exported(client, dag)).isEqualTo(dag.sha256());
    }
  }

  @Test
  void aDroppedConnectionRecoversByItselfResendingOnlyWhatWasInFlight() throws Exception {
    Dag dag = Dag.of(provider.call("import 48 4", "imported", LONG));
    long window = 4 * MIB;
    try (PeerProcess client =
        node("dropper", "--window", Long.toString(window), "--download-rate", "24000000")) {
      int mark = provider.mark();
      client.call("pull " + provider.address() + " " + dag.root() + " 7", "pulling", SHORT);
      client.await(0, l -> l.startsWith("progress 7 RECEIVED"), LONG);

      client.send("disconnect " + provider.peerId());
      client.await(0, l -> l.startsWith("peer-disconnected"), SHORT);

      assertThat(client.await(0, l -> l.startsWith("finished 7"), LONG))
          .isEqualTo("finished 7 receiver ok");
      provider.await(mark, l -> l.startsWith("finished 7 sender ok"), SHORT);
      assertThat(exported(client, dag)).isEqualTo(dag.sha256());
      long resent = provider.progress(7, "SENT", true, mark) - dag.bytes();
      assertThat(resent)
          .as(() -> transcript(provider, client, 7, mark))
          .isBetween(0L, window + MIB);
    }
  }

  /** What both sides printed about a transfer and their connection, for a failure message. */
  private static String transcript(PeerProcess sender, PeerProcess receiver, long id, int mark) {
    java.util.function.Predicate<String> about =
        l -> l.startsWith("peer-") || l.matches("\\w+ " + id + " .*");
    String keep = System.getenv("FERRY_KEEP_LOGS");
    if (keep != null) {
      try {
        Files.copy(sender.home.resolve("stderr.log"), Path.of(keep, "sender.log"));
        Files.copy(receiver.home.resolve("stderr.log"), Path.of(keep, "receiver.log"));
      } catch (java.io.IOException e) {
        // diagnostics only
      }
    }
    return "sender: "
        + sender.lines().subList(mark, sender.lines().size()).stream().filter(about).toList()
        + "\nreceiver: "
        + receiver.lines().stream().filter(about).toList()
        + sender.stderr()
        + receiver.stderr();
  }

  @Test
  void aReceiverKilledMidTransferRestartsFromWhatItStoredResendingOnlyWhatWasInFlight()
      throws Exception {
    Dag dag = Dag.of(provider.call("import 48 6", "imported", LONG));
    long window = 4 * MIB;
    // Room in the budget beyond the window: blocks queued for the store return their credit
    // early, so writes are in flight when the receiver is killed.
    long inFlight = 3 * window;
    PeerProcess client =
        node(
            "killed",
            "--window",
            Long.toString(window),
            "--in-flight",
            Long.toString(inFlight),
            "--download-rate",
            "24000000");
    try {
      int mark = provider.mark();
      client.call("pull " + provider.address() + " " + dag.root() + " 8", "pulling 8 0", SHORT);
      client.await(0, l -> l.startsWith("progress 8 RECEIVED"), LONG);

      client.kill();
      provider.await(mark, l -> l.startsWith("peer-disconnected " + client.peerId()), SHORT);
      int restartMark = client.mark();
      client.start();
      String pulling =
          client.call(
              "pull " + provider.address() + " " + dag.root() + " 8 restart", "pulling 8", SHORT);

      assertThat(Long.parseLong(pulling.split(" ")[2])).isPositive();
      assertThat(client.await(restartMark, l -> l.startsWith("finished 8"), LONG))
          .isEqualTo("finished 8 receiver ok");
      provider.await(mark, l -> l.startsWith("finished 8 sender ok"), SHORT);
      assertThat(exported(client, dag)).isEqualTo(dag.sha256());
      long resent = provider.progress(8, "SENT", true, mark) - dag.bytes();
      // What was granted but not stored: at most the peer's in-flight budget (and the block that
      // crossed it).
      assertThat(resent).isBetween(0L, inFlight + MIB);
    } finally {
      client.close();
    }
  }
}
