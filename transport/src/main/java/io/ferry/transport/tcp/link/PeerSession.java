package io.ferry.transport.tcp.link;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.tcp.channel.ChannelFrames;
import io.ferry.transport.tcp.channel.ReceiveChannel;
import io.ferry.transport.tcp.channel.SendChannel;
import io.ferry.transport.tcp.channel.SessionChannels;
import io.ferry.transport.tcp.channel.SessionIo;
import io.ferry.transport.tcp.flow.PeerLimits;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.link.SessionCommand.Ack;
import io.ferry.transport.tcp.link.SessionCommand.Attached;
import io.ferry.transport.tcp.link.SessionCommand.CloseChannel;
import io.ferry.transport.tcp.link.SessionCommand.Connect;
import io.ferry.transport.tcp.link.SessionCommand.Detached;
import io.ferry.transport.tcp.link.SessionCommand.DialFailed;
import io.ferry.transport.tcp.link.SessionCommand.Disconnect;
import io.ferry.transport.tcp.link.SessionCommand.Inbound;
import io.ferry.transport.tcp.link.SessionCommand.Later;
import io.ferry.transport.tcp.link.SessionCommand.OpenReceive;
import io.ferry.transport.tcp.link.SessionCommand.OpenSend;
import io.ferry.transport.tcp.link.SessionCommand.Pause;
import io.ferry.transport.tcp.link.SessionCommand.Redial;
import io.ferry.transport.tcp.link.SessionCommand.Resume;
import io.ferry.transport.tcp.link.SessionCommand.SendMessage;
import io.ferry.transport.tcp.link.SessionCommand.SetByteLimit;
import io.ferry.transport.tcp.link.SessionCommand.Stop;
import io.ferry.transport.tcp.link.SessionCommand.Tick;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything this node does with one peer, in one actor: its {@link PeerLink} (the connection),
 * control messages to and from the peer, and the channels whose data moves between the two ({@link
 * SendChannel}, {@link ReceiveChannel}). Channels outlive connections: after a reconnect each
 * receiving channel asks again from where it stands.
 */
public final class PeerSession extends AbstractBehavior<SessionCommand> implements PeerLink.Events {
  private static final Logger log = LoggerFactory.getLogger(PeerSession.class);

  private final TransportContext node;
  private final PeerId peer;
  private final TimerScheduler<SessionCommand> timers;
  private final PeerLimits limits;
  private final PeerLink link;
  private final SessionChannels channels = new SessionChannels();
  private final SessionIo io;
  private final ChannelFrames frames;

  public static Behavior<SessionCommand> create(
      TransportContext node, PeerId peer, Multiaddr address) {
    return Behaviors.setup(
        ctx -> Behaviors.withTimers(t -> new PeerSession(ctx, t, node, peer, address)));
  }

  private PeerSession(
      ActorContext<SessionCommand> ctx,
      TimerScheduler<SessionCommand> timers,
      TransportContext node,
      PeerId peer,
      Multiaddr address) {
    super(ctx);
    this.node = node;
    this.peer = peer;
    this.timers = timers;
    this.limits = new PeerLimits(node, this::later, this::pumpAll, this::creditUnthrottled);
    this.link = new PeerLink(node, peer, address, ctx.getSelf(), this);
    this.io = new ActorSessionIo(ctx, node, peer, link, limits, channels);
    this.frames = new ChannelFrames(io, channels, node.admission(), node.offenders());
    timers.startTimerAtFixedRate(Tick.INSTANCE, node.settings().progressInterval());
  }

  @Override
  public Receive<SessionCommand> createReceive() {
    return newReceiveBuilder()
        .onMessage(Inbound.class, this::onInbound)
        .onMessage(Later.class, l -> run(l.action()))
        .onMessage(Attached.class, this::onAttached)
        .onMessage(Detached.class, m -> run(() -> link.onDetached(m.connection(), m.cause())))
        .onMessage(DialFailed.class, m -> run(() -> link.onDialFailed(m.connection(), m.cause())))
        .onMessage(OpenSend.class, this::onOpenSend)
        .onMessage(OpenReceive.class, this::onOpenReceive)
        .onMessage(SetByteLimit.class, m -> onSend(m.channel(), s -> s.setByteLimit(m.limit())))
        .onMessage(Pause.class, m -> onPauseOrResume(m.channel(), true))
        .onMessage(Resume.class, m -> onPauseOrResume(m.channel(), false))
        .onMessage(
            SessionCommand.SenderCompleted.class,
            m -> onEither(m.channel(), s -> {}, ReceiveChannel::senderCompleted))
        .onMessage(CloseChannel.class, this::onCloseChannel)
        .onMessage(
            SendMessage.class, m -> run(() -> link.send(new Frame.Message(m.message()), m.sent())))
        .onMessage(Connect.class, m -> run(() -> link.connect(m.address(), m.connected())))
        .onMessage(Disconnect.class, m -> run(link::disconnect))
        .onMessageEquals(Tick.INSTANCE, this::onTick)
        .onMessageEquals(Redial.INSTANCE, () -> run(link::redial))
        .onMessage(Stop.class, m -> onStop())
        .build();
  }

  private Behavior<SessionCommand> run(Runnable action) {
    action.run();
    return this;
  }

  // ---- API ----

  /**
   * The engine opens the sending side: a new channel, or a new run of one still open. Either way
   * the open goes to the receiver with the engine's message.
   */
  private Behavior<SessionCommand> onOpenSend(OpenSend m) {
    ChannelId id = m.request().channelId();
    SendChannel existing = channels.send(id);
    if (existing != null && existing.state() != SendChannel.State.ENDED) {
      existing.reopen(m.request(), m.message(), m.sent());
    } else {
      // A channel opened paused (a pull its validator paused for credit) waits without a slot.
      boolean paused = m.request().paused();
      boolean admitted = !paused && node.slots().acquire(id, peer, () -> later(() -> admit(id)));
      SendChannel ch = new SendChannel(m.request(), io, admitted);
      channels.add(ch);
      if (!admitted && !paused) {
        log.debug("{}: queued (send slots full)", id);
        node.handler().onChannelQueued(id, "queued: " + node.slots().whyWaiting(peer));
      }
      ch.open(m.message(), m.sent());
    }
    link.ensureConnected();
    return this;
  }

  private void admit(ChannelId id) {
    SendChannel ch = channels.send(id);
    // The slot was taken for this start: a channel that does not take it (gone, ended, or admitted
    // by an earlier start) gives it back, or the peer loses a slot for good.
    if (ch == null || ch.state() == SendChannel.State.ENDED || !ch.admitted()) {
      node.slots().release(id, peer);
    } else {
      node.handler().onChannelAdmitted(id);
    }
  }

  /** The engine opens the receiving side: a new channel, or a new run of one still open. */
  private Behavior<SessionCommand> onOpenReceive(OpenReceive m) {
    ChannelId id = m.request().channelId();
    ReceiveChannel existing = channels.receive(id);
    if (existing != null && existing.state() != ReceiveChannel.State.ENDED) {
      existing.reopen(m.request(), m.held());
    } else {
      channels.add(new ReceiveChannel(m.request(), io, m.held()));
    }
    link.ensureConnected();
    return this;
  }

  private Behavior<SessionCommand> onSend(ChannelId id, Consumer<SendChannel> f) {
    return onEither(id, f, r -> {});
  }

  private Behavior<SessionCommand> onPauseOrResume(ChannelId id, boolean pause) {
    return pause
        ? onEither(id, SendChannel::pauseLocally, ReceiveChannel::pauseLocally)
        : onEither(id, SendChannel::resumeLocally, ReceiveChannel::resumeLocally);
  }

  private Behavior<SessionCommand> onCloseChannel(CloseChannel m) {
    return onEither(m.channel(), SendChannel::close, ReceiveChannel::close);
  }

  /**
   * Applies {@code send} to the channel's sending side and {@code receive} to its receiving one.
   */
  private Behavior<SessionCommand> onEither(
      ChannelId id, Consumer<SendChannel> send, Consumer<ReceiveChannel> receive) {
    SendChannel s = channels.send(id);
    if (s != null) {
      send.accept(s);
    }
    ReceiveChannel r = channels.receive(id);
    if (r != null) {
      receive.accept(r);
    }
    return this;
  }

  private Behavior<SessionCommand> onStop() {
    link.stop();
    return Behaviors.stopped();
  }

  // ---- the link's events ----

  @Override
  public void connected() {
    node.handler().onPeerConnected(peer);
    channels.sends().forEach(SendChannel::connected);
    channels.receives().forEach(ReceiveChannel::connected);
  }

  @Override
  public void lost(String why) {
    channels.unbindAll();
    channels.sends().forEach(SendChannel::connectionLost);
    channels.receives().forEach(ReceiveChannel::connectionLost);
    node.handler().onPeerDisconnected(peer, why);
  }

  @Override
  public void switched() {
    // Like a loss, without telling the engine (the peer never went away): frames queued on the old
    // connection may be dropped with it, so senders wait for a new want and receivers ask again.
    // Senders keep their references until the new want: a receiver's COMPLETE may still be read
    // from the old connection, and it holds whatever the reference.
    channels.unbindReceives();
    channels.sends().forEach(SendChannel::connectionLost);
    channels.receives().forEach(ReceiveChannel::connectionLost);
    channels.receives().forEach(ReceiveChannel::connected);
  }

  @Override
  public boolean needsConnection() {
    return link.hasPending() || !channels.isEmpty();
  }

  @Override
  public void scheduleRedial(Duration delay) {
    timers.startSingleTimer(Redial.INSTANCE, delay);
  }

  @Override
  public void cancelRedial() {
    timers.cancel(Redial.INSTANCE);
  }

  // ---- inbound frames ----

  private Behavior<SessionCommand> onAttached(Attached m) {
    m.connection().outbox.onDrained(() -> later(this::pumpAll));
    m.ack().tell(Ack.INSTANCE);
    return this;
  }

  private Behavior<SessionCommand> onInbound(Inbound m) {
    try {
      Connection c = m.connection();
      Object e = m.element();
      if (e instanceof Frame.Hello h) {
        link.onHello(c, h);
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

  /** The channel frames of this session, for {@link InboundDispatch}. */
  public ChannelFrames frames() {
    return frames;
  }

  /** The peer this session talks to. */
  public PeerId peer() {
    return peer;
  }

  /** What the transport's sessions share. */
  public TransportContext node() {
    return node;
  }

  /** Whether {@code c} is the connection in use (frames bound to a reference count only there). */
  public boolean inUse(Connection c) {
    return link.active() == c;
  }

  public void onGoAway(Connection c) {
    link.onGoAway(c);
  }

  private void later(Runnable action) {
    ActorSessionIo.later(getContext(), action);
  }

  // ---- timers and wake-ups ----

  private Behavior<SessionCommand> onTick() {
    channels.sends().forEach(SendChannel::flushProgress);
    for (ReceiveChannel r : channels.receives()) {
      r.flush();
      r.flushProgress();
    }
    link.expirePending(
        "no connection within " + node.settings().connectTimeout().toSeconds() + " s");
    return this;
  }

  private void pumpAll() {
    channels.sends().forEach(SendChannel::pump);
  }

  private void creditUnthrottled() {
    channels.receives().forEach(ReceiveChannel::unthrottled);
  }
}
