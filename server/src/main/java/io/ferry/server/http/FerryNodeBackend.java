package io.ferry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.entity.ChannelCommand;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.engine.FerryNode;
import io.ferry.engine.Manager;
import io.ferry.engine.wiring.ChannelReadModel;
import io.ferry.ipld.Cid;
import io.ferry.ipld.car.CarReader;
import io.ferry.ipld.car.CarWriter;
import io.ferry.ipld.selector.Selector;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.unixfs.BlockSink;
import io.ferry.ipld.unixfs.UnixFsExporter;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsPaths;
import io.ferry.ipld.unixfs.UnixFsProfile;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.persistence.journal.JournalProbe;
import io.ferry.persistence.shared.PeerAddressBook;
import io.ferry.server.payments.AutoPayer;
import io.ferry.server.retention.ChannelPurge;
import io.ferry.server.retention.PurgedChannels;
import io.ferry.transport.tcp.TcpTransport;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The HTTP API's view of a real node: a started {@link FerryNode} with its {@link TcpTransport} and
 * LevelDB block store. Lists channels from the {@link ChannelReadModel} (projected from the
 * journal's tagged events, terminal ones included, without waking channel actors), purges them with
 * {@link ChannelPurge}, imports and exports on a blocking dispatcher, and serves channel events
 * from the journal by the channel entity's tag.
 */
public final class FerryNodeBackend implements NodeBackend {
  private static final String CHANNEL_PREFIX = ChannelEntity.TYPE_KEY.name() + "|";
  private static final CBORMapper CBOR = new CBORMapper();

  private final FerryNode node;
  private final TcpTransport transport;
  private static final com.fasterxml.jackson.databind.ObjectMapper VIEW_JSON =
      new com.fasterxml.jackson.databind.ObjectMapper()
          .disable(com.fasterxml.jackson.databind.SerializationFeature.FAIL_ON_EMPTY_BEANS);

  private final BlockStore store;
  private final DagSizes dagSizes;
  private final PeerTracker peers;
  private final PurgedChannels purged;
  private final List<java.util.function.Consumer<ChannelId>> purgeListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final ChannelReadModel channels;
  private final Optional<AutoPayer> payer;
  private final Optional<PeerAddressBook> sharedAddresses;
  private volatile Optional<JournalProbe> journalProbe = Optional.empty();
  private final JournalEvents events;
  private final Executor blocking;
  private final ImportAllowlist imports;
  private final io.ferry.server.fetch.FetchRecords fetchRecords =
      new io.ferry.server.fetch.FetchRecords(java.time.Clock.systemUTC());

  /**
   * @param node a started node
   * @param peers the tracker that watches {@code transport} as the node sees it
   * @param purged where purges are recorded
   */
  public FerryNodeBackend(
      FerryNode node,
      TcpTransport transport,
      LevelDbBlockStore store,
      PeerTracker peers,
      PurgedChannels purged) {
    this(node, transport, store, peers, purged, Optional.empty());
  }

  /**
   * @param node a started node
   * @param peers the tracker that watches {@code transport} as the node sees it
   * @param purged where purges are recorded
   * @param payer the payer of the node's paid pulls, when it has a budget
   */
  public FerryNodeBackend(
      FerryNode node,
      TcpTransport transport,
      LevelDbBlockStore store,
      PeerTracker peers,
      PurgedChannels purged,
      Optional<AutoPayer> payer) {
    this(
        node,
        transport,
        store,
        peers,
        purged,
        payer,
        new ImportAllowlist(store.directory().toAbsolutePath().getParent(), List.of()),
        Optional.empty());
  }

  /**
   * @param node a started node
   * @param peers the tracker that watches {@code transport} as the node sees it
   * @param purged where purges are recorded
   * @param payer the payer of the node's paid pulls, when it has a budget
   * @param imports where imports may read files from
   * @param sharedAddresses a cluster's shared address book: {@link #connect} records the address
   *     there and leaves dialing to the member that hosts the peer's channels
   */
  public FerryNodeBackend(
      FerryNode node,
      TcpTransport transport,
      BlockStore store,
      PeerTracker peers,
      PurgedChannels purged,
      Optional<AutoPayer> payer,
      ImportAllowlist imports,
      Optional<PeerAddressBook> sharedAddresses) {
    this.imports = imports;
    this.sharedAddresses = sharedAddresses;
    this.node = node;
    this.payer = payer;
    this.transport = transport;
    this.store = store;
    this.dagSizes = new DagSizes(store);
    this.peers = peers;
    this.purged = purged;
    this.channels = node.channelReadModel();
    this.events = new JournalEvents(node.system(), ChannelEntity.EVENT_TAG, this::decode);
    this.blocking = node.system().dispatchers().lookup(DispatcherSelector.blocking());
  }

  @Override
  public Manager manager() {
    return node;
  }

  @Override
  public Optional<PaymentsView> payments(ChannelId channelId) {
    return payer.flatMap(
        p -> p.account(channelId).map(account -> PaymentsView.of(channelId, account, p)));
  }

  @Override
  public Optional<PaymentsView.Budget> paymentBudget() {
    return payer.map(p -> PaymentsView.Budget.of(p.balance()));
  }

  @Override
  public PeerId peerId() {
    return node.peerId();
  }

  @Override
  public List<String> listenAddresses() {
    return transport.listenAddress().map(a -> List.of(a.toString())).orElse(List.of());
  }

  @Override
  public CompletionStage<PeerId> connect(String multiaddr) {
    io.ferry.transport.identity.Multiaddr address;
    try {
      address = io.ferry.transport.identity.Multiaddr.parse(multiaddr);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "not a multiaddr: '" + multiaddr + "' (" + e.getMessage() + ")", e));
    }
    if (address.peer() == null) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException(
              "multiaddr '" + multiaddr + "' lacks /p2p/<peer id>: the peer must be named"));
    }
    if (sharedAddresses.isPresent()) {
      // Clustered: one member holds the connection to a peer, the one hosting its channels; it
      // dials with the address recorded here when its channels need to.
      io.ferry.transport.identity.Multiaddr at = address;
      return CompletableFuture.supplyAsync(
          () -> {
            sharedAddresses.get().putIfAbsent(at.peer(), at.toString());
            return at.peer();
          },
          blocking);
    }
    return transport
        .connect(address)
        .exceptionally(
            e -> {
              Throwable cause = Replies.unwrap(e);
              throw new CompletionException(
                  new IllegalArgumentException(
                      "cannot connect to " + multiaddr + ": " + cause.getMessage(), cause));
            });
  }

  @Override
  public Optional<String> hostOf(ChannelId channel) {
    return node.hostOf(channel);
  }

  @Override
  public CompletionStage<Optional<io.ferry.engine.cluster.ClusterView>> cluster() {
    return node.clusterHosting().thenApply(Optional::of);
  }

  @Override
  public CompletionStage<List<PeerInfo>> peers() {
    return channels()
        .thenApply(
            all -> {
              Map<PeerId, Integer> counts = new TreeMap<>();
              peers.known().forEach(p -> counts.put(p, 0));
              for (ChannelState s : all) {
                counts.merge(s.otherPeer(), 1, Integer::sum);
              }
              List<PeerInfo> out = new ArrayList<>();
              counts.forEach(
                  (p, n) -> {
                    var addr = transport.addressOf(p);
                    out.add(
                        new PeerInfo(
                            p,
                            addr == null ? List.of() : List.of(addr.toString()),
                            peers.isConnected(p),
                            n));
                  });
              return out;
            });
  }

  @Override
  public Optional<String> channelsCatchingUp() {
    return channels.catchingUp();
  }

  @Override
  public CompletionStage<Void> channelsCaughtUp() {
    return channels.ready();
  }

  @Override
  public CompletionStage<List<ChannelState>> channels() {
    return channels.channels(purged::contains);
  }

  @Override
  public CompletionStage<List<ChannelState>> channels(
      java.util.function.Predicate<ChannelState> keep) {
    return channels.unordered(purged::contains, keep);
  }

  /**
   * A channel whose actor does not run is answered from the read model, which holds the state of
   * its last event: asking the actor would wake it (it recovers from the journal) only to answer
   * the same. That is every terminal channel (it never changes again) and an unfinished one that
   * went idle; a running one answers itself, with the newest state.
   */
  @Override
  public CompletionStage<ChannelState> channel(ChannelId channelId) {
    if (purged.contains(channelId)) {
      return CompletableFuture.failedFuture(
          new io.ferry.channels.ChannelNotFoundException(channelId));
    }
    // Until the model caught up, an unfinished channel's state in it may be older than the
    // journal's (its last events not folded yet): the channel itself answers then.
    boolean caughtUp = channels.catchingUp().isEmpty();
    return channels
        .channel(channelId)
        .filter(state -> state.status().isTerminal() || (caughtUp && !node.mayBeRunning(channelId)))
        .<CompletionStage<ChannelState>>map(CompletableFuture::completedFuture)
        .orElseGet(() -> node.channelState(channelId));
  }

  /**
   * Purges an ended channel. One whose actor does not run is not woken to say it ended: the read
   * model holds the state of its last event, and an ended channel never changes again (waking it
   * replayed its history only to be told to stop, most of a purge's cost).
   */
  @Override
  public CompletionStage<Void> purge(ChannelId channelId) {
    boolean caughtUp = channels.catchingUp().isEmpty();
    CompletionStage<ChannelState> ended =
        channels
            .channel(channelId)
            .filter(
                state -> caughtUp && state.status().isTerminal() && !node.mayBeRunning(channelId))
            .<CompletionStage<ChannelState>>map(CompletableFuture::completedFuture)
            .orElseGet(() -> node.channelState(channelId));
    return ended
        .thenCompose(
            state -> {
              if (!state.status().isTerminal()) {
                throw new CompletionException(
                    new IllegalStateException(
                        "channel "
                            + channelId
                            + " is "
                            + state.status()
                            + ", not terminal: cancel it first"));
              }
              if (node.mayBeRunning(channelId)) {
                ClusterSharding.get(node.system())
                    .entityRefFor(ChannelEntity.TYPE_KEY, channelId.toString())
                    .tell(new ChannelCommand.Passivate());
              }
              return ChannelPurge.purge(
                  node.system(),
                  ChannelEntity.persistenceId(channelId).id(),
                  Duration.ofSeconds(30));
            })
        // On the blocking dispatcher: recording the purge forces a file to disk.
        .thenRunAsync(
            () -> {
              purged.add(channelId);
              channels
                  .forget(List.of(channelId))
                  .thenRunAsync(() -> purged.forgotten(List.of(channelId)), blocking);
              purgeListeners.forEach(listener -> listener.accept(channelId));
            },
            blocking);
  }

  /**
   * Tells {@code listener} of every channel purged from now on, whoever asked (the API, a retention
   * sweep), once its events are deleted.
   */
  public void onPurged(java.util.function.Consumer<ChannelId> listener) {
    purgeListeners.add(listener);
  }

  @Override
  public CompletionStage<ImportResult> importFile(
      Path path, boolean car, Optional<String> profile, boolean hidden) {
    return CompletableFuture.supplyAsync(
        () -> {
          imports.check(path);
          try {
            if (car) {
              long before = store.count();
              List<Cid> roots;
              try (InputStream in = Files.newInputStream(path)) {
                roots = CarReader.importInto(store, in);
              } catch (IOException | IllegalArgumentException e) {
                Optional<String> notACar = NotACar.describe(path, e);
                if (notACar.isPresent()) {
                  throw new IllegalArgumentException(notACar.get(), e);
                }
                throw e;
              }
              if (roots.isEmpty()) {
                throw new IllegalArgumentException("CAR file " + path + " names no root");
              }
              return new ImportResult(roots.get(0), store.count() - before, Files.size(path));
            }
            UnixFsProfile p = profile.map(UnixFsProfile::forName).orElse(UnixFsProfile.DEFAULT);
            UnixFsImporter importer = new UnixFsImporter(p, BlockSink.batching(store, 8L << 20));
            var r = (hidden ? importer.includingHidden() : importer).importPath(path);
            return new ImportResult(r.root(), r.blocks(), r.contentBytes());
          } catch (IOException e) {
            throw new UncheckedIOException("cannot import " + path + ": " + e.getMessage(), e);
          } catch (Exception e) {
            throw e instanceof RuntimeException r
                ? r
                : new IllegalArgumentException(e.getMessage(), e);
          }
        },
        blocking);
  }

  @Override
  public CompletionStage<io.ferry.server.fetch.GatewayFetch.Progress> fetch(
      java.net.URI gateway, Cid root, io.ferry.server.fetch.GatewayFetch.Scope scope) {
    var record = fetchRecords.start(gateway, root, scope);
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            var done =
                new io.ferry.server.fetch.GatewayFetch(
                        store, gateway, java.time.Duration.ofSeconds(60))
                    .fetch(root, scope, p -> fetchRecords.progress(record.id(), p));
            fetchRecords.completed(record.id(), done);
            return done;
          } catch (IOException | RuntimeException e) {
            fetchRecords.failed(record.id(), String.valueOf(e.getMessage()));
            throw new java.util.concurrent.CompletionException(e);
          } catch (InterruptedException e) {
            fetchRecords.failed(record.id(), "interrupted");
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CompletionException(e);
          }
        },
        blocking);
  }

  @Override
  public List<io.ferry.server.fetch.FetchRecords.FetchRecord> fetches() {
    return fetchRecords.all();
  }

  @Override
  public Source<io.ferry.server.fetch.FetchRecords.FetchRecord, NotUsed> fetchEvents() {
    return fetchRecords.source();
  }

  @Override
  public CompletionStage<Cid> resolve(Cid root, String path) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new UnixFsPaths(store).resolve(root, path).cid();
          } catch (IOException e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        },
        blocking);
  }

  @Override
  public CompletionStage<Optional<String>> dataWarning(ChannelState channel) {
    return CompletableFuture.supplyAsync(() -> StoredData.warning(store, channel), blocking);
  }

  @Override
  public CompletionStage<ExportResult> export(Cid root, Selector selector, Path out, boolean car) {
    return CompletableFuture.supplyAsync(
        () -> {
          if (Files.exists(out)) {
            throw new IllegalArgumentException(
                "export target exists on the node's machine: " + out);
          }
          try {
            if (car) {
              long blocks;
              long[] written = new long[1];
              PartialExport.exportThenRename(
                  out,
                  tmp -> {
                    try (OutputStream o =
                        Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW)) {
                      written[0] = CarWriter.writeDag(store, root, selector, o);
                    }
                  });
              blocks = written[0];
              return new ExportResult(out, blocks, Files.size(out));
            }
            PartialExport.exportThenRename(out, tmp -> new UnixFsExporter(store).export(root, tmp));
            return new ExportResult(out, 0, Files.isRegularFile(out) ? Files.size(out) : 0);
          } catch (IOException e) {
            throw new UncheckedIOException("cannot export " + root + ": " + e.getMessage(), e);
          }
        },
        blocking);
  }

  @Override
  public Object voucher(String type, JsonNode value) {
    byte[] cbor;
    try {
      cbor = CBOR.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot encode the voucher: " + e.getMessage(), e);
    }
    return node.registry().decode(new TypedVoucher(type, cbor));
  }

  @Override
  public Optional<JsonNode> voucherJson(io.ferry.channels.TypedVoucher voucher) {
    try {
      return Optional.of(VIEW_JSON.valueToTree(node.registry().decode(voucher)));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  @Override
  public long dagBytes(Cid root) {
    return dagSizes.of(root);
  }

  @Override
  public Readiness readiness() {
    boolean system = !node.system().whenTerminated().isCompleted();
    boolean listening = transport.listenAddress().isPresent();
    Optional<String> journalDown = journalProbe.flatMap(JournalProbe::lastProblem);
    Map<String, String> detail = new TreeMap<>();
    if (!listening) {
      detail.put("transport", "not listening");
    }
    journalDown.ifPresent(p -> detail.put("journal", p));
    // Ready while the read model catches up (the node serves, listings say they are catching up);
    // not ready when it cannot read the journal at all.
    channels.catchingUp().ifPresent(p -> detail.put("channels", p));
    boolean channelsReadable = !channels.failed();
    io.ferry.transport.tcp.flow.Admission admission = transport.admission();
    boolean admitting = !admission.overloaded();
    if (!admitting) {
      detail.put(
          "admission",
          "overloaded: "
              + admission.open()
              + " open channels that peers asked for, the limit is "
              + admission.total()
              + " (ferry.limits.open-channels-total); new requests are refused");
    }
    java.util.Optional<io.ferry.transport.tcp.flow.MemoryBudget> memory = admission.memory();
    if (admitting && memory.isPresent() && memory.get().full()) {
      admitting = false;
      detail.put(
          "admission",
          "overloaded: "
              + memory.get().describe()
              + "; new requests are refused, sending channels wait Queued");
    }
    return new Readiness(
        Map.of(
            "actor-system", system,
            "journal", system && journalDown.isEmpty() && channelsReadable,
            "transport", listening,
            "admission", admitting),
        detail);
  }

  /**
   * Checks a shared (PostgreSQL) journal every {@code interval} from now on, so that {@link
   * #readiness()} says when it is unreachable (an embedded journal is ready while the node runs).
   */
  public void probeJournal(JournalProbe probe, java.time.Duration interval) {
    journalProbe = Optional.of(probe);
    probe.check();
    node.system()
        .scheduler()
        .scheduleWithFixedDelay(
            interval,
            interval,
            () -> blocking.execute(probe::check),
            node.system().executionContext());
  }

  @Override
  public Source<JournalEvent, NotUsed> journalEvents(long afterOffset, boolean live) {
    return events.events(afterOffset, live);
  }

  @Override
  public long eventsEnd() {
    return node.channelReadModel().offset();
  }

  @Override
  public Optional<io.ferry.engine.wiring.EventHub> localEvents() {
    return node.localEvents();
  }

  private Optional<JournalEvent> decode(
      long offset, String persistenceId, long sequenceNr, long timestamp, Object event) {
    if (!persistenceId.startsWith(CHANNEL_PREFIX)
        || !(event instanceof io.ferry.channels.entity.JournalEvent e)) {
      return Optional.empty();
    }
    ChannelId id = ChannelId.parse(persistenceId.substring(CHANNEL_PREFIX.length()));
    if (purged.contains(id)) {
      return Optional.empty();
    }
    return Optional.of(
        new JournalEvent(
            offset,
            id,
            new ChannelEvent(e.code(), e.message(), e.at(), sequenceNr),
            Optional.empty()));
  }
}
