package io.ferry.transport.tcp.link;

import io.ferry.channels.PeerId;
import io.ferry.transport.tcp.frame.Frame;
import java.net.InetSocketAddress;
import org.apache.pekko.stream.SharedKillSwitch;

/**
 * One TCP connection to a peer and what the session needs to use it: its outbox, a switch that ends
 * it, who dialed it and, once TLS is done, which peer is on the other end.
 */
public final class Connection {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Connection.class);

  public final long id;
  public final boolean dialed;
  public final InetSocketAddress remote;
  public final Outbox outbox;
  public final SharedKillSwitch killSwitch;

  /** Ends the socket itself, below TLS (see {@link #unread}). */
  public final SharedKillSwitch socketSwitch;

  private volatile PeerId peer;
  private Frame.Hello hello;
  private boolean retiring;
  private boolean goAwayReceived;

  public Connection(
      long id,
      boolean dialed,
      InetSocketAddress remote,
      Outbox outbox,
      SharedKillSwitch ks,
      SharedKillSwitch socketSwitch) {
    this.id = id;
    this.dialed = dialed;
    this.remote = remote;
    this.outbox = outbox;
    this.killSwitch = ks;
    this.socketSwitch = socketSwitch;
    outbox.onOverflow(this::unread);
  }

  /**
   * The peer reads none of the answers it asks for (see {@link Outbox#CONTROL_LIMIT}): the socket
   * closes at once, as TLS could not send its close to a peer that does not read.
   */
  private void unread() {
    String why =
        "the peer reads none of its answers: "
            + Outbox.CONTROL_FRAMES
            + " control frames or "
            + (Outbox.CONTROL_LIMIT >> 20)
            + " MiB wait for it";
    log.warn("closing {}: {}", this, why);
    IllegalStateException error = new IllegalStateException(why);
    abort(error);
    socketSwitch.abort(error);
  }

  public PeerId peer() {
    return peer;
  }

  public void authenticated(PeerId peer) {
    this.peer = peer;
  }

  /** The peer's handshake, once it arrived (null before). */
  public Frame.Hello hello() {
    return hello;
  }

  public void handshake(Frame.Hello hello) {
    this.hello = hello;
  }

  public boolean isReady() {
    return hello != null && !retiring;
  }

  public boolean isRetiring() {
    return retiring;
  }

  public void retire() {
    retiring = true;
  }

  public boolean goAwayReceived() {
    return goAwayReceived;
  }

  public void goAwayReceived(boolean v) {
    goAwayReceived = v;
  }

  /** Ends the connection now; queued frames are dropped. */
  public void shutdown() {
    outbox.close();
    killSwitch.shutdown();
  }

  public void abort(Throwable why) {
    outbox.close();
    killSwitch.abort(why);
  }

  @Override
  public String toString() {
    return "connection "
        + id
        + (dialed ? " to " : " from ")
        + (peer == null ? "" : peer + " at ")
        + remote;
  }
}
