package io.ferry.transport.tcp.link;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.store.BlockStore;
import io.ferry.transport.tcp.flow.NodeLimits;
import io.ferry.transport.tcp.flow.SendSlots;
import java.util.concurrent.Executor;

/** What every peer session of one transport shares: the node's identity, resources and limits. */
public interface TransportContext extends NodeLimits {
  PeerId self();

  TransportHandler handler();

  BlockStore store();

  Connector connector();

  SendSlots slots();

  /** How many channels peers may have open with this node. */
  io.ferry.transport.tcp.flow.Admission admission();

  /** Protocol violations counted, and the peers refused for a flood of them. */
  io.ferry.transport.tcp.flow.Offenders offenders();

  /** Where block store reads and writes run. */
  Executor blockingExecutor();

  /** The address book's entry for {@code peer}, or null. */
  io.ferry.transport.identity.Multiaddr addressOf(PeerId peer);

  /** A handshake over a connection dialed to {@code address} proved the peer listens there. */
  void addressVerified(PeerId peer, io.ferry.transport.identity.Multiaddr address);

  /**
   * A peer that dialed this node announced {@code address} as where it listens (not confirmed by a
   * dial yet). Default: nothing beyond this link remembering it.
   */
  default void addressAnnounced(PeerId peer, io.ferry.transport.identity.Multiaddr address) {}

  /**
   * Whether {@code peer} was given up to another member of this cluster ({@code
   * DataTransport.withhold}): it is not dialed and nothing is sent to it. Default: never.
   */
  default boolean withheld(PeerId peer) {
    return false;
  }

  /** A channel reference unique on this node. */
  long newRef();

  /**
   * A run number for a sending channel's open, unique on this node and, since it starts at a random
   * point, not one an earlier process of this node used.
   */
  long newRun();

  /** A channel's data movement ended on this node. */
  void retired(ChannelId channel);
}
