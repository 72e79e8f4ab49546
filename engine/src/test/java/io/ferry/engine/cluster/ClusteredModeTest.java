package io.ferry.engine.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.VoucherType;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.RecordingTransport;
import io.ferry.channels.testing.TestDags;
import io.ferry.channels.testing.TestPostgres;
import io.ferry.channels.wire.DataTransport;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.engine.FerryNode;
import io.ferry.engine.NodeSettings;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.persistence.journal.PostgresJournalSettings;
import io.ferry.transport.local.LocalNetwork;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clustered mode with real actor systems: two cluster members that present one Ferry peer (Alice)
 * and share a PostgreSQL journal, and an embedded node (Bob) that member A moves data with; member
 * B has a transport that only records what it is asked to send. Needs PostgreSQL ({@code
 * scripts/postgres.sh} is run; the test fails when it cannot be had, unless {@code
 * -Dferry.skipPostgres=true}).
 */
class ClusteredModeTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  record Ticket(String note) {}

  static final VoucherType<Ticket> TICKET =
      VoucherType.of("ferry-test/cluster-ticket", Ticket.class);

  @TempDir Path dir;
  private TestPostgres.Database db;
  private final LocalNetwork alicesNetwork = new LocalNetwork();
  private final LocalNetwork otherNetwork = new LocalNetwork();
  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeEach
  void database() throws Exception {
    db = TestPostgres.freshDatabase();
  }

  @AfterEach
  void close() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    alicesNetwork.close();
    otherNetwork.close();
    if (db != null) {
      db.close();
    }
  }

  @Test
  void whenAMemberLeavesItsChannelsAreServedByAnotherWithTheirStateAndUnfinishedOnesRestartThere()
      throws Exception {
    FerryNode bob =
        node("bob", Peers.BOB, alicesNetwork, blocks("bob"), NodeSettings::forHome, neverPull());
    int portA = freePort();
    int portB = freePort();
    List<String> seeds = List.of("127.0.0.1:" + portA);
    LevelDbBlockStore storeA = blocks("member-a");
    FerryNode memberA =
        node(
            "member-a",
            Peers.ALICE,
            alicesNetwork,
            storeA,
            home -> clustered(home, portA, seeds),
            acceptAll());
    start(bob, memberA);

    // Through member A: one channel finishes, one waits for Bob to accept (he never does).
    ImportResult dag = TestDags.file(storeA, 200_000, 16_384, 7);
    ChannelId finishedId =
        get(
            memberA.openPushDataChannel(
                Peers.BOB, new Ticket("push"), dag.root(), Selectors.all()));
    ChannelState finished = await(memberA, finishedId, Status.Completed);
    await(bob, finishedId, Status.Completed);
    ChannelId pendingId =
        get(
            memberA.openPullDataChannel(
                Peers.BOB, new Ticket("pull"), Peers.cid("wanted"), Selectors.all()));
    ChannelState pending = get(memberA.channelState(pendingId));
    assertThat(pending.status().isTerminal()).isFalse();

    // Member B joins the cluster as the same Ferry peer, with a transport that only records.
    RecordingTransport transportB = new RecordingTransport(Peers.ALICE);
    FerryNode memberB =
        node("member-b", transportB, home -> clustered(home, portB, seeds), acceptAll());
    start(memberB);
    assertThat(get(memberB.channelState(finishedId)))
        .as("the finished channel through member B while member A still runs")
        .isEqualTo(finished);
    assertThat(requestsFor(transportB, pendingId))
        .as("a member that joins a running cluster restarts nothing")
        .isEmpty();

    get(memberA.stop());

    assertThat(get(memberB.channelState(finishedId)))
        .as("the finished channel through member B after member A left: recovered from PostgreSQL")
        .isEqualTo(finished);
    Poll.until(
        WAIT,
        "member B to restart " + pendingId + " through its own transport",
        () -> !requestsFor(transportB, pendingId).isEmpty());
    assertThat(requestsFor(transportB, pendingId).get(0).to()).isEqualTo(Peers.BOB);
    assertThat(get(memberB.inProgressChannels()))
        .as("the cluster's channel index, now on member B")
        .containsOnlyKeys(pendingId);
    assertThat(journaledEvents(finishedId))
        .as("the finished channel's events are in the shared journal")
        .isGreaterThanOrEqualTo(3);
  }

  // ---- helpers ----

  private NodeSettings clustered(Path home, int port, List<String> seeds) {
    return NodeSettings.forHome(home)
        .withCluster(
            new PostgresJournalSettings(db.url(), db.user(), db.password(), 4, true),
            Membership.Member.of("127.0.0.1", port, seeds));
  }

  private interface Settings {
    NodeSettings forHome(Path home);
  }

  private LevelDbBlockStore blocks(String name) {
    LevelDbBlockStore store = LevelDbBlockStore.open(dir.resolve(name).resolve("blocks"));
    open.add(store);
    return store;
  }

  private FerryNode node(
      String name,
      PeerId id,
      LocalNetwork network,
      LevelDbBlockStore store,
      Settings settings,
      RequestValidator<Ticket> validator) {
    return node(name, network.join(id, store), settings, validator);
  }

  private FerryNode node(
      String name, DataTransport transport, Settings settings, RequestValidator<Ticket> validator) {
    NodeSettings s =
        settings
            .forHome(dir.resolve(name))
            .withChannels(ChannelSettings.defaults().withAcceptTimeout(Duration.ofMinutes(10)))
            .withExtra(ConfigFactory.parseString("pekko.loglevel = WARNING"));
    FerryNode node = new FerryNode(s, transport);
    node.registerVoucherType(TICKET, validator);
    open.add(() -> node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS));
    return node;
  }

  /** Every request the transport sent for the channel (new or restart), in order. */
  private static List<RecordingTransport.Sent> requestsFor(RecordingTransport t, ChannelId id) {
    return t.sent.stream()
        .filter(
            s ->
                s.message() instanceof TransferRequest r
                    && (r.transferId() == id.transferId() || id.equals(r.restartChannel())))
        .toList();
  }

  private static void start(FerryNode... nodes) throws Exception {
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (FerryNode n : nodes) {
      all.add(n.start().toCompletableFuture());
    }
    CompletableFuture.allOf(all.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
  }

  private static <T> T get(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  private static ChannelState await(FerryNode node, ChannelId id, Status status) {
    return Poll.until(
        WAIT,
        node.peerId() + " to see " + id + " " + status,
        () -> {
          try {
            return get(node.channelState(id));
          } catch (Exception e) {
            return null;
          }
        },
        s -> s != null && s.status() == status);
  }

  private long journaledEvents(ChannelId id) throws Exception {
    try (Connection c = DriverManager.getConnection(db.url(), db.user(), db.password());
        PreparedStatement q =
            c.prepareStatement("SELECT count(*) FROM event_journal WHERE persistence_id = ?")) {
      q.setString(1, ChannelEntity.persistenceId(id).id());
      try (ResultSet r = q.executeQuery()) {
        r.next();
        return r.getLong(1);
      }
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private static RequestValidator<Ticket> acceptAll() {
    return validator(CompletableFuture.completedFuture(ValidationResult.accept()));
  }

  /** Accepts pushes; leaves every pull request unanswered. */
  private static RequestValidator<Ticket> neverPull() {
    return new RequestValidator<>() {
      @Override
      public CompletionStage<ValidationResult> validatePush(ValidationRequest<Ticket> request) {
        return CompletableFuture.completedFuture(ValidationResult.accept());
      }

      @Override
      public CompletionStage<ValidationResult> validatePull(ValidationRequest<Ticket> request) {
        return new CompletableFuture<>();
      }
    };
  }

  private static RequestValidator<Ticket> validator(CompletionStage<ValidationResult> answer) {
    return new RequestValidator<>() {
      @Override
      public CompletionStage<ValidationResult> validatePush(ValidationRequest<Ticket> request) {
        return answer;
      }

      @Override
      public CompletionStage<ValidationResult> validatePull(ValidationRequest<Ticket> request) {
        return answer;
      }
    };
  }
}
