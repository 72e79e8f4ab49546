package io.ferry.transport.tcp;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransportHandler;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TcpTransport}'s handler until the engine binds its own. The transport listens before the
 * engine has started (a node restarting after a crash recovers its channels first), and peers
 * connect at once: control messages that arrive meanwhile are kept, up to {@link #KEPT}, and handed
 * to the engine's handler when it binds, in arrival order. Dropping them lost transfers: the sender
 * wrote its request (NEW, RESTART) to the connection, so it never sent it again, and waited until
 * its timeout failed the transfer (bench/chaos, issue 19, 3). Data events concern channels the
 * engine has not opened here yet and are dropped.
 */
final class UnboundHandler implements TransportHandler {
  private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);

  /** Messages kept until the engine binds; more are dropped (a flood before start-up). */
  static final int KEPT = 10_000;

  private final Deque<Map.Entry<PeerId, TransferMessage>> kept = new ArrayDeque<>();
  private TransportHandler bound;
  private long dropped;

  @Override
  public synchronized void onMessage(PeerId from, TransferMessage message) {
    if (bound != null) {
      bound.onMessage(from, message);
    } else if (kept.size() < KEPT) {
      kept.add(Map.entry(from, message));
    } else if (dropped++ == 0) {
      log.warn("dropping control messages from peers: the node has not started yet");
    }
  }

  /**
   * The engine bound {@code handler}: the kept messages go to it, and any message that still comes
   * this way goes straight on.
   */
  synchronized void bindTo(TransportHandler handler) {
    bound = handler;
    if (!kept.isEmpty()) {
      log.debug("handing {} messages that arrived before the node started", kept.size());
    }
    Map.Entry<PeerId, TransferMessage> m;
    while ((m = kept.poll()) != null) {
      handler.onMessage(m.getKey(), m.getValue());
    }
  }

  /** Messages kept now, waiting for the engine. */
  synchronized int kept() {
    return kept.size();
  }

  @Override
  public void onProgress(ChannelId channelId, DataProgress progress) {}

  @Override
  public void onDataLimitReached(ChannelId channelId, long bytesQueued) {}

  @Override
  public void onDataFinished(ChannelId channelId, boolean sender, String error) {}

  @Override
  public void onPeerConnected(PeerId peer) {}

  @Override
  public void onPeerDisconnected(PeerId peer, String reason) {}
}
