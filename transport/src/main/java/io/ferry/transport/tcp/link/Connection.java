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
  public final long id;
  public final boolean dialed;
  public final InetSocketAddress remote;
  public final Outbox outbox;
  public final SharedKillSwitch killSwitch;
  private volatile PeerId peer;
  private Frame.Hello hello;
  private boolean retiring;
  private boolean goAwayReceived;

  public Connection(
      long id, boolean dialed, InetSocketAddress remote, Outbox outbox, SharedKillSwitch ks) {
    this.id = id;
    this.dialed = dialed;
    this.remote = remote;
    this.outbox = outbox;
    this.killSwitch = ks;
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
