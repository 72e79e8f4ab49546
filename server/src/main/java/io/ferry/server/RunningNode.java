package io.ferry.server;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.spi.ValidatorContext;
import io.ferry.engine.FerryNode;
import io.ferry.engine.NodeSettings;
import io.ferry.engine.cluster.MemberAddresses;
import io.ferry.engine.cluster.Membership;
import io.ferry.ipld.store.BlockStore;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.persistence.blocks.PostgresBlockStore;
import io.ferry.persistence.journal.JournalIntegrity;
import io.ferry.persistence.journal.JournalProbe;
import io.ferry.persistence.journal.PostgresJournalSettings;
import io.ferry.persistence.shared.PeerAddressBook;
import io.ferry.persistence.shared.SharedDatabase;
import io.ferry.server.config.FerryConfig;
import io.ferry.server.config.HomeChecks;
import io.ferry.server.config.Settings;
import io.ferry.server.gateway.GatewayServer;
import io.ferry.server.gateway.GatewaySettings;
import io.ferry.server.http.ApiServer;
import io.ferry.server.http.ApiToken;
import io.ferry.server.http.FerryNodeBackend;
import io.ferry.server.http.ImportAllowlist;
import io.ferry.server.http.PeerTracker;
import io.ferry.server.metrics.ChannelMetrics;
import io.ferry.server.metrics.ClusterMetrics;
import io.ferry.server.metrics.MetricRegistry;
import io.ferry.server.metrics.MilestoneLog;
import io.ferry.server.payments.AutoPayer;
import io.ferry.server.payments.PaymentSettings;
import io.ferry.server.peers.PeerAddressFile;
import io.ferry.server.retention.PurgedChannels;
import io.ferry.server.retention.RetentionPolicy;
import io.ferry.server.retention.RetentionSweeper;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.TcpTransport;
import io.ferry.validators.VoucherRegistry;
import io.ferry.validators.free.FreeValidator;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole node as {@code ferry node run} starts it, from its configuration: identity, block store,
 * TCP transport, validator plug-ins, the {@link FerryNode}, the payer of paid pulls (when {@code
 * ferry.payments.budget} is set), metrics and milestone log, the HTTP API and retention. This is
 * the composition root: it creates the one actor system that the transport, the node's channels,
 * the HTTP API and the gateway share. {@link #close()} stops it all in reverse order; channels stay
 * on disk and resume on the next start.
 */
public final class RunningNode implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RunningNode.class);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

  /** Connections to the shared database for blocks and ledgers (the journal has its own pool). */
  private static final int SHARED_POOL = 6;

  private final List<AutoCloseable> parts = new ArrayList<>();
  private FerryNode node;
  private TcpTransport transport;
  private ApiServer api;
  private GatewayServer gateway;
  private PostgresBlockStore blockWrites;
  private SharedDatabase sharedDb;

  private RunningNode() {}

  /** Starts a node; on failure, stops whatever had started and rethrows. */
  public static RunningNode start(FerryConfig config, String version) throws Exception {
    RunningNode r = new RunningNode();
    try {
      r.startAll(config, version);
      return r;
    } catch (Exception e) {
      r.close();
      throw e;
    }
  }

  private void startAll(FerryConfig config, String version) throws Exception {
    HomeChecks.requireIdentityForJournal(config.home(), config.identityKeyFile());
    NodeIdentity identity = NodeIdentity.loadOrCreate(config.home());
    int tightened = HomeChecks.restrictToOwner(config.home());
    if (tightened > 0) {
      log.info("made {} files and directories under {} owner-only", tightened, config.home());
    }
    HomeChecks.apiExposure(config.api().address()).ifPresent(log::warn);
    BlockHeap.current().warning().ifPresent(log::warn);
    Multiaddr listen = Multiaddr.parse(config.listen());
    LevelDbNative.useHome(config.home());
    if (!config.journal().shared()) {
      JournalIntegrity.Checked checked =
          JournalIntegrity.requireIntactSinceCleanStop(config.journalDir());
      log.debug("journal check at start: {}", checked);
    }

    // A cluster's members share blocks and payment ledgers in the journal's database, so that a
    // channel that moves to another member resumes after the blocks stored and pays each byte once.
    if (config.membership().clustered()
        && config.journal() instanceof PostgresJournalSettings journal) {
      journal.prepareNow();
      sharedDb = SharedDatabase.open(journal, SHARED_POOL);
      parts.add(sharedDb);
    }
    BlockStore store;
    // What the start before the last clean stop found whole is not read again (issue 17): the
    // record is taken (and removed) before the store opens, and written again after it closed.
    io.ferry.server.http.StoredDataRecord checkedBefore =
        io.ferry.server.http.StoredDataRecord.none();
    java.util.concurrent.atomic.AtomicReference<List<ChannelId>> foundWhole =
        new java.util.concurrent.atomic.AtomicReference<>();
    if (sharedDb != null) {
      blockWrites = new PostgresBlockStore(sharedDb.dataSource(), sharedDb.describe());
      store = blockWrites;
    } else {
      checkedBefore =
          io.ferry.server.http.StoredDataRecord.takeAtStart(config.home(), config.blocksDir());
      parts.add(
          () -> {
            if (foundWhole.get() != null) {
              io.ferry.server.http.StoredDataRecord.markCleanStop(
                  config.home(), config.blocksDir(), foundWhole.get());
            }
          });
      store =
          LevelDbBlockStore.open(config.blocksDir(), false, config.diskReserve(config.blocksDir()));
    }
    parts.add(store);
    io.ferry.server.http.StoredDataRecord checked = checkedBefore;

    NodeSettings nodeSettings =
        NodeSettings.forHome(config.home())
            .withChannels(channelSettings(config.timeouts()))
            .withExtra(
                ConfigFactory.parseMap(
                        java.util.Map.of(
                            "pekko.persistence.journal.leveldb.reserve-bytes",
                            String.valueOf(config.diskReserve(config.journalDir()))))
                    .withFallback(memberRoles(config, listen))
                    .withFallback(config.pekkoOverrides())
                    .withFallback(TcpTransport.recommendedConfig()))
            .withCluster(config.journal(), config.membership());
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(), Membership.SYSTEM_NAME, FerryNode.systemConfig(nodeSettings));
    java.util.concurrent.atomic.AtomicBoolean journalClosed =
        new java.util.concurrent.atomic.AtomicBoolean();
    if (!config.journal().shared()) {
      // Runs after the system below stopped (parts stop in reverse): the journal is closed, so
      // the next start need not read it through unless its files changed (JournalIntegrity).
      parts.add(
          () -> {
            if (journalClosed.get()) {
              JournalIntegrity.markCleanStop(config.journalDir());
            }
          });
    }
    parts.add(
        () -> {
          system.terminate();
          system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
          journalClosed.set(true);
        });
    transport =
        TcpTransport.start(system, identity, store, tcpSettings(config, listen))
            .toCompletableFuture()
            .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    parts.add(transport);
    if (!config.membership().clustered()) {
      // Before the node starts: its unfinished channels restart at once and may have to dial.
      PeerAddressFile addresses = PeerAddressFile.open(config.home());
      // Only addresses this node dialed and confirmed: a provider started again that also dialed
      // the clients which had dialed it raced their own dials (duplicate connections), and
      // completions it sent were lost with the connection retired (bench/chaos, ChaosRoundsTest).
      transport.shareAddresses(addresses::get, addresses::put);
    } else {
      // Peers learn every member's address in the handshake and dial the next when one is gone.
      system.systemActorOf(
          MemberAddresses.follow(transport::announceAlso), "member-addresses", Props.empty());
    }
    io.ferry.transport.tcp.tls.TlsWarmUp.startInBackground(config.cryptoWarmUp());

    ValidatorContext context =
        new ValidatorContext(
            identity.peerId(),
            config.validatorDataDir(),
            config.allPluginSettings(),
            identity::sign,
            sharedDb == null ? null : sharedDb.dataSource());
    VoucherRegistry registry =
        VoucherRegistry.discover(context, VoucherRegistry.loadPlugins(config.pluginsDir()));
    FreeValidator.register(registry, config.freePolicy(), registry::acceptedVoucherTypes);

    PeerTracker peers = new PeerTracker();
    node = new FerryNode(system, nodeSettings, peers.watch(transport), registry);
    PaymentSettings payments = PaymentSettings.from(config.underlying());
    AutoPayer payer = null;
    if (payments.enabled()) {
      // Before start, so the payer sees the first event of every paid pull.
      payer = AutoPayer.attach(node, context, payments, Clock.systemUTC());
      parts.add(payer);
    }
    node.start().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    parts.add(() -> node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS));
    if (payer != null) {
      // Settles paid channels that ended while the node was down (their reservations go back).
      payer.reconcile().toCompletableFuture().get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }

    java.util.Optional<PeerAddressBook> sharedAddresses = java.util.Optional.empty();
    if (config.membership().clustered()
        && config.journal() instanceof PostgresJournalSettings shared) {
      PeerAddressBook book = new PeerAddressBook(shared);
      transport.shareAddresses(
          peer -> book.get(peer).map(Multiaddr::parse),
          (peer, address) -> {
            try {
              book.put(peer, address.toString());
            } catch (IllegalStateException e) {
              log.warn("{}", e.getMessage());
            }
          },
          // A peer that dialed a member: the address it announced, unless a better one is known.
          (peer, address) -> {
            try {
              book.putIfAbsent(peer, address.toString());
            } catch (IllegalStateException e) {
              log.warn("{}", e.getMessage());
            }
          });
      sharedAddresses = java.util.Optional.of(book);
    }
    PurgedChannels purgedChannels = PurgedChannels.open(config.home());
    if (config.journal() instanceof io.ferry.persistence.journal.LevelDbJournalSettings) {
      io.ferry.server.retention.PurgedTagCopies.follow(
          node.system(), purgedChannels, config.home());
    }
    // Channels purged before a crash may still be in the read model's checkpoint.
    java.util.List<io.ferry.channels.ChannelId> stillPurged =
        purgedChannels.ids().stream().map(io.ferry.channels.ChannelId::parse).toList();
    if (!stillPurged.isEmpty()) {
      node.channelReadModel()
          .forget(stillPurged)
          .thenRun(() -> purgedChannels.forgotten(stillPurged));
    }
    FerryNodeBackend backend =
        new FerryNodeBackend(
            node,
            transport,
            store,
            peers,
            purgedChannels,
            java.util.Optional.ofNullable(payer),
            new ImportAllowlist(config.home(), config.importFrom()),
            sharedAddresses);
    if (config.journal() instanceof PostgresJournalSettings shared) {
      backend.probeJournal(new JournalProbe(shared), Duration.ofSeconds(2));
    }
    MetricRegistry metricRegistry = new MetricRegistry();
    io.ferry.server.metrics.JvmMetrics.register(metricRegistry, version);
    metricRegistry.computedCounter(
        "ferry_protocol_violations_total",
        "Frames peers sent that the protocol does not allow",
        () -> List.of(new MetricRegistry.Sample(List.of(), transport.protocolViolations())));
    metricRegistry.computedCounter(
        "ferry_sent_block_bytes_on_wire_total",
        "Block bytes sent, every time a block went out (repeats after restarts included)",
        () -> List.of(new MetricRegistry.Sample(List.of(), transport.blockBytesOnWire())));
    metricRegistry.computedGauge(
        "ferry_open_channels_admitted",
        "Channels peers asked for that are open now (ferry.limits.open-channels-total caps them)",
        () -> List.of(new MetricRegistry.Sample(List.of(), transport.admission().open())));
    metricRegistry.computedCounter(
        "ferry_channel_requests_refused_total",
        "Peers' requests refused because an open-channel cap was full",
        () -> List.of(new MetricRegistry.Sample(List.of(), transport.admission().refused())));
    transport
        .admission()
        .memory()
        .ifPresent(
            memory -> {
              metricRegistry.computedGauge(
                  "ferry_memory_budget_used_bytes",
                  "Heap bytes channels hold now against the node's memory budget"
                      + " (blocks in flight, sending read-ahead, open channels)",
                  () -> List.of(new MetricRegistry.Sample(List.of(), memory.used())));
              metricRegistry.computedGauge(
                  "ferry_memory_budget_bytes",
                  "The node's memory budget for channels (ferry.limits.memory)",
                  () -> List.of(new MetricRegistry.Sample(List.of(), memory.capacity())));
            });
    if (sharedDb != null) {
      ClusterMetrics.register(metricRegistry, node, sharedDb, blockWrites);
    }
    ChannelMetrics metrics = new ChannelMetrics(metricRegistry);
    parts.add(node.subscribeToEvents(metrics));
    // Every purge, the API's as well as retention's, stops counting the channel.
    backend.onPurged(metrics::forget);
    parts.add(node.subscribeToEvents(new MilestoneLog()));
    // Once the read model caught up with the journal, not before the API serves: the gauges start
    // from every known channel (a channel an event already counted keeps that count), and a
    // completed channel whose blocks went missing is said so (issue 19, 6), in the background.
    backend
        .channels()
        .thenAccept(
            known -> {
              metrics.seed(known);
              io.ferry.server.http.StoredData.checkAtStart(
                      store,
                      known,
                      checked,
                      node.system().dispatchers().lookup(DispatcherSelector.blocking()))
                  .thenAccept(found -> foundWhole.set(found.whole()));
            })
        .exceptionally(
            e -> {
              log.error("cannot read the node's channels from its journal: {}", e.toString());
              return null;
            });

    Settings.Retention retention = config.retention();
    parts.add(
        new RetentionSweeper(backend, RetentionPolicy.of(retention), Clock.systemUTC(), id -> {})
            .start(node.system(), retention.sweepInterval()));

    // Before the API, so that a node whose api.addr exists already serves its gateway.
    GatewaySettings gatewaySettings = GatewaySettings.from(config.underlying(), config.home());
    if (gatewaySettings.enabled()) {
      gateway =
          GatewayServer.start(node.system(), store, identity.peerId().toString(), gatewaySettings)
              .toCompletableFuture()
              .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      parts.add(gateway);
    }

    ApiToken token = ApiToken.loadOrCreate(config.api().tokenFile());
    api =
        ApiServer.start(node.system(), backend, metricRegistry, config.api(), token, true)
            .toCompletableFuture()
            .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    parts.add(api);
  }

  /** A clustered member's roles: its peer address among them ({@link MemberAddresses}). */
  private static com.typesafe.config.Config memberRoles(FerryConfig config, Multiaddr listen) {
    return config.membership() instanceof Membership.Member member
        ? MemberAddresses.roles(config.pekkoOverrides(), listen, member.hostname())
        : ConfigFactory.empty();
  }

  /**
   * A receiving channel's window: the transport's default (8 MiB) within the per-peer budget, or
   * half that budget when it is larger, so that a node given room per peer lets a channel use it.
   * The receiver returns credit only once blocks are stored: with the window at 8 MiB a single pull
   * stopped whenever one store write was slower than the network delivered the window.
   */
  static long channelWindow(long transportDefault, long inFlightPerPeer) {
    return Math.max(Math.min(transportDefault, inFlightPerPeer), inFlightPerPeer / 2);
  }

  /**
   * The transport's settings from {@code ferry.limits}, {@code rate-limits} and {@code timeouts}.
   */
  private static TcpSettings tcpSettings(FerryConfig config, Multiaddr listen) {
    Settings.Limits l = config.limits();
    Settings.RateLimits r = config.rateLimits();
    Settings.Timeouts t = config.timeouts();
    TcpSettings d = TcpSettings.defaults(listen);
    return new TcpSettings(
        listen,
        d.peers(),
        d.allowedPeers(),
        l.maxFrame(),
        channelWindow(d.channelWindow(), l.inFlightBytesPerPeer()),
        l.inFlightBytesPerPeer(),
        l.inFlightBytesTotal(),
        l.channelsPerPeer(),
        l.channelsTotal(),
        l.maxBlocksPerChannel(),
        l.maxBytesPerChannel(),
        r.upload(),
        r.download(),
        r.uploadPerPeer(),
        r.downloadPerPeer(),
        t.connect(),
        d.keepAliveInterval(),
        d.idleTimeout(),
        t.restart().backoffMin(),
        t.restart().backoffMax(),
        d.progressBlocks(),
        d.progressBytes(),
        config.progressInterval(),
        d.hashThreads(),
        l.openChannelsPerPeer(),
        l.openChannelsTotal(),
        l.memoryBudget(),
        d.revision(),
        l.memoryPerAddress(),
        config.dialFrom());
  }

  private static ChannelSettings channelSettings(Settings.Timeouts t) {
    return ChannelSettings.defaults()
        .withAcceptTimeout(t.accept())
        .withPausedForVoucherTimeout(t.pausedForVoucher())
        .withCompleteTimeout(t.complete())
        .withFinalizationTimeout(t.finalization())
        .withRestarts(
            new ChannelSettings.Restarts(
                t.restart().backoffMin(), t.restart().backoffMax(), t.restart().maxAttempts()));
  }

  public FerryNode node() {
    return node;
  }

  /** Where peers dial this node, with its peer ID. */
  public String listenAddress() {
    return transport.listenAddress().map(Multiaddr::toString).orElse("(not listening)");
  }

  /** The HTTP API's base URL. */
  public String apiUrl() {
    return api.address().baseUrl();
  }

  /** The gateway's base URL, when it serves one. */
  public java.util.Optional<String> gatewayUrl() {
    return java.util.Optional.ofNullable(gateway).map(g -> g.address().baseUrl());
  }

  @Override
  public void close() {
    for (int i = parts.size() - 1; i >= 0; i--) {
      try {
        parts.get(i).close();
      } catch (Exception e) {
        log.warn("stopping the node: {}", e.toString());
      }
    }
    parts.clear();
  }
}
