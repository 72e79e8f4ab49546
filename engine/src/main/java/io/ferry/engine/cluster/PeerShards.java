package io.ferry.engine.cluster;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.entity.ChannelCommand;
import org.apache.pekko.cluster.sharding.typed.ShardingEnvelope;
import org.apache.pekko.cluster.sharding.typed.ShardingMessageExtractor;

/**
 * Shards channels by the remote peer: every channel this (cluster-wide) node has with peer P lives
 * in shard {@code P}, so all of them run on the one member that holds the connection to P (see
 * {@link PeerOwnership}). The entity id stays the channel id.
 */
public final class PeerShards
    extends ShardingMessageExtractor<ShardingEnvelope<ChannelCommand>, ChannelCommand> {
  private final PeerId self;

  public PeerShards(PeerId self) {
    this.self = self;
  }

  @Override
  public String entityId(ShardingEnvelope<ChannelCommand> envelope) {
    return envelope.entityId();
  }

  /** The remote peer of the channel; an id that is not a channel id gets a shard of its own. */
  @Override
  public String shardId(String entityId) {
    try {
      return shardOf(ChannelId.parse(entityId).otherParty(self));
    } catch (IllegalArgumentException e) {
      return "other";
    }
  }

  /** The shard of every channel with {@code peer}. */
  public static String shardOf(PeerId peer) {
    return peer.toString();
  }

  @Override
  public ChannelCommand unwrapMessage(ShardingEnvelope<ChannelCommand> envelope) {
    return envelope.message();
  }
}
