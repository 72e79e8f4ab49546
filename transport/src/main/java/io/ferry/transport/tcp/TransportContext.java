package io.ferry.transport.tcp;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.store.BlockStore;
import java.util.concurrent.Executor;

/** What every peer session of one transport shares: the node's identity, resources and limits. */
interface TransportContext {
  PeerId self();

  TcpSettings settings();

  TransportHandler handler();

  BlockStore store();

  Connector connector();

  SendSlots slots();

  /** In-flight receive credit over all peers. */
  ByteBudget totalCredit();

  RateLimiter uploadLimit();

  RateLimiter downloadLimit();

  /** Where block store reads and writes run. */
  Executor blockingExecutor();

  /** Runs a task after a delay (rate limiters' wake-ups). */
  void schedule(java.time.Duration delay, Runnable task);

  /** The address book's entry for {@code peer}, or null. */
  io.ferry.transport.identity.Multiaddr addressOf(PeerId peer);

  /** A handshake over a connection dialed to {@code address} proved the peer listens there. */
  void addressVerified(PeerId peer, io.ferry.transport.identity.Multiaddr address);

  /** A channel reference unique on this node. */
  long newRef();

  /** Whether {@code channel} is open on this node with a peer other than {@code peer}. */
  boolean isOpenWithAnotherPeer(ChannelId channel, PeerId peer);

  /** A channel's data movement ended on this node. */
  void retired(ChannelId channel);
}
