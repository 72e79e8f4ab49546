package io.ferry.transport.tcp.channel;

import io.ferry.channels.PeerId;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.store.BlockStore;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.flow.PeerLimits;
import io.ferry.transport.tcp.frame.Frame;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * What a peer session offers the channel state machines it runs ({@link SendChannel}, {@link
 * ReceiveChannel}): the connection's outbox, blocking work whose result comes back on the session's
 * thread, and the node's shared resources. Everything but {@link #later} must be called on the
 * session's thread.
 */
public interface SessionIo {
  PeerId self();

  PeerId peer();

  TcpSettings settings();

  TransportHandler handler();

  BlockStore store();

  /** Whether a connection to the peer is up (handshake done). */
  boolean isConnected();

  /**
   * Whether the peer's connection in use speaks revision 2 ({@link Frame.Hello#returnsCredit}): a
   * sender answers a pause with the credit it drops, so a paused receiver holds none.
   */
  default boolean peerReturnsCredit() {
    return false;
  }

  /** The network address (IP) the peer's connection in use comes from; null when none is up. */
  String remoteAddress();

  /** Sends a small frame ahead of queued blocks; dropped when not connected. */
  void control(Frame frame);

  /**
   * Sends a frame that must reach the peer (an open with its control message): now, or once
   * connected; {@code sent} fails if no connection comes up in time.
   */
  void send(Frame frame, CompletableFuture<Void> sent);

  /**
   * Queues a block frame; {@code onWritten} runs on the session's thread once the frame went to the
   * wire. Returns whether more may be queued now.
   */
  boolean data(Frame.Block frame, Runnable onWritten);

  /** Whether block frames may be queued now (the outbox is below its high-water mark). */
  boolean hasRoom();

  /** Runs {@code work} on a blocking thread, then {@code then} on the session's thread. */
  <T> void blocking(Callable<T> work, BiConsumer<T, Throwable> then);

  /** Runs {@code action} on the session's thread (callable from any thread). */
  void later(Runnable action);

  /** A new reference for a receiving channel's data frames, replacing its previous one. */
  long newRef(ReceiveChannel channel);

  /** The receiving channel's reference is gone: frames that name it are dropped. */
  void unbind(ReceiveChannel channel);

  /** The receiver asks for a sending channel's data under {@code ref}, replacing its previous. */
  void bind(long ref, SendChannel channel);

  /** A new run number for a sending channel's open, never used before by this node. */
  long newRun();

  /** The rate limits and in-flight budgets that apply to this peer. */
  PeerLimits limits();

  /**
   * Keeps the highest traversal indexes a sending channel counted as queued and as sent, when it
   * closed before its end (a restart): the channel opened again next counts blocks up to there as
   * repeats, never twice.
   */
  void rememberCounted(io.ferry.channels.ChannelId channel, SendCounts.Highest highest);

  /**
   * What was remembered for {@code channel} (and forgets it), or {@link SendCounts.Highest#NONE}.
   */
  SendCounts.Highest recallCounted(io.ferry.channels.ChannelId channel);

  /**
   * Keeps what a receiving channel that ended leaves to the side opened again next ({@link
   * ReceiveChannel.Left}): where its reports ended, and the run of the last open it heard.
   */
  void rememberReceiving(io.ferry.channels.ChannelId channel, ReceiveChannel.Left left);

  /**
   * What was remembered for {@code channel} (and forgets it), or {@link ReceiveChannel.Left#NONE}.
   */
  ReceiveChannel.Left recallReceiving(io.ferry.channels.ChannelId channel);

  /**
   * Gives back the send slot of a sending channel that holds one and waits (for payment), so other
   * channels may send meanwhile. Default: slots are not counted.
   */
  default void releaseSlot(io.ferry.channels.ChannelId channel) {}

  /**
   * Takes a send slot again for a channel that gave its slot back: true if it has one now, else
   * false and {@code admitted} runs on the session's thread once it has. Default: at once.
   */
  default boolean retakeSlot(io.ferry.channels.ChannelId channel, Runnable admitted) {
    return true;
  }

  /**
   * A sending channel came to hold {@code bytes} more of pages of CIDs (fewer when negative): they
   * are charged to the node's memory budget and to the channel's peer and address. Default: not
   * charged.
   */
  default void chargePages(io.ferry.channels.ChannelId channel, long bytes) {}

  /**
   * Reserves {@code bytes} of blocks a sending channel reads ahead beyond its slot's floor: true if
   * they fit in the node's memory budget, or if {@code anyway}. Callable from any thread. Default:
   * always.
   */
  default boolean reserveReadAhead(long bytes, boolean anyway) {
    return true;
  }

  /** Gives back {@code bytes} reserved by {@link #reserveReadAhead}. Callable from any thread. */
  default void giveBackReadAhead(long bytes) {}

  /** Why a channel that could not take a send slot waits, for {@code Queued}'s message. */
  default String whyQueued() {
    return "waiting for a send slot";
  }

  /** Forgets a channel whose data movement is over on this side. */
  void retire(io.ferry.channels.ChannelId channel);
}
