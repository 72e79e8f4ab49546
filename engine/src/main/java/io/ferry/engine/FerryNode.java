package io.ferry.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelNotFoundException;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.Status;
import io.ferry.channels.Subscriber;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.Unsubscribe;
import io.ferry.channels.entity.ChannelCommand;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.entity.ChannelEnvironment;
import io.ferry.channels.entity.ChannelReply;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.Revalidator;
import io.ferry.channels.spi.VoucherType;
import io.ferry.channels.wire.DataTransport;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.engine.cluster.ClusterView;
import io.ferry.engine.cluster.Departures;
import io.ferry.engine.cluster.PeerOwnership;
import io.ferry.engine.cluster.PeerShards;
import io.ferry.engine.wiring.ChannelDirectory;
import io.ferry.engine.wiring.ChannelReadModel;
import io.ferry.engine.wiring.DroppedCommands;
import io.ferry.engine.wiring.EventHub;
import io.ferry.engine.wiring.ReadModelCheckpoints;
import io.ferry.engine.wiring.TransferIds;
import io.ferry.engine.wiring.TransportRouter;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import io.ferry.validators.VoucherRegistry;
import io.ferry.validators.free.FreeRequest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.CoordinatedShutdown;
import org.apache.pekko.actor.Dropped;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.typed.Cluster;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;

/**
 * A Ferry node: the {@link Manager} API on top of an actor system that journals channels (LevelDB
 * under the node's data directory by default) and reaches every channel through Cluster Sharding:
 * by default a cluster of one that joins itself; in clustered mode a member of a cluster whose
 * members share a PostgreSQL journal. Which channels exist is its {@link ChannelReadModel},
 * projected from the journal. The transport is handed in; validators are registered on the node's
 * {@link VoucherRegistry}. On start the node wakes every channel that was not finished and restarts
 * it (in clustered mode only the member that starts the cluster does, and the oldest member does
 * whenever another member leaves).
 *
 * <p>An embedder hands the node the {@link ActorSystem} it runs on, created with {@link
 * #systemConfig(NodeSettings)} (and the transport's settings, when the transport runs on the same
 * system): {@code new FerryNode(system, settings, transport, registry)}. The constructors without a
 * system create one of their own at {@link #start()}. Either way the node's lifetime is its
 * system's: {@link #stop()} terminates it, since its journal and sharded channels cannot outlive
 * the node.
 */
public final class FerryNode implements Manager {
  /** The file in the node's data directory that keeps the channel read model's checkpoint. */
  public static final String READ_MODEL_FILE = "channel-read-model.bin";

  private final NodeSettings settings;
  private final DataTransport transport;
  private final VoucherRegistry registry;
  private final TransferIds transferIds = new TransferIds();
  private final EventHub hub;
  private final ActorSystem<?> given;
  private volatile Function<ChannelState, CompletionStage<Void>> cleanupHook =
      state -> CompletableFuture.completedFuture(null);
  private volatile ActorSystem<?> system;
  private volatile ChannelDirectory channels;
  private volatile ChannelReadModel readModel;
  private volatile PeerOwnership ownership;

  public FerryNode(NodeSettings settings, DataTransport transport) {
    this(settings, transport, new VoucherRegistry());
  }

  public FerryNode(NodeSettings settings, DataTransport transport, VoucherRegistry registry) {
    this(null, settings, transport, registry);
  }

  /**
   * A node on {@code system}, which must have been created with {@link #systemConfig(NodeSettings)}
   * for these settings (sharding, the journal, the cluster).
   */
  public FerryNode(
      ActorSystem<?> system,
      NodeSettings settings,
      DataTransport transport,
      VoucherRegistry registry) {
    this.given = system;
    this.settings = settings;
    this.transport = transport;
    this.registry = registry;
    this.hub = new EventHub(settings.eventBuffer());
  }

  // ---- lifecycle ----

  @Override
  public synchronized CompletionStage<Void> start() {
    if (system != null) {
      return CompletableFuture.failedFuture(new IllegalStateException("node already started"));
    }
    ActorSystem<?> s = given != null ? given : ownSystem();
    system = s;
    return settings
        .journal()
        .prepare(s)
        .handle(
            (ok, error) -> {
              if (error != null) {
                s.terminate();
                throw error instanceof CompletionException c ? c : new CompletionException(error);
              }
              return ok;
            })
        .thenCompose(ok -> begin());
  }

  /** Once the journal is ready: the read model, the cluster, sharding, the transport, resume. */
  private synchronized CompletionStage<Void> begin() {
    ChannelReadModel model =
        ChannelReadModel.start(
            system, ReadModelCheckpoints.in(settings.home().resolve(READ_MODEL_FILE), system));
    readModel = model;
    ActorRef<Dropped> dropped =
        system.systemActorOf(DroppedCommands.create(), "dropped-commands", Props.empty());
    system.eventStream().tell(new EventStream.Subscribe<>(Dropped.class, dropped));
    settings.membership().join(system);
    CompletableFuture<Void> up = new CompletableFuture<>();
    org.apache.pekko.cluster.Cluster.get(Adapter.toClassic(system))
        .registerOnMemberUp(() -> up.complete(null));
    ClusterSharding sharding = ClusterSharding.get(system);
    ChannelDirectory directory =
        new ChannelDirectory(sharding, model, settings.askTimeout(), settings.journal().describe());
    ChannelEnvironment env =
        new ChannelEnvironment(
            peerId(),
            transport,
            registry,
            directory.listener(hub, state -> cleanupHook.apply(state)),
            settings.channels());
    Entity<ChannelCommand, ShardingEnvelope<ChannelCommand>> entity =
        Entity.of(
                ChannelEntity.TYPE_KEY,
                ctx -> ChannelEntity.create(ctx.getEntityId(), env, ctx.getShard()))
            .withStopMessage(new ChannelCommand.Passivate());
    TransportHandler router = new TransportRouter(peerId(), sharding, directory::live);
    if (settings.membership().clustered()) {
      // A peer's channels run where its connection is (docs/architecture.md, "Clustered mode").
      entity =
          entity
              .withMessageExtractor(new PeerShards(peerId()))
              .withAllocationStrategy(PeerOwnership.strategy(system));
      ownership = PeerOwnership.start(system, router, transport, directory::wakeChannelsWith);
      router = ownership;
    }
    sharding.init(entity);
    channels = directory;
    registry.routeUpdatesTo(directory::recheck);
    transport.bind(router);
    if (!settings.membership().clustered()) {
      // The node serves while the read model catches up with the journal (a long replay after a
      // crash; the tail since its checkpoint otherwise): the unfinished channels are woken once
      // it has. Waiting for it kept the API and /readyz down for the whole replay.
      up.thenCompose(ok -> directory.resume(true))
          .exceptionally(
              e -> {
                system.log().error("could not restart the node's unfinished channels: {}", e);
                return null;
              });
      return up;
    }
    system.systemActorOf(
        Departures.watch(
            crashed ->
                directory
                    .resume(true, crashed)
                    .exceptionally(
                        e -> {
                          system.log().warn("could not restart the cluster's channels: {}", e);
                          return null;
                        })),
        "cluster-departures",
        Props.empty());
    // A member that joins a running cluster leaves the channels to where they are.
    return up.thenCompose(ok -> directory.resume(!Departures.othersUp(Cluster.get(system))));
  }

  private ActorSystem<Void> ownSystem() {
    return ActorSystem.create(Behaviors.empty(), "ferry", systemConfig(settings));
  }

  /**
   * The configuration of the actor system a node with {@code settings} runs on: its cluster
   * membership, journal, passivation and shutdown settings over {@code ConfigFactory.load()}.
   */
  public static Config systemConfig(NodeSettings settings) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pekko.cluster.jmx.multi-mbeans-in-same-jvm", "on");
    // The node stops its system itself (stop(): in clustered mode it leaves the cluster first);
    // Pekko's own JVM hooks would tear remoting down at SIGTERM before the member could leave.
    m.put("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    m.put("pekko.jvm-shutdown-hooks", "off");
    m.put("pekko.coordinated-shutdown.exit-jvm", "off");
    m.put(
        "pekko.cluster.sharding.passivation.default-idle-strategy.idle-entity.timeout",
        settings.passivateIdleAfter().toMillis() + "ms");
    m.put("pekko.actor.default-dispatcher.fork-join-executor.parallelism-max", 4);
    return settings
        .extra()
        .withFallback(ConfigFactory.parseMap(m, "FerryNode"))
        .withFallback(settings.membership().toConfig())
        .withFallback(settings.journal().toConfig())
        .withFallback(ConfigFactory.load());
  }

  @Override
  public synchronized CompletionStage<Void> stop() {
    if (system == null) {
      return CompletableFuture.completedFuture(null);
    }
    ActorSystem<?> s = system;
    if (readModel != null) {
      readModel.close();
    }
    if (settings.membership().clustered()) {
      // Stop moving data first, then leave: sharding hands this member's channels to the others,
      // and the system stops (Pekko's coordinated shutdown). A transport still running here
      // during the hand-off finished channels whose actors had already left: their last blocks
      // were stored, the peer completed its side, and the word of it reached no actor, so the
      // channel restarted elsewhere and the peer refused to restart a channel it had completed
      // (ClusterRollingRestartTest failed with "the responder rejected the restart: channel ...
      // is Completed and cannot restart"). Closed first, the transport's channels stop where
      // their actors last recorded them, and the member that takes them over resumes them.
      transport.close();
      return CoordinatedShutdown.get(Adapter.toClassic(s))
          .runAll(CoordinatedShutdown.clusterLeavingReason())
          .thenCompose(done -> s.getWhenTerminated())
          .thenApply(
              done -> {
                transport.close();
                hub.close();
                registry.close();
                return null;
              });
    }
    transport.close();
    hub.close();
    s.terminate();
    // The channels have stopped: validator plug-ins now release their ledgers and files (SPI
    // close); a plug-in that fails to close fails the stop, naming it.
    return s.getWhenTerminated()
        .thenApply(
            done -> {
              registry.close();
              return null;
            });
  }

  @Override
  public PeerId peerId() {
    return transport.self();
  }

  /**
   * The node's actor system, once started: the HTTP API, the journal's event stream and purges run
   * on it (the LevelDB journal belongs to this system alone).
   */
  public ActorSystem<?> system() {
    requireStarted();
    return system;
  }

  /**
   * Sets what runs when a channel enters Completing, Failing or Cancelling (after its transport
   * side was closed), e.g. discarding a failed transfer's partial blocks. The channel becomes
   * terminal when the returned stage completes, also after a restart of the node. Default: nothing.
   */
  public void onCleanup(Function<ChannelState, CompletionStage<Void>> hook) {
    this.cleanupHook = hook;
  }

  /**
   * Which channels exist, and in which state, projected from the journal: listing, counts and
   * metrics read it without waking a channel actor.
   */
  public ChannelReadModel channelReadModel() {
    requireStarted();
    return readModel;
  }

  /** The cluster as this member sees it. */
  public ClusterView cluster() {
    requireStarted();
    return ClusterView.of(system, settings.membership().clustered());
  }

  /** How many remote peers this member serves (in clustered mode; 0 otherwise). */
  public long peersServed() {
    PeerOwnership o = ownership;
    if (o == null || system == null) {
      return 0;
    }
    String self = Cluster.get(system).selfMember().address().toString();
    return o.owners().values().stream().filter(a -> a.toString().equals(self)).count();
  }

  /**
   * The cluster as this member sees it, with the remote peers each member serves and the unfinished
   * channels it hosts (a channel whose peer no member serves yet is listed nowhere).
   */
  public CompletionStage<ClusterView> clusterHosting() {
    requireStarted();
    ClusterView view = cluster();
    PeerOwnership o = ownership;
    if (o == null) {
      return channels
          .listed()
          .thenApply(
              ids ->
                  view.hosting(
                      Map.of(),
                      Map.of(view.self(), ids.stream().map(ChannelId::toString).toList())));
    }
    Map<String, java.util.List<String>> peers = new java.util.HashMap<>();
    o.owners()
        .forEach(
            (peer, member) ->
                peers
                    .computeIfAbsent(member.toString(), m -> new java.util.ArrayList<>())
                    .add(peer));
    return channels
        .listed()
        .thenApply(
            ids -> {
              Map<String, java.util.List<String>> hosted = new java.util.HashMap<>();
              for (ChannelId id : ids) {
                o.owner(id.otherParty(peerId()))
                    .ifPresent(
                        a ->
                            hosted
                                .computeIfAbsent(a.toString(), m -> new java.util.ArrayList<>())
                                .add(id.toString()));
              }
              return view.hosting(peers, hosted);
            });
  }

  /**
   * The member hosting {@code channel} in clustered mode: the one serving its remote peer, if that
   * member is up (empty while the channel moves, and on a node that is not clustered).
   */
  public java.util.Optional<String> hostOf(ChannelId channel) {
    PeerOwnership o = ownership;
    if (o == null) {
      return java.util.Optional.empty();
    }
    return o.owner(channel.otherParty(peerId()))
        .filter(
            a ->
                cluster().members().stream()
                    .anyMatch(m -> m.address().equals(a.toString()) && m.status().equals("Up")))
        .map(Object::toString);
  }

  /** The validator registry: voucher types, validators and revalidators of this node. */
  public VoucherRegistry registry() {
    return registry;
  }

  // ---- validators ----

  @Override
  public <V> void registerVoucherType(VoucherType<V> type, RequestValidator<V> validator) {
    registry.registerVoucherType(type, validator);
  }

  @Override
  public <V> void registerRevalidator(VoucherType<V> type, Revalidator<V> revalidator) {
    registry.registerRevalidator(type, revalidator);
  }

  @Override
  public <R> void registerVoucherResultType(VoucherType<R> type) {
    registry.registerVoucherResultType(type);
  }

  // ---- channels ----

  @Override
  public CompletionStage<ChannelId> openPushDataChannel(
      PeerId to, Object voucher, Cid baseCid, Selector selector) {
    return open(to, false, voucher, baseCid, selector);
  }

  @Override
  public CompletionStage<ChannelId> openPullDataChannel(
      PeerId to, Object voucher, Cid baseCid, Selector selector) {
    return open(to, true, voucher, baseCid, selector);
  }

  private CompletionStage<ChannelId> open(
      PeerId to, boolean pull, Object voucher, Cid baseCid, Selector selector) {
    if (to.equals(peerId())) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("cannot open a channel to this node itself (" + to + ")"));
    }
    TypedVoucher encoded;
    try {
      // No voucher asks the responder to serve for free (its ferry.validators.free policy).
      encoded = voucher == null ? FreeRequest.voucher() : encode(voucher);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    ChannelId id = new ChannelId(peerId(), to, transferIds.next());
    return command(
            id, replyTo -> new ChannelCommand.Open(id, pull, baseCid, selector, encoded, replyTo))
        .thenApply(state -> id);
  }

  private TypedVoucher encode(Object voucher) {
    return voucher instanceof TypedVoucher t ? t : registry.encode(voucher);
  }

  @Override
  public CompletionStage<Void> sendVoucher(ChannelId channelId, Object voucher) {
    TypedVoucher encoded;
    try {
      encoded = encode(voucher);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return done(command(channelId, r -> new ChannelCommand.SendVoucher(encoded, r)));
  }

  @Override
  public CompletionStage<Void> closeDataTransferChannel(ChannelId channelId) {
    return done(command(channelId, ChannelCommand.Cancel::new));
  }

  @Override
  public CompletionStage<Void> closeDataTransferChannel(ChannelId channelId, String reason) {
    return done(command(channelId, r -> new ChannelCommand.Cancel(reason, r)));
  }

  @Override
  public CompletionStage<Void> pauseDataTransferChannel(ChannelId channelId) {
    return done(command(channelId, ChannelCommand.Pause::new));
  }

  @Override
  public CompletionStage<Void> resumeDataTransferChannel(ChannelId channelId) {
    return done(command(channelId, ChannelCommand.Resume::new));
  }

  @Override
  public CompletionStage<RestartOutcome> restartDataTransferChannel(ChannelId channelId) {
    ChannelDirectory c = channels;
    if (c == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("node " + peerId() + " is not started"));
    }
    return c.restart(channelId);
  }

  @Override
  public CompletionStage<Status> transferChannelStatus(ChannelId channelId) {
    return channelState(channelId)
        .handle(
            (state, error) -> {
              if (error == null) {
                return state.status();
              }
              Throwable cause = error instanceof CompletionException ? error.getCause() : error;
              if (cause instanceof ChannelNotFoundException) {
                return Status.ChannelNotFoundError;
              }
              throw new CompletionException(cause);
            });
  }

  @Override
  public CompletionStage<ChannelState> channelState(ChannelId channelId) {
    return command(channelId, ChannelCommand.GetState::new);
  }

  /**
   * Whether {@code channelId}'s actor may be running, so that asking it wakes nothing: on a node of
   * its own, whether it runs now; in clustered mode always (it may run on another member, and the
   * read model learns of other members' events only by polling the journal).
   */
  public boolean mayBeRunning(ChannelId channelId) {
    requireStarted();
    return settings.membership().clustered() || channels.runsHere(channelId);
  }

  @Override
  public CompletionStage<Map<ChannelId, ChannelState>> inProgressChannels() {
    requireStarted();
    return channels.inProgress();
  }

  // ---- events ----

  @Override
  public Unsubscribe subscribeToEvents(Subscriber subscriber) {
    return hub.subscribe(subscriber);
  }

  @Override
  public Source<Pair<ChannelEvent, ChannelState>, NotUsed> events() {
    return hub.source();
  }

  /**
   * The numbered events of the channels that run on this node, for event streams that resume
   * exactly; empty in a cluster, where a channel may run on another member and only the shared
   * journal sees every event.
   */
  public java.util.Optional<EventHub> localEvents() {
    return settings.membership().clustered()
        ? java.util.Optional.empty()
        : java.util.Optional.of(hub);
  }

  // ---- plumbing ----

  private void requireStarted() {
    if (channels == null) {
      throw new IllegalStateException("node " + peerId() + " is not started");
    }
  }

  /** Asks the channel; a receipt gives its state, anything else fails with the reason. */
  private CompletionStage<ChannelState> command(
      ChannelId id, Function<ActorRef<ChannelReply>, ChannelCommand> command) {
    ChannelDirectory c = channels;
    if (c == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("node " + peerId() + " is not started"));
    }
    return c.command(id, command);
  }

  private static CompletionStage<Void> done(CompletionStage<?> stage) {
    return stage.thenApply(x -> null);
  }
}
