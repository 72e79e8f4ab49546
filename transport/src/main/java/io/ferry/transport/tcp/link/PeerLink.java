package io.ferry.transport.tcp.link;

import io.ferry.channels.PeerId;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.FrameCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connection side of a peer session (confined to the session's thread): which connection is in
 * use, dialing and redialing with exponential backoff ({@link RedialBackoff}, reset by any
 * connection with the peer, and never keeping a waiting message from being dialed for), choosing
 * one of two simultaneous connections the way both peers choose (the one dialed by the lower peer
 * ID), retiring the other with a go-away (and telling the session when the connection in use
 * changes, so the channels start again on the new one), and control messages waiting for a
 * connection.
 */
public final class PeerLink {
  private static final Logger log = LoggerFactory.getLogger(PeerLink.class);

  /** What the session learns from its link. */
  public interface Events {
    /** A connection is ready (handshakes done); the channels may resume. */
    void connected();

    /** The connection in use was lost and no other is ready. */
    void lost(String why);

    /**
     * The connection in use was replaced by another ready one (the peer stays connected): what was
     * in flight on the old one is gone, so the channels must start again on the new one.
     */
    void switched();

    /** Whether the session needs a connection (channels or messages waiting). */
    boolean needsConnection();

    /** Asks the session to run {@link #redial()} after {@code delay} (replacing an earlier ask). */
    void scheduleRedial(Duration delay);

    /** Withdraws the ask to redial. */
    void cancelRedial();
  }

  private record Pending(Frame frame, CompletableFuture<Void> sent, long deadline) {}

  private final TransportContext node;
  private final PeerId peer;
  private final ActorRef<SessionCommand> session;
  private final Events events;
  private final List<Pending> pending = new ArrayList<>();
  private final List<CompletableFuture<PeerId>> connectWaiters = new ArrayList<>();
  private final List<Connection> others = new ArrayList<>();
  private Connection active;
  private Connection dialing;
  private Multiaddr dialingTo;

  /** Where the peer is dialed next. */
  private Multiaddr address;

  /** The address a handshake last confirmed (or the address book gave). */
  private Multiaddr confirmed;

  /**
   * Every address the peer announced in its handshake: one logical node's addresses (a cluster's
   * members), dialed in turn when one refuses.
   */
  private List<Multiaddr> announced = List.of();

  /** Announced addresses that refused since the last connection, in a row. */
  private int refusedInTurn;

  /** An address given to {@link #connect}, dialed next but not the peer's until a handshake. */
  private Multiaddr trial;

  private final RedialBackoff backoff;
  private boolean redialScheduled;
  private long redialAt;
  private boolean stopping;

  public PeerLink(
      TransportContext node,
      PeerId peer,
      Multiaddr address,
      ActorRef<SessionCommand> session,
      Events events) {
    this.node = node;
    this.peer = peer;
    this.address = address;
    this.confirmed = address;
    this.session = session;
    this.events = events;
    this.backoff =
        new RedialBackoff(
            node.settings().reconnectMinBackoff(),
            node.settings().reconnectMaxBackoff(),
            dialsSecond(node.self(), peer));
  }

  public Connection active() {
    return active;
  }

  public boolean hasPending() {
    return !pending.isEmpty();
  }

  /**
   * Sends a frame that must arrive (a control message, or an open carrying one) now, or once
   * connected (fails if no address is known).
   */
  public void send(Frame frame, CompletableFuture<Void> sent) {
    if (node.withheld(peer)) {
      sent.completeExceptionally(withheldError());
    } else if (active != null) {
      active.outbox.offerControl(FrameCodec.encode(frame));
      sent.complete(null);
    } else if (address() == null) {
      sent.completeExceptionally(
          new IllegalStateException(
              "not connected to " + peer + " and no address is known for it"));
    } else {
      long deadline = System.nanoTime() + node.settings().connectTimeout().toNanos();
      pending.add(new Pending(frame, sent, deadline));
      redialBy(dialTimeFor(deadline, System.nanoTime()));
      ensureConnected();
    }
  }

  /** Dials {@code at} (unless connected); {@code connected} completes when a connection is up. */
  public void connect(Multiaddr at, CompletableFuture<PeerId> connected) {
    if (active != null) {
      // The connection in use says nothing about `at`: the address stays the verified one.
      connected.complete(peer);
    } else if (node.withheld(peer)) {
      connected.completeExceptionally(withheldError());
    } else {
      trial = at.withPeer(peer);
      connectWaiters.add(connected);
      redialBy(System.nanoTime());
      ensureConnected();
    }
  }

  private Multiaddr address() {
    if (address == null) {
      address = node.addressOf(peer);
      confirmed = address;
    }
    return address;
  }

  private IllegalStateException withheldError() {
    return new IllegalStateException(
        peer + " is served by another member of this cluster: not sent from this one");
  }

  /**
   * Dials unless connected, dialing, waiting to redial, without an address, or the peer is withheld
   * (another member of this cluster serves it).
   */
  public void ensureConnected() {
    Multiaddr to = trial != null ? trial : address();
    if (active != null
        || dialing != null
        || stopping
        || redialScheduled
        || to == null
        || node.withheld(peer)) {
      return;
    }
    dialingTo = to;
    dialing = node.connector().dial(to, peer, session);
  }

  public void onDialFailed(Connection c, Throwable cause) {
    if (c != dialing) {
      return;
    }
    dialing = null;
    backoff.failed();
    String why = Connector.describe(cause, node.settings());
    log.info("could not connect to {} at {}: {}", peer, dialingTo, why);
    boolean wasTrial = dialingTo.equals(trial);
    if (wasTrial) {
      trial = null;
    }
    connectWaiters.forEach(f -> f.completeExceptionally(new IllegalStateException(why)));
    connectWaiters.clear();
    if (!wasTrial && nextAnnounced(dialingTo)) {
      // Another member of the same logical node may answer at once: no backoff before it.
      log.info("dialing {} at its next address, {}", peer, address);
      ensureConnected();
      return;
    }
    expirePending(why);
    scheduleRedial();
  }

  /**
   * After {@code refused} failed, makes the next of the peer's announced addresses the one dialed
   * next; true when that one was not tried since the last connection (dial it now), false when
   * every one refused in turn (back off, then go round again).
   */
  private boolean nextAnnounced(Multiaddr refused) {
    if (announced.size() < 2 || !announced.contains(refused)) {
      return false;
    }
    int i = announced.indexOf(refused);
    address = announced.get((i + 1) % announced.size());
    if (++refusedInTurn < announced.size()) {
      return true;
    }
    refusedInTurn = 0;
    return false;
  }

  private void scheduleRedial() {
    if (!events.needsConnection()
        || address() == null
        || stopping
        || redialScheduled
        || active != null) {
      return;
    }
    long now = System.nanoTime();
    long at = now + backoff.next(ThreadLocalRandom.current().nextDouble()).toNanos();
    for (Pending p : pending) {
      at = Math.min(at, dialTimeFor(p.deadline(), now));
    }
    schedule(at);
  }

  /**
   * When to dial at the latest for a message that must go out by {@code deadline}: halfway there,
   * however long the backoff has grown, but not sooner than the shortest backoff (a dead peer is
   * dialed at most once per {@code reconnectMinBackoff} while messages wait for it).
   */
  private long dialTimeFor(long deadline, long now) {
    long half = Math.max(0, deadline - now) / 2;
    return now + Math.max(node.settings().reconnectMinBackoff().toNanos(), half);
  }

  /** Makes sure a scheduled redial happens no later than {@code deadline} (nanoTime). */
  private void redialBy(long deadline) {
    if (redialScheduled && redialAt - deadline > 0) {
      schedule(deadline);
    }
  }

  private void schedule(long at) {
    redialScheduled = true;
    redialAt = at;
    long delay = Math.max(1_000_000L, at - System.nanoTime());
    events.scheduleRedial(Duration.ofNanos(delay));
  }

  public void redial() {
    redialScheduled = false;
    ensureConnected();
  }

  /** The peer's handshake arrived on {@code c}: use it, or keep the preferred of two. */
  public void onHello(Connection c, Frame.Hello hello) {
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
    if (c == dialing) {
      dialing = null;
      verified(dialingTo);
    }
    learnAddress(c, hello);
    if (active == null) {
      adopt(c);
    } else if (active != c) {
      Connection keep = preferred(active, c);
      Connection drop = keep == c ? active : c;
      log.info("duplicate connections to {}: keeping {}, retiring {}", peer, keep, drop);
      retire(drop);
      if (keep == c) {
        switchTo(c);
      }
    }
  }

  /** Uses {@code c} instead of the connection in use, telling the channels. */
  private void switchTo(Connection c) {
    active = c;
    others.remove(c);
    log.debug("switched to {} with {}", c, peer);
    events.switched();
  }

  /**
   * Whether {@code self} redials {@code peer} later than the peer redials it: the higher peer ID
   * does, since of two simultaneous connections the one the lower ID dialed is kept (see {@link
   * #preferred}).
   */
  public static boolean dialsSecond(PeerId self, PeerId peer) {
    return self.compareTo(peer) > 0;
  }

  /** Of two connections, the one dialed by the lower peer ID; of two from one dialer, the newer. */
  private Connection preferred(Connection a, Connection b) {
    PeerId self = node.self();
    PeerId dialerA = a.dialed ? self : peer;
    PeerId dialerB = b.dialed ? self : peer;
    if (dialerA.equals(dialerB)) {
      return b;
    }
    PeerId lower = self.compareTo(peer) < 0 ? self : peer;
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

  /** The peer will send nothing more on {@code c}. */
  public void onGoAway(Connection c) {
    c.goAwayReceived(true);
    if (c.isRetiring()) {
      c.shutdown();
    } else if (c == active) {
      retire(c);
    }
  }

  private void adopt(Connection c) {
    active = c;
    others.remove(c);
    // Connected, whoever dialed: the next loss starts the backoff from its shortest delay.
    backoff.reset();
    refusedInTurn = 0;
    if (redialScheduled) {
      redialScheduled = false;
      events.cancelRedial();
    }
    log.debug("connected to {} ({})", peer, c);
    for (Pending p : pending) {
      c.outbox.offerControl(FrameCodec.encode(p.frame()));
      p.sent().complete(null);
    }
    pending.clear();
    connectWaiters.forEach(f -> f.complete(peer));
    connectWaiters.clear();
    events.connected();
  }

  /** A handshake over a connection dialed to {@code a} proved that the peer listens there. */
  private void verified(Multiaddr a) {
    if (a.equals(trial)) {
      trial = null;
    }
    address = a;
    if (!a.equals(confirmed)) {
      confirmed = a;
      node.addressVerified(peer, a);
    }
  }

  /**
   * Keeps every address the peer announced, for when the one in use refuses; the first becomes the
   * one dialed when none is known (not confirmed until a dial to it succeeds).
   */
  private void learnAddress(Connection c, Frame.Hello hello) {
    List<Multiaddr> addrs = new ArrayList<>();
    for (String text : hello.listenAddrs()) {
      try {
        Multiaddr a = Multiaddr.parse(text).withPeer(peer);
        if (a.host().equals("0.0.0.0") && c.remote != null && c.remote.getAddress() != null) {
          a = Multiaddr.of(c.remote.getAddress().getHostAddress(), a.port(), peer);
        }
        if (!addrs.contains(a)) {
          addrs.add(a);
        }
      } catch (IllegalArgumentException e) {
        log.debug("{} announced an unusable address: {}", peer, e.getMessage());
      }
    }
    if (addrs.isEmpty()) {
      return;
    }
    announced = List.copyOf(addrs);
    if (address() == null) {
      address = addrs.get(0);
      node.addressAnnounced(peer, address);
    }
  }

  /** A connection ended (after its handshake began). */
  public void onDetached(Connection c, Throwable cause) {
    others.remove(c);
    if (c == dialing) {
      dialing = null;
    }
    if (c != active) {
      // A connection that never became (or no longer was) the active one still says why it
      // failed: a bad peer's malformed or oversized frame must show in the log.
      if (cause != null) {
        log.warn(
            "closed a connection with {}: {}", peer, Connector.describe(cause, node.settings()));
      }
      return;
    }
    active = null;
    String why = Connector.describe(cause, node.settings());
    if (cause != null) {
      log.warn("lost connection to {}: {}", peer, why);
    } else {
      log.info("connection to {} closed: {}", peer, why);
    }
    Connection next = others.stream().filter(Connection::isReady).findFirst().orElse(null);
    if (next != null) {
      switchTo(next);
      return;
    }
    events.lost(why);
    scheduleRedial();
  }

  /** Fails waiting messages whose deadline passed. */
  public void expirePending(String why) {
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

  /** Drops the connection in use (the link redials when needed). */
  public void disconnect() {
    if (active != null) {
      active.abort(new IllegalStateException("disconnected on request"));
    }
  }

  /** Ends every connection and fails whatever waits for one. */
  public void stop() {
    stopping = true;
    others.forEach(Connection::shutdown);
    if (active != null) {
      active.shutdown();
    }
    if (dialing != null) {
      dialing.shutdown();
    }
    IllegalStateException closed = new IllegalStateException("the transport was closed");
    pending.forEach(p -> p.sent().completeExceptionally(closed));
    connectWaiters.forEach(f -> f.completeExceptionally(closed));
  }

  /**
   * Queues a control frame on the connection in use (dropped when there is none), as the revision
   * both sides speak reads it ({@link FrameCodec#forRevision}).
   */
  public void control(Frame frame) {
    if (active != null) {
      int peerRevision = active.hello() == null ? 1 : active.hello().revision();
      int revision = Math.min(peerRevision, node.settings().revision());
      active.outbox.offerControl(FrameCodec.encode(FrameCodec.forRevision(frame, revision)));
    }
  }

  /** Queues a block frame; false when there is no connection or its outbox is full. */
  public boolean data(ByteString frame, Runnable onWritten) {
    return active != null && active.outbox.offerData(frame, onWritten);
  }

  public boolean hasRoom() {
    return active != null && active.outbox.hasRoom();
  }
}
