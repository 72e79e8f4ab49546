package io.ferry.channels.wire;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;

/**
 * Receives what a {@link DataTransport} observes. Implementations must return quickly (they hand
 * the news to the channel actor as a message).
 */
public interface TransportHandler {
  /** A control message arrived from an authenticated peer. */
  void onMessage(PeerId from, TransferMessage message);

  /** A batch of blocks moved. */
  void onProgress(ChannelId channelId, DataProgress progress);

  /** A sending channel queued as many bytes as its limit allows and holds. */
  void onDataLimitReached(ChannelId channelId, long bytesQueued);

  /**
   * A sending channel holds before its next first-time block, of {@code nextBlockBytes}, because
   * that block would take the bytes queued since the open beyond the byte limit: the block that
   * would cross a limit is not sent until the limit is raised. By default reported as {@link
   * #onDataLimitReached} (the size is lost).
   */
  default void onDataHeld(ChannelId channelId, long bytesQueued, long nextBlockBytes) {
    onDataLimitReached(channelId, bytesQueued);
  }

  /**
   * This side's data movement for the channel ended: every block was sent (sender) or received
   * (receiver), or it failed with {@code error} (non-null, naming what went wrong, e.g. the CID of
   * a block that did not match).
   */
  void onDataFinished(ChannelId channelId, boolean sender, String error);

  /**
   * A sending channel waits for a free slot under the transport's concurrency limits (per peer and
   * in total) or for the node's memory; {@code reason} says which, in the user's terms ({@code
   * "queued: this node's memory budget is full: …"}). The engine shows it as {@code Queued} with
   * that message until {@link #onChannelAdmitted}.
   */
  default void onChannelQueued(ChannelId channelId, String reason) {}

  /** A sending channel the transport queued ({@link #onChannelQueued}) has its slot: data moves. */
  default void onChannelAdmitted(ChannelId channelId) {}

  /** The connection to a peer is up. */
  void onPeerConnected(PeerId peer);

  /** The connection to a peer was lost. */
  void onPeerDisconnected(PeerId peer, String reason);
}
