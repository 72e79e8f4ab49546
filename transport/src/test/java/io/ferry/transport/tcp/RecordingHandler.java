package io.ferry.transport.tcp;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransportHandler;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Records what a transport reports, with ways to wait for it. */
public final class RecordingHandler implements TransportHandler {
  /** How a channel's data movement ended on one side. */
  public record Finished(boolean sender, String error) {}

  public final BlockingQueue<Map.Entry<PeerId, TransferMessage>> messages =
      new LinkedBlockingQueue<>();
  public final List<Map.Entry<ChannelId, DataProgress>> progress = new CopyOnWriteArrayList<>();
  public final List<String> events = new CopyOnWriteArrayList<>();

  /** The reasons given with each queued channel, in order. */
  public final List<String> reasons = new CopyOnWriteArrayList<>();

  private final Map<ChannelId, CompletableFuture<Finished>> finished = new ConcurrentHashMap<>();
  public final List<Long> limitsReached = new CopyOnWriteArrayList<>();

  public CompletableFuture<Finished> finished(ChannelId id) {
    return finished.computeIfAbsent(id, k -> new CompletableFuture<>());
  }

  public Finished awaitFinished(ChannelId id, Duration timeout) throws Exception {
    return finished(id).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public Map.Entry<PeerId, TransferMessage> nextMessage(Duration timeout)
      throws InterruptedException {
    Map.Entry<PeerId, TransferMessage> m = messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    if (m == null) {
      throw new AssertionError("no message within " + timeout);
    }
    return m;
  }

  public long bytes(ChannelId id, DataProgress.Direction direction) {
    return progress.stream()
        .filter(e -> e.getKey().equals(id) && e.getValue().direction() == direction)
        .mapToLong(e -> e.getValue().bytes())
        .sum();
  }

  public long blocks(ChannelId id, DataProgress.Direction direction) {
    return progress.stream()
        .filter(e -> e.getKey().equals(id) && e.getValue().direction() == direction)
        .mapToLong(e -> e.getValue().blocks())
        .sum();
  }

  /** Polls {@code condition} until it holds, failing after {@code timeout}. */
  public static void await(Duration timeout, String what, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + timeout + " waiting for " + what);
      }
      synchronized (RecordingHandler.class) {
        RecordingHandler.class.wait(10);
      }
    }
  }

  @Override
  public void onMessage(PeerId from, TransferMessage message) {
    messages.add(Map.entry(from, message));
  }

  @Override
  public void onProgress(ChannelId channelId, DataProgress p) {
    progress.add(Map.entry(channelId, p));
  }

  @Override
  public void onDataLimitReached(ChannelId channelId, long bytesQueued) {
    limitsReached.add(bytesQueued);
    events.add("limit " + channelId.transferId() + " " + bytesQueued);
  }

  @Override
  public void onDataFinished(ChannelId channelId, boolean sender, String error) {
    events.add("finished " + channelId.transferId() + " " + sender + " " + error);
    finished(channelId).complete(new Finished(sender, error));
  }

  @Override
  public void onChannelQueued(ChannelId channelId, String reason) {
    events.add("queued " + channelId.transferId());
    reasons.add(reason);
  }

  @Override
  public void onChannelAdmitted(ChannelId channelId) {
    events.add("admitted " + channelId.transferId());
  }

  @Override
  public void onPeerConnected(PeerId peer) {
    events.add("connected " + peer);
  }

  @Override
  public void onPeerDisconnected(PeerId peer, String reason) {
    events.add("disconnected " + peer + " " + reason);
  }
}
