package io.ferry.transport.tcp.channel;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.store.BlockStore;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.flow.ByteBudget;
import io.ferry.transport.tcp.flow.NodeLimits;
import io.ferry.transport.tcp.flow.PeerLimits;
import io.ferry.transport.tcp.flow.RateLimiter;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.FrameCodec;
import io.ferry.transport.tcp.frame.InboundBlock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * A peer session without a socket, an actor or threads, for unit tests of {@link SendChannel} and
 * {@link ReceiveChannel} (Netty's {@code EmbeddedChannel} is the model). A test hands it inbound
 * frames ({@link #inbound}), which the session's {@link ChannelFrames} route as the real session
 * does, and reads what the channels wrote from {@link #outbound}. Work the real session runs on a
 * blocking pool or later on its own thread is queued here and runs, in order, when the test calls
 * {@link #runPending} (which {@link #inbound} does): no timing, no waiting.
 */
final class EmbeddedSession implements SessionIo, NodeLimits {
  private final PeerId self;
  private final PeerId peer;
  private final BlockStore store;
  private final TcpSettings settings;
  private final TransportHandler handler;
  private final SessionChannels channels = new SessionChannels();
  private final ChannelFrames frames;
  private final Deque<Runnable> pending = new ArrayDeque<>();
  private final List<Frame> outbound = new ArrayList<>();
  private final List<Frame> held = new ArrayList<>();
  private final List<CompletableFuture<Void>> heldSent = new ArrayList<>();
  private final ByteBudget totalCredit;
  private final RateLimiter uploadLimit;
  private final RateLimiter downloadLimit;
  private final PeerLimits limits;
  private io.ferry.transport.tcp.flow.SendSlots slots;
  private io.ferry.transport.tcp.flow.MemoryBudget memory;
  private boolean connected = true;
  private boolean holding;
  private long refs;
  private long runs = 100;

  EmbeddedSession(
      PeerId self, PeerId peer, BlockStore store, TcpSettings settings, TransportHandler handler) {
    this.self = self;
    this.peer = peer;
    this.store = store;
    this.settings = settings;
    this.handler = handler;
    this.frames =
        new ChannelFrames(
            this,
            channels,
            new io.ferry.transport.tcp.flow.Admission(
                settings.openChannelsPerPeer(), settings.openChannelsTotal()),
            new io.ferry.transport.tcp.flow.Offenders());
    this.totalCredit = new ByteBudget(settings.inFlightTotal());
    this.uploadLimit = new RateLimiter(settings.uploadRate(), this::schedule);
    this.downloadLimit = new RateLimiter(settings.downloadRate(), this::schedule);
    this.limits = new PeerLimits(this, this::later, () -> {}, () -> {});
  }

  // ---- what a test does ----

  /** Charges pages and read-ahead to {@code memory} as the node does (default: none charged). */
  EmbeddedSession withMemory(io.ferry.transport.tcp.flow.MemoryBudget memory) {
    this.memory = memory;
    return this;
  }

  /** Counts send slots in {@code slots} as the node does (default: none counted). */
  EmbeddedSession withSlots(io.ferry.transport.tcp.flow.SendSlots slots) {
    this.slots = slots;
    return this;
  }

  /** Opens a sending channel as the session does for the engine's open. */
  SendChannel openSend(
      io.ferry.channels.wire.DataRequest request,
      io.ferry.channels.wire.TransferMessage message,
      CompletableFuture<Void> sent) {
    SendChannel existing = channels.send(request.channelId());
    if (existing != null && existing.state() != SendChannel.State.ENDED) {
      existing.reopen(request, message, sent);
      runPending();
      return existing;
    }
    ChannelId id = request.channelId();
    boolean admitted =
        !request.paused() && slots == null
            || !request.paused() && slots.acquire(id, peer, () -> later(() -> admit(id)));
    SendChannel ch = new SendChannel(request, this, admitted);
    channels.add(ch);
    ch.open(message, sent);
    runPending();
    return ch;
  }

  /** A queued channel's turn came: it takes the slot, or gives it back as the session does. */
  private void admit(ChannelId id) {
    SendChannel queued = channels.send(id);
    if (queued == null || queued.state() == SendChannel.State.ENDED || !queued.admitted()) {
      slots.release(id, peer);
    } else {
      handler.onChannelAdmitted(id);
    }
  }

  /** Opens a receiving channel as the session does; {@code held} answers its held prefix. */
  ReceiveChannel openReceive(
      io.ferry.channels.wire.DataRequest request, CompletableFuture<Long> heldPrefix) {
    ReceiveChannel existing = channels.receive(request.channelId());
    if (existing != null && existing.state() != ReceiveChannel.State.ENDED) {
      existing.reopen(request, heldPrefix);
      runPending();
      return existing;
    }
    ReceiveChannel ch = new ReceiveChannel(request, this, heldPrefix);
    channels.add(ch);
    runPending();
    return ch;
  }

  /** A frame (or a block, verified as the decoder does) from the peer, then pending work. */
  void inbound(Frame frame) {
    frames.dispatch(frame instanceof Frame.Block b ? InboundBlock.verify(b) : frame);
    runPending();
  }

  /** Runs the queued work (blocking reads, callbacks, wake-ups) until none is left. */
  void runPending() {
    Runnable r;
    while (!holding && (r = pending.poll()) != null) {
      r.run();
    }
  }

  /**
   * Holds queued work (a store write, say) until {@link #release}, so that a test can order an
   * event while it is under way.
   */
  void hold() {
    holding = true;
  }

  /** Lets held work run, in order. */
  void release() {
    holding = false;
    runPending();
  }

  /** The connection drops: control frames are dropped until {@link #reconnect}. */
  void disconnect() {
    connected = false;
    channels.unbindAll();
    channels.sends().forEach(SendChannel::connectionLost);
    channels.receives().forEach(ReceiveChannel::connectionLost);
  }

  /** A connection is up again: held frames go out first, then the channels hear of it. */
  void reconnect() {
    connected = true;
    outbound.addAll(held);
    held.clear();
    heldSent.forEach(f -> f.complete(null));
    heldSent.clear();
    channels.sends().forEach(SendChannel::connected);
    channels.receives().forEach(ReceiveChannel::connected);
    runPending();
  }

  /** Everything written so far, in order. */
  List<Frame> outbound() {
    return List.copyOf(outbound);
  }

  /** The frames of one kind written so far, in order. */
  <F extends Frame> List<F> outbound(Class<F> kind) {
    return outbound.stream().filter(kind::isInstance).map(kind::cast).toList();
  }

  /** The last frame of {@code kind} written; fails if there is none. */
  <F extends Frame> F last(Class<F> kind) {
    List<F> all = outbound(kind);
    if (all.isEmpty()) {
      throw new AssertionError("no " + kind.getSimpleName() + " written; wrote " + outbound);
    }
    return all.get(all.size() - 1);
  }

  /** Forgets what was written so far. */
  void clearOutbound() {
    outbound.clear();
  }

  SessionChannels channels() {
    return channels;
  }

  // ---- SessionIo ----

  @Override
  public PeerId self() {
    return self;
  }

  @Override
  public PeerId peer() {
    return peer;
  }

  @Override
  public TcpSettings settings() {
    return settings;
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
  public String remoteAddress() {
    return connected ? "127.0.0.1" : null;
  }

  @Override
  public boolean isConnected() {
    return connected;
  }

  /**
   * Writes {@code frame}, encoded as the wire would (so a frame that cannot be sent fails here).
   */
  private void write(Frame frame) {
    FrameCodec.encode(frame);
    outbound.add(frame);
  }

  @Override
  public void control(Frame frame) {
    if (connected) {
      write(frame);
    }
  }

  @Override
  public void send(Frame frame, CompletableFuture<Void> sent) {
    if (connected) {
      write(frame);
      sent.complete(null);
    } else {
      held.add(frame);
      heldSent.add(sent);
    }
  }

  @Override
  public boolean data(Frame.Block frame, Runnable onWritten) {
    if (!connected) {
      return false;
    }
    write(frame);
    pending.add(onWritten);
    return true;
  }

  @Override
  public boolean hasRoom() {
    return connected;
  }

  @Override
  public <T> void blocking(Callable<T> work, BiConsumer<T, Throwable> then) {
    pending.add(
        () -> {
          T value;
          try {
            value = work.call();
          } catch (Exception e) {
            then.accept(null, e);
            return;
          }
          then.accept(value, null);
        });
  }

  @Override
  public void later(Runnable action) {
    pending.add(action);
  }

  @Override
  public long newRef(ReceiveChannel channel) {
    long ref = ++refs;
    channels.bind(ref, channel);
    return ref;
  }

  @Override
  public void unbind(ReceiveChannel channel) {
    channels.unbind(channel);
  }

  @Override
  public void bind(long ref, SendChannel channel) {
    channels.bind(ref, channel);
  }

  @Override
  public long newRun() {
    return ++runs;
  }

  @Override
  public PeerLimits limits() {
    return limits;
  }

  @Override
  public void rememberCounted(ChannelId channel, SendCounts.Highest highest) {
    channels.rememberCounted(channel, highest);
  }

  @Override
  public SendCounts.Highest recallCounted(ChannelId channel) {
    return channels.recallCounted(channel);
  }

  @Override
  public void rememberReceiving(ChannelId id, ReceiveChannel.Left left) {
    channels.rememberReceiving(id, left);
  }

  @Override
  public ReceiveChannel.Left recallReceiving(ChannelId id) {
    return channels.recallReceiving(id);
  }

  @Override
  public void releaseSlot(ChannelId channel) {
    if (slots != null) {
      slots.release(channel, peer);
    }
  }

  @Override
  public boolean retakeSlot(ChannelId channel, Runnable admitted) {
    return slots == null || slots.acquire(channel, peer, () -> later(admitted));
  }

  @Override
  public void chargePages(ChannelId channel, long bytes) {
    if (memory != null && bytes > 0) {
      memory.takePages(bytes);
    } else if (memory != null && bytes < 0) {
      memory.givePages(-bytes);
    }
  }

  @Override
  public boolean reserveReadAhead(long bytes, boolean anyway) {
    return memory == null || memory.takeReadAhead(bytes, anyway);
  }

  @Override
  public void giveBackReadAhead(long bytes) {
    if (memory != null) {
      memory.giveReadAhead(bytes);
    }
  }

  @Override
  public void retire(ChannelId channel) {
    SendChannel s = channels.send(channel);
    if (slots != null && s != null && s.wasAdmitted()) {
      slots.release(channel, peer);
    } else if (slots != null && s != null) {
      slots.cancel(channel);
    }
    channels.removeSend(channel);
    channels.removeReceive(channel);
  }

  // ---- NodeLimits (what the peer's limits use) ----

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
  public void schedule(Duration delay, Runnable task) {
    pending.add(task);
  }
}
