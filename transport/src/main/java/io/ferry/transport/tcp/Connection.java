package io.ferry.transport.tcp;

import io.ferry.channels.PeerId;
import io.ferry.transport.tcp.frame.Frame;
import java.net.InetSocketAddress;
import org.apache.pekko.stream.SharedKillSwitch;

/**
 * One TCP connection to a peer and what the session needs to use it: its outbox, a switch that ends
 * it, who dialed it and, once TLS is done, which peer is on the other end.
 */
final class Connection {
  final long id;
  final boolean dialed;
  final InetSocketAddress remote;
  final Outbox outbox;
  final SharedKillSwitch killSwitch;
  private volatile PeerId peer;
  private Frame.Hello hello;
  private boolean retiring;
  private boolean goAwayReceived;

  Connection(
      long id, boolean dialed, InetSocketAddress remote, Outbox outbox, SharedKillSwitch ks) {
    this.id = id;
    this.dialed = dialed;
    this.remote = remote;
    this.outbox = outbox;
    this.killSwitch = ks;
  }

  PeerId peer() {
    return peer;
  }

  void authenticated(PeerId peer) {
    this.peer = peer;
  }

  /** The peer's handshake, once it arrived (null before). */
  Frame.Hello hello() {
    return hello;
  }

  void handshake(Frame.Hello hello) {
    this.hello = hello;
  }

  boolean isReady() {
    return hello != null && !retiring;
  }

  boolean isRetiring() {
    return retiring;
  }

  void retire() {
    retiring = true;
  }

  boolean goAwayReceived() {
    return goAwayReceived;
  }

  void goAwayReceived(boolean v) {
    goAwayReceived = v;
  }

  /** Ends the connection now; queued frames are dropped. */
  void shutdown() {
    outbox.close();
    killSwitch.shutdown();
  }

  void abort(Throwable why) {
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
