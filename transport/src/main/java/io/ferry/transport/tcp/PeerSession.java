package io.ferry.transport.tcp;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.store.BlockStore;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.FrameCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything this node does with one peer, in one actor: the connection (dial, redial with backoff,
 * adopt one of two simultaneous connections, detect loss), control messages to and from the peer,
 * and the channels whose data moves between the two ({@link SendChannel}, {@link ReceiveChannel}).
 * Channels outlive connections: after a reconnect each receiving channel asks again from where it
 * stands.
 */
final class PeerSession extends AbstractBehavior<PeerSession.Command> implements SessionIo {
  private static final Logger log = LoggerFactory.getLogger(PeerSession.class);
  private static final int MAX_EARLY_WANTS = 1024;

  sealed interface Command {}

  /** Acknowledges one inbound element (backpressure towards the connection). */
  enum Ack {
    INSTANCE
  }

  record OpenSend(DataRequest request) implements Command {}

  record OpenReceive(DataRequest request, CompletableFuture<Long> held) implements Command {}

  record SetByteLimit(ChannelId channel, long limit) implements Command {}

  record Pause(ChannelId channel) implements Command {}

  record Resume(ChannelId channel) implements Command {}

  record CloseChannel(ChannelId channel) implements Command {}

  record SendMessage(TransferMessage message, CompletableFuture<Void> sent) implements Command {}

  record Connect(Multiaddr address, CompletableFuture<PeerId> connected) implements Command {}

  record Attached(Connection connection, ActorRef<Ack> ack) implements Command {}

  record Inbound(Connection connection, Object element, ActorRef<Ack> ack) implements Command {}

  record Detached(Connection connection, Throwable cause) implements Command {}

  record DialFailed(Connection connection, Throwable cause) implements Command {}

  record Later(Runnable action) implements Command {}

  record Stop() implements Command {}

  record Disconnect() implements Command {}

  private enum Tick implements Command {
    INSTANCE
  }

  private enum Redial implements Command {
    INSTANCE
  }

  private record Pending(TransferMessage message, CompletableFuture<Void> sent, long deadline) {}

  private final TransportContext node;
  private final PeerId peer;
  private final TimerScheduler<Command> timers;
  private final PeerLimits limits;
  private final Map<ChannelId, SendChannel> sends = new HashMap<>();
  private final Map<Long, SendChannel> sendsByRef = new HashMap<>();
  private final Map<ChannelId, ReceiveChannel> receives = new HashMap<>();
  private final Map<Long, ReceiveChannel> receivesByRef = new HashMap<>();
  private final Map<ChannelId, Frame.Want> earlyWants = new LinkedHashMap<>();
  private final java.util.Set<ChannelId> earlyPauses = new java.util.LinkedHashSet<>();
  private final List<Pending> pending = new ArrayList<>();
  private final List<CompletableFuture<PeerId>> connectWaiters = new ArrayList<>();
  private final List<Connection> others = new ArrayList<>();
  private Connection active;
  private Connection dialing;
  private Multiaddr address;
  private int failedDials;
  private boolean redialScheduled;
  private boolean stopping;

  static Behavior<Command> create(TransportContext node, PeerId peer, Multiaddr address) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(t -> new PeerSession(ctx, t, node, peer, address)));
  }

  private PeerSession(
      ActorContext<Command> ctx,
      TimerScheduler<Command> timers,
      TransportContext node,
      PeerId peer,
      Multiaddr address) {
    super(ctx);
    this.node = node;
    this.peer = peer;
    this.timers = timers;
    this.address = address;
    this.limits = new PeerLimits(node, this::later, this::pumpAll, this::creditUnthrottled);
    timers.startTimerAtFixedRate(Tick.INSTANCE, node.settings().progressInterval());
  }

  @Override
  public Receive<Command> createReceive() {
    return newReceiveBuilder()
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(Later.class, l -> run(l.action()))
        .onMessage(Attached.class, this::onAttached)
        .onMessage(Detached.class, this::onDetached)
        .onMessage(DialFailed.class, this::onDialFailed)
        .onMessage(OpenSend.class, this::onOpenSend)
        .onMessage(OpenReceive.class, this::onOpenReceive)
        .onMessage(SetByteLimit.class, m -> withSend(m.channel(), s -> s.setByteLimit(m.limit())))
        .onMessage(Pause.class, m -> withEither(m.channel(), true))
        .onMessage(Resume.class, m -> withEither(m.channel(), false))
        .onMessage(CloseChannel.class, this::onCloseChannel)
        .onMessage(SendMessage.class, this::onSendMessage)
        .onMessage(Connect.class, this::onConnect)
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Redial.INSTANCE, this::onRedial)
        .onMessage(Stop.class, m -> onStop())
        .onMessage(Disconnect.class, m -> onDisconnect())
        .build();
  }

  // ---- API ----

  private Behavior<Command> onOpenSend(OpenSend m) {
    ChannelId id = m.request().channelId();
    SendChannel existing = sends.get(id);
    if (existing != null && existing.state() != SendChannel.State.ENDED) {
      existing.reopen(m.request());
      return this;
    }
    boolean admitted = node.slots().acquire(id, peer, () -> later(() -> admit(id)));
    SendChannel ch = new SendChannel(m.request(), this, admitted, earlyPauses.remove(id));
    sends.put(id, ch);
    if (admitted) {
      node.handler().onChannelStarted(id);
    } else {
      log.debug("{}: queued (send slots full)", id);
      node.handler().onChannelQueued(id);
    }
    Frame.Want early = earlyWants.remove(id);
    if (early != null) {
      onWant(early);
    }
    ensureConnected();
    return this;
  }

  private void admit(ChannelId id) {
    SendChannel ch = sends.get(id);
    if (ch == null || ch.state() == SendChannel.State.ENDED) {
      node.slots().release(peer);
    } else {
      ch.admitted();
    }
  }

  private Behavior<Command> onOpenReceive(OpenReceive m) {
    ChannelId id = m.request().channelId();
    ReceiveChannel existing = receives.get(id);
    if (existing != null && existing.state() != ReceiveChannel.State.ENDED) {
      existing.reopen(m.request(), m.held());
    } else {
      receives.put(id, new ReceiveChannel(m.request(), this, m.held()));
    }
    ensureConnected();
    return this;
  }

  private Behavior<Command> withSend(ChannelId id, java.util.function.Consumer<SendChannel> f) {
    SendChannel s = sends.get(id);
    if (s != null) {
      f.accept(s);
    }
    return this;
  }

  private Behavior<Command> withEither(ChannelId id, boolean pause) {
    SendChannel s = sends.get(id);
    if (s != null) {
      if (pause) {
        s.pauseLocally();
      } else {
        s.resumeLocally();
      }
    }
    ReceiveChannel r = receives.get(id);
    if (r != null) {
      if (pause) {
        r.pauseLocally();
      } else {
        r.resumeLocally();
      }
    }
    return this;
  }

  private Behavior<Command> onCloseChannel(CloseChannel m) {
    SendChannel s = sends.get(m.channel());
    if (s != null) {
      s.close();
    }
    ReceiveChannel r = receives.get(m.channel());
    if (r != null) {
      r.close();
    }
    earlyWants.remove(m.channel());
    return this;
  }

  private Behavior<Command> onSendMessage(SendMessage m) {
    if (active != null) {
      active.outbox.offerControl(FrameCodec.encode(new Frame.Message(m.message())));
      m.sent().complete(null);
    } else if (address == null && node.addressOf(peer) == null) {
      m.sent()
          .completeExceptionally(
              new IllegalStateException(
                  "not connected to " + peer + " and no address is known for it"));
    } else {
      long deadline = System.nanoTime() + node.settings().connectTimeout().toNanos();
      pending.add(new Pending(m.message(), m.sent(), deadline));
      ensureConnected();
    }
    return this;
  }

  private Behavior<Command> onConnect(Connect m) {
    address = m.address().withPeer(peer);
    if (active != null) {
      m.connected().complete(peer);
    } else {
      connectWaiters.add(m.connected());
      ensureConnected();
    }
    return this;
  }

  // ---- connections ----

  private void ensureConnected() {
    if (address == null) {
      address = node.addressOf(peer);
    }
    if (active != null || dialing != null || address == null || stopping || redialScheduled) {
      return;
    }
    dialing = node.connector().dial(address, peer, getContext().getSelf());
  }

  private Behavior<Command> onAttached(Attached m) {
    m.connection().outbox.onDrained(() -> later(this::pumpAll));
    m.ack().tell(Ack.INSTANCE);
    return this;
  }

  private Behavior<Command> onDialFailed(DialFailed m) {
    if (m.connection() != dialing) {
      return this;
    }
    dialing = null;
    failedDials++;
    String why = Connector.describe(m.cause(), node.settings());
    log.info("could not connect to {} at {}: {}", peer, address, why);
    connectWaiters.forEach(
        f -> f.completeExceptionally(new IllegalStateException("cannot connect: " + why)));
    connectWaiters.clear();
    expirePending(why);
    scheduleRedial();
    return this;
  }

  private void scheduleRedial() {
    boolean needed = !pending.isEmpty() || !sends.isEmpty() || !receives.isEmpty();
    if (!needed || address == null || stopping || redialScheduled || active != null) {
      return;
    }
    TcpSettings s = node.settings();
    long min = s.reconnectMinBackoff().toMillis();
    long delay = Math.min(s.reconnectMaxBackoff().toMillis(), min << Math.min(failedDials, 20));
    delay = (long) (delay * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
    redialScheduled = true;
    timers.startSingleTimer(Redial.INSTANCE, Duration.ofMillis(Math.max(1, delay)));
  }

  private Behavior<Command> onRedial() {
    redialScheduled = false;
    ensureConnected();
    return this;
  }

  private void onHello(Connection c, Frame.Hello hello) {
    if (hello.version() != FrameCodec.VERSION || !hello.protocol().equals(FrameCodec.PROTOCOL)) {
      log.warn(
          "refused {}: it speaks {} version {}, not {} version {}",
          c,
          hello.protocol(),
          hello.version(),
          FrameCodec.PROTOCOL,
          FrameCodec.VERSION);
      c.abort(new IllegalStateException("protocol mismatch"));
      return;
    }
    c.handshake(hello);
    learnAddress(c, hello);
    if (c == dialing) {
      dialing = null;
    }
    if (active == null) {
      adopt(c);
    } else if (active != c) {
      Connection keep = preferred(active, c);
      Connection drop = keep == c ? active : c;
      log.debug("duplicate connections to {}: keeping {}, retiring {}", peer, keep, drop);
      retire(drop);
      if (keep == c) {
        others.remove(c);
        active = c;
      }
    }
  }

  /** Of two connections, the one dialed by the lower peer ID; of two from one dialer, the newer. */
  private Connection preferred(Connection a, Connection b) {
    PeerId dialerA = a.dialed ? self() : peer;
    PeerId dialerB = b.dialed ? self() : peer;
    if (dialerA.equals(dialerB)) {
      return b;
    }
    PeerId lower = self().compareTo(peer) < 0 ? self() : peer;
    return dialerA.equals(lower) ? a : b;
  }

  private void retire(Connection c) {
    c.retire();
    c.outbox.offerControl(FrameCodec.encode(new Frame.GoAway("duplicate connection")));
    if (!others.contains(c)) {
      others.add(c);
    }
    if (c.goAwayReceived()) {
      c.shutdown();
    }
  }

  private void adopt(Connection c) {
    active = c;
    others.remove(c);
    failedDials = 0;
    log.debug("connected to {} ({})", peer, c);
    for (Pending p : pending) {
      c.outbox.offerControl(FrameCodec.encode(new Frame.Message(p.message())));
      p.sent().complete(null);
    }
    pending.clear();
    connectWaiters.forEach(f -> f.complete(peer));
    connectWaiters.clear();
    node.handler().onPeerConnected(peer);
    List.copyOf(receives.values()).forEach(ReceiveChannel::connected);
  }

  private void learnAddress(Connection c, Frame.Hello hello) {
    if (address != null || hello.listenAddrs().isEmpty()) {
      return;
    }
    try {
      Multiaddr a = Multiaddr.parse(hello.listenAddrs().get(0)).withPeer(peer);
      if (a.host().equals("0.0.0.0") && c.remote != null) {
        a = Multiaddr.of(c.remote.getAddress().getHostAddress(), a.port(), peer);
      }
      address = a;
    } catch (IllegalArgumentException e) {
      log.debug("{} announced an unusable address: {}", peer, e.getMessage());
    }
  }

  private Behavior<Command> onDetached(Detached m) {
    Connection c = m.connection();
    others.remove(c);
    if (c == dialing) {
      dialing = null;
    }
    if (c != active) {
      return this;
    }
    active = null;
    String why = Connector.describe(m.cause(), node.settings());
    if (m.cause() != null) {
      log.warn("lost connection to {}: {}", peer, why);
    } else {
      log.info("connection to {} closed: {}", peer, why);
    }
    sendsByRef.clear();
    receivesByRef.clear();
    List.copyOf(sends.values()).forEach(SendChannel::connectionLost);
    List.copyOf(receives.values()).forEach(ReceiveChannel::connectionLost);
    Connection next = others.stream().filter(Connection::isReady).findFirst().orElse(null);
    if (next != null) {
      adopt(next);
      return this;
    }
    node.handler().onPeerDisconnected(peer, why);
    scheduleRedial();
    return this;
  }

  private Behavior<Command> onDisconnect() {
    if (active != null) {
      active.abort(new IllegalStateException("disconnected on request"));
    }
    return this;
  }

  private Behavior<Command> onStop() {
    stopping = true;
    for (Connection c : others) {
      c.shutdown();
    }
    if (active != null) {
      active.shutdown();
    }
    if (dialing != null) {
      dialing.shutdown();
    }
    IllegalStateException closed = new IllegalStateException("the transport was closed");
    pending.forEach(p -> p.sent().completeExceptionally(closed));
    connectWaiters.forEach(f -> f.completeExceptionally(closed));
    return Behaviors.stopped();
  }

  // ---- inbound frames ----

  private Behavior<Command> onInbound(Inbound m) {
    try {
      Connection c = m.connection();
      Object e = m.element();
      if (e instanceof Frame.Hello h) {
        onHello(c, h);
      } else if (c.hello() == null) {
        log.warn("refused {}: it sent a frame before its handshake", c);
        c.abort(new IllegalStateException("frame before handshake"));
      } else {
        new InboundDispatch(this, c).dispatch(e);
      }
    } finally {
      m.ack().tell(Ack.INSTANCE);
    }
    return this;
  }

  void onMessage(TransferMessage message) {
    if (message instanceof TransferRequest r
        && r.type() == MessageType.RESTART_EXISTING_CHANNEL
        && (r.restartChannel() == null
            || !r.restartChannel().isParty(peer)
            || !r.restartChannel().isParty(self()))) {
      log.warn(
          "refused a control message from {} about channel {}: {} is not its counterparty",
          peer,
          r.restartChannel(),
          peer);
      return;
    }
    node.handler().onMessage(peer, message);
  }

  void onWant(Frame.Want want) {
    ChannelId id = want.channel();
    if (!id.isParty(peer) || !id.isParty(self())) {
      log.warn("refused a want from {} for channel {}: {} is not its counterparty", peer, id, peer);
      control(new Frame.Close(id, peer + " is not a party of channel " + id));
      return;
    }
    SendChannel ch = sends.get(id);
    if (ch == null) {
      if (node.isOpenWithAnotherPeer(id, peer)) {
        log.warn("refused a want from {} for channel {}: it is open with another peer", peer, id);
        control(new Frame.Close(id, "channel " + id + " is not open with " + peer));
        return;
      }
      if (earlyWants.size() >= MAX_EARLY_WANTS) {
        earlyWants.remove(earlyWants.keySet().iterator().next());
      }
      earlyWants.put(id, want);
      return;
    }
    sendsByRef.values().remove(ch);
    sendsByRef.put(want.ref(), ch);
    ch.onWant(want);
  }

  SendChannel sendByRef(long ref) {
    return sendsByRef.get(ref);
  }

  ReceiveChannel receiveByRef(long ref) {
    return receivesByRef.get(ref);
  }

  SendChannel send(ChannelId id) {
    return sends.get(id);
  }

  ReceiveChannel receive(ChannelId id) {
    return receives.get(id);
  }

  void forgetEarlyWant(ChannelId id) {
    earlyWants.remove(id);
    earlyPauses.remove(id);
  }

  /** The receiver paused (or resumed) a channel this node has not opened for sending yet. */
  void earlyPause(ChannelId id, long seq, boolean pause) {
    if (!id.isParty(peer) || !id.isParty(self())) {
      return;
    }
    if (pause) {
      if (earlyPauses.size() >= MAX_EARLY_WANTS) {
        earlyPauses.remove(earlyPauses.iterator().next());
      }
      earlyPauses.add(id);
    } else {
      earlyPauses.remove(id);
    }
    control(new Frame.Ack(id, seq, 0));
  }

  void onGoAway(Connection c) {
    c.goAwayReceived(true);
    if (c.isRetiring()) {
      c.shutdown();
    } else if (c == active) {
      retire(c);
    }
  }

  // ---- timers ----

  private Behavior<Command> onTick() {
    for (SendChannel s : List.copyOf(sends.values())) {
      s.flushProgress();
    }
    for (ReceiveChannel r : List.copyOf(receives.values())) {
      r.flush();
      r.flushProgress();
    }
    expirePending("no connection within " + node.settings().connectTimeout().toSeconds() + " s");
    return this;
  }

  private void expirePending(String why) {
    long now = System.nanoTime();
    for (Iterator<Pending> it = pending.iterator(); it.hasNext(); ) {
      Pending p = it.next();
      if (now - p.deadline() >= 0) {
        it.remove();
        p.sent()
            .completeExceptionally(
                new IllegalStateException("could not deliver to " + peer + ": " + why));
      }
    }
  }

  private void pumpAll() {
    List.copyOf(sends.values()).forEach(SendChannel::pump);
  }

  private void creditUnthrottled() {
    List.copyOf(receives.values()).forEach(ReceiveChannel::unthrottled);
  }

  private Behavior<Command> run(Runnable action) {
    action.run();
    return this;
  }

  // ---- SessionIo ----

  @Override
  public PeerId self() {
    return node.self();
  }

  @Override
  public PeerId peer() {
    return peer;
  }

  @Override
  public TcpSettings settings() {
    return node.settings();
  }

  @Override
  public TransportHandler handler() {
    return node.handler();
  }

  @Override
  public BlockStore store() {
    return node.store();
  }

  @Override
  public boolean isConnected() {
    return active != null;
  }

  @Override
  public void control(Frame frame) {
    if (active != null) {
      active.outbox.offerControl(FrameCodec.encode(frame));
    }
  }

  @Override
  public boolean data(Frame.Block frame, Runnable onWritten) {
    if (active == null) {
      return false;
    }
    return active.outbox.offerData(FrameCodec.encode(frame), () -> later(onWritten));
  }

  @Override
  public boolean hasRoom() {
    return active != null && active.outbox.hasRoom();
  }

  @Override
  public <T> void blocking(Callable<T> work, BiConsumer<T, Throwable> then) {
    CompletableFuture<T> f =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return work.call();
              } catch (Exception e) {
                throw new java.util.concurrent.CompletionException(e);
              }
            },
            node.blockingExecutor());
    getContext().pipeToSelf(f, (value, error) -> new Later(() -> then.accept(value, error)));
  }

  @Override
  public void later(Runnable action) {
    getContext().getSelf().tell(new Later(action));
  }

  @Override
  public long newRef(ReceiveChannel channel) {
    receivesByRef.values().remove(channel);
    long ref = node.newRef();
    receivesByRef.put(ref, channel);
    return ref;
  }

  @Override
  public boolean uploadThrottled() {
    return limits.uploadThrottled();
  }

  @Override
  public void uploaded(long bytes) {
    limits.uploaded(bytes);
  }

  @Override
  public void downloaded(long bytes) {
    limits.downloaded(bytes);
  }

  @Override
  public boolean downloadThrottled() {
    return limits.downloadThrottled();
  }

  @Override
  public long takeCredit(long wanted, long min) {
    return limits.takeCredit(wanted, min);
  }

  @Override
  public void giveCredit(long bytes) {
    limits.giveCredit(bytes);
  }

  @Override
  public void onCreditFreed(Runnable wake) {
    limits.onCreditFreed(() -> later(wake));
  }

  @Override
  public void retire(ChannelId id) {
    SendChannel s = sends.remove(id);
    if (s != null) {
      sendsByRef.values().remove(s);
      if (s.wasAdmitted()) {
        node.slots().release(peer);
      } else {
        node.slots().cancel(id);
      }
    }
    ReceiveChannel r = receives.remove(id);
    if (r != null) {
      receivesByRef.values().remove(r);
    }
    node.retired(id);
  }
}
