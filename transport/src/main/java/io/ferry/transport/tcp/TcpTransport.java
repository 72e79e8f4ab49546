package io.ferry.transport.tcp;

import com.typesafe.config.Config;
import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.DataTransport;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.store.BlockStore;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.flow.Admission;
import io.ferry.transport.tcp.flow.ByteBudget;
import io.ferry.transport.tcp.flow.RateLimiter;
import io.ferry.transport.tcp.flow.SendSlots;
import io.ferry.transport.tcp.link.Connector;
import io.ferry.transport.tcp.link.PeerSession;
import io.ferry.transport.tcp.link.SessionCommand;
import io.ferry.transport.tcp.link.TransportContext;
import io.ferry.transport.tcp.tls.TlsEngines;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.ClassicActorSystemProvider;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The network transport: authenticated TLS 1.3 connections over TCP (one per peer, carrying all
 * channels with that peer), the data-transfer control messages, and each channel's blocks moved
 * with credit-based backpressure, verified block by block and stored in batches. The wire format is
 * described in docs/protocol.md.
 */
public final class TcpTransport implements DataTransport, TransportContext {
  private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);
  private static final AtomicInteger INSTANCES = new AtomicInteger();

  private final ActorSystem<?> system;
  private final NodeIdentity identity;
  private final BlockStore store;
  private final TcpSettings settings;
  private final Connector connector;
  private final SendSlots slots;
  private final Admission admission;
  private final java.util.concurrent.atomic.LongAdder onWire =
      new java.util.concurrent.atomic.LongAdder();
  private final io.ferry.transport.tcp.flow.Offenders offenders =
      new io.ferry.transport.tcp.flow.Offenders();
  private final ByteBudget totalCredit;
  private final RateLimiter uploadLimit;
  private final RateLimiter downloadLimit;
  private final ExecutorService hashPool;
  private final Executor blocking;
  private final Map<PeerId, ActorRef<SessionCommand>> sessions = new ConcurrentHashMap<>();

  /** Peers given up to another member of this cluster: not dialed, sent nothing. */
  private final java.util.Set<PeerId> withheld = ConcurrentHashMap.newKeySet();

  private final Map<PeerId, Multiaddr> addressBook = new ConcurrentHashMap<>();
  private final Map<ChannelId, PeerId> channelPeers = new ConcurrentHashMap<>();
  private final AtomicLong refs = new AtomicLong();
  private final AtomicLong runs = new AtomicLong(new SecureRandom().nextLong() >>> 8);
  private final int instance = INSTANCES.incrementAndGet();
  private final AtomicInteger sessionNames = new AtomicInteger();
  private final UnboundHandler unbound = new UnboundHandler();
  private volatile TransportHandler handler = unbound;
  private volatile java.util.function.Function<PeerId, Optional<Multiaddr>> addressSource =
      peer -> Optional.empty();
  private volatile java.util.function.BiConsumer<PeerId, Multiaddr> addressSink = (p, a) -> {};
  private volatile java.util.function.BiConsumer<PeerId, Multiaddr> announcedSink = (p, a) -> {};
  private volatile Multiaddr listenAddress;
  private volatile boolean closed;

  private TcpTransport(
      ActorSystem<?> system, NodeIdentity identity, BlockStore store, TcpSettings settings) {
    this.system = system;
    this.identity = identity;
    this.store = store;
    this.settings = settings;
    io.ferry.transport.tcp.flow.MemoryBudget memory =
        new io.ferry.transport.tcp.flow.MemoryBudget(
            settings.memoryBudget(), settings.inFlightTotal(), settings.memoryPerAddress());
    this.slots =
        new SendSlots(settings.sendingChannelsPerPeer(), settings.sendingChannelsTotal(), memory);
    this.admission =
        new Admission(
            settings.openChannelsPerPeer(), settings.openChannelsTotal(), System::nanoTime, memory);
    this.totalCredit = memory.receiveCredit();
    this.uploadLimit = new RateLimiter(settings.uploadRate(), this::schedule);
    this.downloadLimit = new RateLimiter(settings.downloadRate(), this::schedule);
    AtomicInteger threads = new AtomicInteger();
    this.hashPool =
        Executors.newFixedThreadPool(
            settings.hashThreads(),
            r -> {
              Thread t = new Thread(r, "ferry-hash-" + instance + "-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.blocking = system.dispatchers().lookup(DispatcherSelector.blocking());
    TlsEngines engines =
        new TlsEngines(
            identity,
            peer ->
                !offenders.backedOff(peer)
                    && (settings.allowedPeers().isEmpty()
                        || settings.allowedPeers().contains(peer)));
    this.connector =
        new Connector(system, engines, settings, identity.peerId(), hashPool, this::sessionFor);
    for (Multiaddr a : settings.peers()) {
      addressBook.put(a.peer(), a);
    }
  }

  /**
   * Starts a transport for {@code identity} on {@code system}, listening if the settings say so.
   * Completes once the listener is bound.
   */
  public static CompletionStage<TcpTransport> start(
      ClassicActorSystemProvider system,
      NodeIdentity identity,
      BlockStore store,
      TcpSettings settings) {
    TcpTransport t =
        new TcpTransport(Adapter.toTyped(system.classicSystem()), identity, store, settings);
    BulkBuffers.checkIn(t.system.settings().config());
    if (settings.listen() == null) {
      return CompletableFuture.completedFuture(t);
    }
    return t.connector
        .bind(settings.listen())
        .thenApply(
            bound -> {
              Multiaddr at =
                  new Multiaddr(
                          settings.listen().kind(), settings.listen().host(), bound.getPort(), null)
                      .withPeer(identity.peerId());
              t.listenAddress = at;
              t.connector.announce(List.of(at.toString()));
              log.info("listening at {}", at);
              return t;
            });
  }

  /**
   * Pekko settings for bulk transfers: 1 MiB socket reads and stream TCP write buffers (the
   * defaults, 128 KiB and 16 KiB, cost 30–60% of throughput here). Use it as a fallback of the
   * actor system's configuration.
   */
  public static Config recommendedConfig() {
    return BulkBuffers.config();
  }

  /** Where this node accepts connections, with its /p2p/ ID; empty if it does not listen. */
  public Optional<Multiaddr> listenAddress() {
    return Optional.ofNullable(listenAddress);
  }

  /**
   * Announces {@code others} in every handshake after this node's own listen address: the other
   * addresses of the same logical node (a cluster's members, which share its identity). A peer
   * keeps them and dials the next one when the address it uses refuses.
   */
  public void announceAlso(List<Multiaddr> others) {
    Multiaddr own = listenAddress;
    List<String> all = new java.util.ArrayList<>();
    if (own != null) {
      all.add(own.toString());
    }
    for (Multiaddr a : others) {
      String text = a.withPeer(identity.peerId()).toString();
      if (!all.contains(text) && all.size() < 255) {
        all.add(text);
      }
    }
    connector.announce(all);
  }

  /** Adds or replaces a peer's address in the address book (it must name its peer). */
  public void addPeer(Multiaddr address) {
    if (address.peer() == null) {
      throw new IllegalArgumentException("address " + address + " lacks its /p2p/ peer ID");
    }
    addressBook.put(address.peer(), address);
  }

  /**
   * Shares the address book (a cluster's, whose members present one peer): {@code lookup} is asked
   * for the address of a peer the book lacks, before dialing it (on the peer's session, at most
   * until it answers one, so it may block briefly); {@code verified} hears every address a
   * handshake confirmed.
   */
  public void shareAddresses(
      java.util.function.Function<PeerId, Optional<Multiaddr>> lookup,
      java.util.function.BiConsumer<PeerId, Multiaddr> verified) {
    this.addressSource = lookup;
    this.addressSink = verified;
  }

  /**
   * As {@link #shareAddresses(java.util.function.Function, java.util.function.BiConsumer)}; {@code
   * announced} also hears the listen address a peer that dialed this node announced in its
   * handshake (not confirmed by a dial: keep it only where nothing better is known).
   */
  public void shareAddresses(
      java.util.function.Function<PeerId, Optional<Multiaddr>> lookup,
      java.util.function.BiConsumer<PeerId, Multiaddr> verified,
      java.util.function.BiConsumer<PeerId, Multiaddr> announced) {
    shareAddresses(lookup, verified);
    this.announcedSink = announced;
  }

  /**
   * Dials {@code address} (which must name its peer) unless connected already. The address book
   * takes {@code address} only once a handshake over a connection dialed to it succeeded: a wrong
   * address never replaces a good one.
   */
  public CompletionStage<PeerId> connect(Multiaddr address) {
    if (address.peer() == null) {
      throw new IllegalArgumentException("address " + address + " lacks its /p2p/ peer ID");
    }
    CompletableFuture<PeerId> done = new CompletableFuture<>();
    sessionFor(address.peer()).tell(new SessionCommand.Connect(address, done));
    return done;
  }

  /** Drops the connection to {@code peer}, if any; it is redialed when needed, as after a loss. */
  @Override
  public void disconnect(PeerId peer) {
    ActorRef<SessionCommand> s = sessions.get(peer);
    if (s != null) {
      s.tell(new SessionCommand.Disconnect());
    }
  }

  @Override
  public void withhold(PeerId peer) {
    withheld.add(peer);
    disconnect(peer);
  }

  @Override
  public void admit(PeerId peer) {
    if (withheld.remove(peer)) {
      ActorRef<SessionCommand> s = sessions.get(peer);
      if (s != null) {
        s.tell(SessionCommand.Redial.INSTANCE);
      }
    }
  }

  @Override
  public boolean withheld(PeerId peer) {
    return withheld.contains(peer);
  }

  /** Stops accepting new connections (existing ones stay). */
  public void stopListening() {
    connector.unbind();
  }

  ActorRef<SessionCommand> sessionFor(PeerId peer) {
    if (closed) {
      throw new IllegalStateException("the transport is closed");
    }
    return sessions.computeIfAbsent(
        peer,
        p ->
            system.systemActorOf(
                PeerSession.create(this, p, addressBook.get(p)),
                "ferry-peer-" + instance + "-" + sessionNames.incrementAndGet(),
                Props.empty()));
  }

  // ---- DataTransport ----

  @Override
  public PeerId self() {
    return identity.peerId();
  }

  @Override
  public void bind(TransportHandler handler) {
    // Kept messages first: one that comes meanwhile goes through the unbound handler after them.
    unbound.bindTo(handler);
    this.handler = handler;
  }

  @Override
  public CompletionStage<Void> send(PeerId to, TransferMessage message) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    if (to.equals(self())) {
      sent.completeExceptionally(new IllegalArgumentException("cannot send a message to itself"));
      return sent;
    }
    if (message instanceof TransferResponse r
        && !r.accepted()
        && (r.type() == MessageType.NEW || r.type() == MessageType.RESTART)) {
      admission.rejected(new ChannelId(to, self(), r.transferId()));
    }
    if (closed) {
      sent.completeExceptionally(new IllegalStateException("the transport is closed"));
      return sent;
    }
    sessionFor(to).tell(new SessionCommand.SendMessage(message, sent));
    return sent;
  }

  @Override
  public CompletionStage<Long> openReceive(DataRequest request) {
    CompletableFuture<Long> held = new CompletableFuture<>();
    if (!register(request, held)) {
      return held;
    }
    if (closed) {
      // The node is stopping, and its channel actors with it: a failure here would fail the
      // channel for the node's own stop (a clustered member closes its transport before it hands
      // its channels over), so the channel just waits, to be resumed where it is taken over.
      return held;
    }
    admission.opened(request.channelId());
    sessionFor(request.peer()).tell(new SessionCommand.OpenReceive(request, held));
    return held;
  }

  @Override
  public CompletionStage<Void> openSend(DataRequest request, TransferMessage message) {
    CompletableFuture<Void> sent = new CompletableFuture<>();
    if (!register(request, sent)) {
      sent.exceptionally(
          e -> {
            handler.onDataFinished(request.channelId(), true, e.getMessage());
            return null;
          });
      return sent;
    }
    if (closed) {
      sent.completeExceptionally(new IllegalStateException("the transport is closed"));
      return sent;
    }
    admission.opened(request.channelId());
    sessionFor(request.peer()).tell(new SessionCommand.OpenSend(request, message, sent));
    return sent;
  }

  private boolean register(DataRequest request, CompletableFuture<?> result) {
    ChannelId id = request.channelId();
    String problem = null;
    if (request.peer().equals(self())) {
      problem = "channel " + id + " names this node as its own peer";
    } else if (!id.isParty(self()) || !id.isParty(request.peer())) {
      problem = "channel " + id + " is not between this node and " + request.peer();
    } else {
      PeerId before = channelPeers.putIfAbsent(id, request.peer());
      if (before != null && !before.equals(request.peer())) {
        problem = "channel " + id + " is already open with " + before;
      }
    }
    if (problem != null) {
      result.completeExceptionally(new IllegalArgumentException(problem));
      return false;
    }
    return true;
  }

  @Override
  public void setByteLimit(ChannelId channelId, long byteLimit) {
    tellChannel(channelId, new SessionCommand.SetByteLimit(channelId, byteLimit));
  }

  @Override
  public void pause(ChannelId channelId) {
    tellChannel(channelId, new SessionCommand.Pause(channelId));
  }

  @Override
  public void resume(ChannelId channelId) {
    tellChannel(channelId, new SessionCommand.Resume(channelId));
  }

  @Override
  public void senderCompleted(ChannelId channelId) {
    tellChannel(channelId, new SessionCommand.SenderCompleted(channelId));
  }

  @Override
  public void close(ChannelId channelId) {
    admission.closed(channelId);
    tellChannel(channelId, new SessionCommand.CloseChannel(channelId));
  }

  /**
   * Tells the channel's session, if the channel is open here. The session gets it after the open
   * (the map is filled before the open is told); a channel not open here is not affected. A channel
   * whose peer the map lost still reaches the session of its other party (the channel names both),
   * if there is one: the engine may close a channel and open it again at once (a restart answered
   * again), and the session, handling the close after the new open registered, removed the entry; a
   * pause, resume or byte limit told then went nowhere, and the channel waited for good.
   */
  private void tellChannel(ChannelId id, SessionCommand command) {
    PeerId peer = channelPeers.get(id);
    if (peer == null && id.isParty(self()) && sessions.containsKey(id.otherParty(self()))) {
      peer = id.otherParty(self()); // a session that exists only: no new one for a command
    }
    if (peer != null && !closed) {
      sessionFor(peer).tell(command);
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    sessions.values().forEach(s -> s.tell(new SessionCommand.Stop()));
    closed = true;
    connector.unbind();
    hashPool.shutdown();
  }

  // ---- TransportContext ----

  @Override
  public TcpSettings settings() {
    return settings;
  }

  /** Control messages that arrived before {@link #bind} and wait for it. */
  int messagesAwaitingBind() {
    return unbound.kept();
  }

  @Override
  public TransportHandler handler() {
    return handler;
  }

  @Override
  public BlockStore store() {
    return store;
  }

  @Override
  public Connector connector() {
    return connector;
  }

  @Override
  public SendSlots slots() {
    return slots;
  }

  @Override
  public Admission admission() {
    return admission;
  }

  @Override
  public io.ferry.transport.tcp.flow.Offenders offenders() {
    return offenders;
  }

  @Override
  public void sentOnWire(long bytes) {
    onWire.add(bytes);
  }

  /**
   * Block bytes this node sent since the start, every time a block went out (a block sent again
   * after a restart counts again; the channels' counters count it once).
   */
  public long blockBytesOnWire() {
    return onWire.sum();
  }

  /** Frames peers sent that the protocol does not allow, since the start (a metric). */
  public long protocolViolations() {
    return offenders.violations();
  }

  @Override
  public ByteBudget totalCredit() {
    return totalCredit;
  }

  @Override
  public RateLimiter uploadLimit() {
    return uploadLimit;
  }

  @Override
  public RateLimiter downloadLimit() {
    return downloadLimit;
  }

  @Override
  public Executor blockingExecutor() {
    return blocking;
  }

  @Override
  public void schedule(Duration delay, Runnable task) {
    system.scheduler().scheduleOnce(delay, task, system.executionContext());
  }

  @Override
  public Multiaddr addressOf(PeerId peer) {
    Multiaddr known = addressBook.get(peer);
    if (known != null) {
      return known;
    }
    Optional<Multiaddr> found = addressSource.apply(peer);
    found.ifPresent(a -> addressBook.putIfAbsent(peer, a));
    return found.orElse(null);
  }

  @Override
  public void addressVerified(PeerId peer, Multiaddr address) {
    addressBook.put(peer, address);
    blocking.execute(() -> addressSink.accept(peer, address));
  }

  @Override
  public void addressAnnounced(PeerId peer, Multiaddr address) {
    blocking.execute(() -> announcedSink.accept(peer, address));
  }

  @Override
  public long newRef() {
    return refs.incrementAndGet();
  }

  @Override
  public long newRun() {
    return runs.incrementAndGet();
  }

  @Override
  public void retired(ChannelId channel) {
    channelPeers.remove(channel);
  }
}
