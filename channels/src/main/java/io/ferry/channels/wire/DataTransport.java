package io.ferry.channels.wire;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import java.util.concurrent.CompletionStage;

/**
 * The seam between channels and the network: control messages to peers, and blocks moved per
 * channel. Implementations: an in-JVM transport for tests and the TCP transport. Every method
 * returns quickly; results and data arrive through the bound {@link TransportHandler}.
 */
public interface DataTransport extends AutoCloseable {
  /** This node's peer ID. */
  PeerId self();

  /** Sets the handler that receives messages and data events. Called once, before any use. */
  void bind(TransportHandler handler);

  /** Sends a control message; the stage fails if it could not be delivered to the peer. */
  CompletionStage<Void> send(PeerId to, TransferMessage message);

  /**
   * Prepares to receive a channel's blocks from {@code request.peer()}: each arriving block is
   * checked against its CID and against the traversal, then stored. Completes with the number of
   * traversal blocks already held in the local store (a prefix), which the sender can skip. Opening
   * a channel open already starts a new run of it with this request. No block is asked for until
   * the sending side opens: a receiver always opens before the control message that makes the
   * sender's engine open. When this side closes the channel ({@link #close}) before the stage
   * completes, the stage is cancelled ({@link java.util.concurrent.CancellationException}): the
   * open was withdrawn, not refused.
   */
  CompletionStage<Long> openReceive(DataRequest request);

  /**
   * Starts (or, when open already, restarts) sending a channel's blocks to {@code request.peer()},
   * in traversal order, as the request decides, and sends {@code message} (null: none) to the peer
   * with the open, in one unit: the peer's engine hears the message no later than its transport
   * hears of the open, and its transport asks for blocks only in answer to this open. The stage
   * completes once the open is on its way, and fails as {@link #send} does.
   */
  CompletionStage<Void> openSend(DataRequest request, TransferMessage message);

  /**
   * Changes the byte limit of a sending channel (first-time bytes from its open; {@link
   * DataRequest#NO_LIMIT} for none) and continues if it was held.
   */
  void setByteLimit(ChannelId channelId, long byteLimit);

  /**
   * Stops moving data for an open channel until {@link #resume}; nothing is lost. A channel not
   * open here is not affected: its open says whether it starts paused.
   */
  void pause(ChannelId channelId);

  /** Continues exactly where the channel stopped. */
  void resume(ChannelId channelId);

  /**
   * The sender of a channel this node receives said it completed before this side's data finished.
   * A receiving side that holds the whole DAG finishes then: the sender will send nothing more, and
   * without this a receiver killed after it held every block (and told the sender so) but before
   * its node recorded that waited after a restart for an open that a completed sender never sends
   * (docs/chaos.md). A receiving side still missing blocks goes on waiting for them.
   */
  default void senderCompleted(ChannelId channelId) {}

  /** Stops the channel's data and releases what it holds. Idempotent. */
  void close(ChannelId channelId);

  /**
   * Drops the connection to {@code peer}, if any (a cluster member that no longer hosts the peer's
   * channels lets the one that does hold the connection). Default: nothing to drop.
   */
  default void disconnect(PeerId peer) {}

  /**
   * Gives {@code peer} up to another member of this cluster: drops the connection to it, and until
   * {@link #admit} neither dials it nor sends it anything (sends fail at once), so two members
   * never both speak to the peer. Default: {@link #disconnect}.
   */
  default void withhold(PeerId peer) {
    disconnect(peer);
  }

  /** Undoes {@link #withhold}: the peer is dialed again when a channel needs it. */
  default void admit(PeerId peer) {}

  @Override
  void close();
}
