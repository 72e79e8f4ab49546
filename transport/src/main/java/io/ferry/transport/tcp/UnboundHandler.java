package io.ferry.transport.tcp;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransportHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link TcpTransport}'s handler until the engine binds its own: events are logged and dropped.
 */
final class UnboundHandler implements TransportHandler {
  private static final Logger log = LoggerFactory.getLogger(TcpTransport.class);

  @Override
  public void onMessage(PeerId from, TransferMessage message) {
    log.debug("no handler bound: dropping {} from {}", message, from);
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
