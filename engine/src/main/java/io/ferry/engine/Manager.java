package io.ferry.engine;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.Status;
import io.ferry.channels.Subscriber;
import io.ferry.channels.Unsubscribe;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.Revalidator;
import io.ferry.channels.spi.VoucherType;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The data-transfer API of a node: go-data-transfer's Manager, method for method, plus restart and
 * channel state by id. Every operation answers with a {@link CompletionStage}; failures complete it
 * exceptionally with an exception whose message says what was wrong (for example {@link
 * io.ferry.channels.ChannelNotFoundException}).
 */
public interface Manager extends AutoCloseable {
  /** Starts processing: recovers persisted channels and begins accepting requests. */
  CompletionStage<Void> start();

  /** Stops processing. Channel state stays as it is on disk, to be resumed by the next start. */
  CompletionStage<Void> stop();

  /** This node's peer ID. */
  PeerId peerId();

  /** Registers a voucher type and the validator for requests that carry it; twice is an error. */
  <V> void registerVoucherType(VoucherType<V> type, RequestValidator<V> validator);

  /** Registers a revalidator for vouchers of a type. */
  <V> void registerRevalidator(VoucherType<V> type, Revalidator<V> revalidator);

  /** Registers a voucher-result type so results can be decoded. */
  <R> void registerVoucherResultType(VoucherType<R> type);

  /**
   * Opens a channel that sends the DAG under {@code baseCid} (as chosen by the selector) to a peer.
   * A {@code null} voucher asks the peer to accept it for free ({@code ferry/free/1}).
   */
  CompletionStage<ChannelId> openPushDataChannel(
      PeerId to, Object voucher, Cid baseCid, Selector selector);

  /**
   * Opens a channel that receives the DAG under {@code baseCid} from a peer. A {@code null} voucher
   * asks the peer to serve it for free ({@code ferry/free/1}).
   */
  CompletionStage<ChannelId> openPullDataChannel(
      PeerId to, Object voucher, Cid baseCid, Selector selector);

  /** Sends an intermediate or final voucher on a channel this node initiated. */
  CompletionStage<Void> sendVoucher(ChannelId channelId, Object voucher);

  /** Closes (cancels) a channel; both sides end in Cancelled. */
  CompletionStage<Void> closeDataTransferChannel(ChannelId channelId);

  /**
   * Closes (cancels) a channel and records why: on this node the channel's message becomes {@code
   * reason} (for example {@code insufficient funds: owed 12000, budget left 4000}). An
   * implementation that cannot record a reason cancels without it.
   */
  default CompletionStage<Void> closeDataTransferChannel(ChannelId channelId, String reason) {
    return closeDataTransferChannel(channelId);
  }

  /** Pauses this side of a channel. */
  CompletionStage<Void> pauseDataTransferChannel(ChannelId channelId);

  /** Resumes this side of a channel; data continues exactly where it stopped. */
  CompletionStage<Void> resumeDataTransferChannel(ChannelId channelId);

  /**
   * Restarts a channel after a disconnect or a node restart; completes with what the channel did (a
   * request sent, one already under way, nothing to restart, or ended).
   */
  CompletionStage<RestartOutcome> restartDataTransferChannel(ChannelId channelId);

  /**
   * Restarts a channel and, when it sent a restart request, waits up to {@code wait} for the
   * attempt to end; completes with how it did ({@code Restarted}, {@code AttemptFailed}, {@code
   * EndedMeanwhile}, or {@code Unanswered} within the wait), or with what the channel did without
   * an attempt.
   */
  default CompletionStage<RestartOutcome> restartDataTransferChannel(
      ChannelId channelId, Duration wait) {
    return AwaitedRestart.run(this, channelId, wait);
  }

  /** The channel's status, or {@link Status#ChannelNotFoundError} when there is no such channel. */
  CompletionStage<Status> transferChannelStatus(ChannelId channelId);

  /** The channel's full state; fails with ChannelNotFoundException when there is none. */
  CompletionStage<ChannelState> channelState(ChannelId channelId);

  /** Every channel not yet in a terminal status. */
  CompletionStage<Map<ChannelId, ChannelState>> inProgressChannels();

  /** Calls the subscriber for every event on every channel, off the channels' threads. */
  Unsubscribe subscribeToEvents(Subscriber subscriber);

  /**
   * Every event on every channel as a stream; a slow consumer drops nothing and slows no channel.
   */
  Source<Pair<ChannelEvent, ChannelState>, NotUsed> events();

  @Override
  default void close() {
    stop().toCompletableFuture().join();
  }
}
