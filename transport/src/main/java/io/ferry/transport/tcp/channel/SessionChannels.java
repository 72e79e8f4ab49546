package io.ferry.transport.tcp.channel;

import io.ferry.channels.ChannelId;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The channels of one peer session, by channel ID and by the reference the current want gave them
 * (frames about a channel's data name the reference, not the channel). A reference is bound to one
 * connection: when that connection goes, so do the references. Also remembers, per channel closed
 * before its end, the highest indexes it counted as queued and sent, and where the reports of its
 * receiving side ended, until the channel reopens.
 */
public final class SessionChannels {
  /** How many closed channels' queued indexes are kept; the oldest go first. */
  private static final int QUEUED_MEMORY = 4096;

  private final Map<ChannelId, SendChannel> sends = new HashMap<>();
  private final Map<Long, SendChannel> sendsByRef = new HashMap<>();
  private final Map<ChannelId, ReceiveChannel> receives = new HashMap<>();
  private final Map<Long, ReceiveChannel> receivesByRef = new HashMap<>();
  private final Map<ChannelId, SendCounts.Highest> queuedBefore =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ChannelId, SendCounts.Highest> eldest) {
          return size() > QUEUED_MEMORY;
        }
      };

  private final Map<ChannelId, ReceiveChannel.Left> receivedBefore =
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<ChannelId, ReceiveChannel.Left> eldest) {
          return size() > QUEUED_MEMORY;
        }
      };

  public SendChannel send(ChannelId id) {
    return sends.get(id);
  }

  public ReceiveChannel receive(ChannelId id) {
    return receives.get(id);
  }

  public SendChannel sendByRef(long ref) {
    return sendsByRef.get(ref);
  }

  public ReceiveChannel receiveByRef(long ref) {
    return receivesByRef.get(ref);
  }

  public void add(SendChannel channel) {
    sends.put(channel.id, channel);
  }

  public void add(ReceiveChannel channel) {
    receives.put(channel.id, channel);
  }

  /** {@code channel}'s data is now asked for under {@code ref}; its previous reference is gone. */
  public void bind(long ref, SendChannel channel) {
    sendsByRef.values().remove(channel);
    sendsByRef.put(ref, channel);
  }

  /** {@code channel} now asks for its data under {@code ref}; its previous reference is gone. */
  public void bind(long ref, ReceiveChannel channel) {
    receivesByRef.values().remove(channel);
    receivesByRef.put(ref, channel);
  }

  /** {@code channel} asks for nothing now: its reference is gone. */
  public void unbind(ReceiveChannel channel) {
    receivesByRef.values().remove(channel);
  }

  /** The connection went: no reference holds any more. */
  public void unbindAll() {
    sendsByRef.clear();
    receivesByRef.clear();
  }

  /** The connection was replaced: receivers will ask again under new references. */
  public void unbindReceives() {
    receivesByRef.clear();
  }

  /** A copy, safe to iterate while channels end. */
  public List<SendChannel> sends() {
    return List.copyOf(sends.values());
  }

  /** A copy, safe to iterate while channels end. */
  public List<ReceiveChannel> receives() {
    return List.copyOf(receives.values());
  }

  public boolean isEmpty() {
    return sends.isEmpty() && receives.isEmpty();
  }

  /** Forgets the sending side of {@code id}; returns it, or null if there was none. */
  public SendChannel removeSend(ChannelId id) {
    SendChannel s = sends.remove(id);
    if (s != null) {
      sendsByRef.values().remove(s);
    }
    return s;
  }

  /** Forgets the receiving side of {@code id}. */
  public void removeReceive(ChannelId id) {
    ReceiveChannel r = receives.remove(id);
    if (r != null) {
      receivesByRef.values().remove(r);
    }
  }

  public void rememberCounted(ChannelId id, SendCounts.Highest highest) {
    queuedBefore.merge(id, highest, SendCounts.Highest::merge);
  }

  /**
   * What {@code id} counted before it was closed, once; {@link SendCounts.Highest#NONE} if none.
   */
  public SendCounts.Highest recallCounted(ChannelId id) {
    SendCounts.Highest highest = queuedBefore.remove(id);
    return highest == null ? SendCounts.Highest.NONE : highest;
  }

  /** What {@code id}'s receiving side leaves, when it ends before the channel. */
  public void rememberReceiving(ChannelId id, ReceiveChannel.Left left) {
    if (!left.equals(ReceiveChannel.Left.NONE)) {
      receivedBefore.merge(id, left, ReceiveChannel.Left::then);
    }
  }

  /** What {@code id}'s last receiving side left, once; {@link ReceiveChannel.Left#NONE} if none. */
  public ReceiveChannel.Left recallReceiving(ChannelId id) {
    ReceiveChannel.Left left = receivedBefore.remove(id);
    return left == null ? ReceiveChannel.Left.NONE : left;
  }
}
