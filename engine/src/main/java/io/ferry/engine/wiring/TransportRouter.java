package io.ferry.engine.wiring;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.entity.ChannelCommand;
import io.ferry.channels.entity.ChannelEntity;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.channels.wire.TransportHandler;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes what the transport observes to the right channel, always through sharding. A request from
 * peer X with transfer id t concerns channel (X, self, t); a response concerns (self, X, t); so a
 * peer can only ever address channels it is a party of. The one message that names a channel
 * explicitly (restart-existing-channel) is dropped unless its sender is that channel's responder
 * and this node its initiator.
 */
public final class TransportRouter implements TransportHandler {
  private static final Logger log = LoggerFactory.getLogger(TransportRouter.class);

  private final PeerId self;
  private final ClusterSharding sharding;
  private final Supplier<Set<ChannelId>> liveChannels;

  public TransportRouter(
      PeerId self, ClusterSharding sharding, Supplier<Set<ChannelId>> liveChannels) {
    this.self = self;
    this.sharding = sharding;
    this.liveChannels = liveChannels;
  }

  private void tell(ChannelId id, ChannelCommand command) {
    sharding.entityRefFor(ChannelEntity.TYPE_KEY, id.toString()).tell(command);
  }

  @Override
  public void onMessage(PeerId from, TransferMessage message) {
    if (message instanceof TransferRequest request) {
      if (request.type() == MessageType.RESTART_EXISTING_CHANNEL) {
        ChannelId id = request.restartChannel();
        if (id == null || !id.initiator().equals(self) || !id.responder().equals(from)) {
          log.warn("dropped a restart request from {} for channel {}: not its responder", from, id);
          return;
        }
        tell(id, new ChannelCommand.ReceiveRequest(from, request));
        return;
      }
      tell(
          new ChannelId(from, self, request.transferId()),
          new ChannelCommand.ReceiveRequest(from, request));
    } else if (message instanceof TransferResponse response) {
      tell(
          new ChannelId(self, from, response.transferId()),
          new ChannelCommand.ReceiveResponse(from, response));
    }
  }

  @Override
  public void onProgress(ChannelId channelId, DataProgress progress) {
    tell(channelId, new ChannelCommand.RecordProgress(progress));
  }

  @Override
  public void onDataLimitReached(ChannelId channelId, long bytesQueued) {
    tell(channelId, new ChannelCommand.PauseAtLimit(bytesQueued));
  }

  @Override
  public void onDataHeld(ChannelId channelId, long bytesQueued, long nextBlockBytes) {
    tell(channelId, new ChannelCommand.PauseAtLimit(bytesQueued, nextBlockBytes));
  }

  @Override
  public void onDataFinished(ChannelId channelId, boolean sender, String error) {
    tell(channelId, new ChannelCommand.FinishData(error));
  }

  @Override
  public void onChannelQueued(ChannelId channelId, String reason) {
    tell(channelId, new ChannelCommand.MarkQueued(reason));
  }

  @Override
  public void onChannelAdmitted(ChannelId channelId) {
    tell(channelId, new ChannelCommand.MarkAdmitted());
  }

  @Override
  public void onPeerConnected(PeerId peer) {
    for (ChannelId id : liveChannels.get()) {
      if (id.isParty(peer)) {
        tell(id, new ChannelCommand.MarkReconnected());
      }
    }
  }

  @Override
  public void onPeerDisconnected(PeerId peer, String reason) {
    for (ChannelId id : liveChannels.get()) {
      if (id.isParty(peer)) {
        tell(id, new ChannelCommand.MarkDisconnected(reason));
      }
    }
  }
}
