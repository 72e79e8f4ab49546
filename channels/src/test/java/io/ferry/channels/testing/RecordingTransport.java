package io.ferry.channels.testing;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.DataTransport;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransportHandler;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A transport that moves nothing and remembers every call, for unit tests of the channel actor.
 * Sends (and messages sent with an open) succeed unless {@link #failSends} is set; {@code
 * openReceive} answers {@link #held}, or, while {@link #holdReceives} is set, not yet: its answer
 * waits in {@link #heldReceives} for the test to give.
 */
public final class RecordingTransport implements DataTransport {
  /** A message sent to a peer. */
  public record Sent(PeerId to, TransferMessage message) {}

  private final PeerId self;
  public final List<Sent> sent = new CopyOnWriteArrayList<>();
  public final List<DataRequest> sends = new CopyOnWriteArrayList<>();
  public final List<DataRequest> receives = new CopyOnWriteArrayList<>();
  public final List<String> calls = new CopyOnWriteArrayList<>();
  public volatile long held;
  public volatile boolean failSends;
  public volatile boolean holdReceives;
  public final List<CompletableFuture<Long>> heldReceives = new CopyOnWriteArrayList<>();
  public volatile TransportHandler handler;

  public RecordingTransport(PeerId self) {
    this.self = self;
  }

  @Override
  public PeerId self() {
    return self;
  }

  @Override
  public void bind(TransportHandler handler) {
    this.handler = handler;
  }

  @Override
  public CompletionStage<Void> send(PeerId to, TransferMessage message) {
    if (failSends) {
      return CompletableFuture.failedFuture(new IllegalStateException("peer " + to + " is gone"));
    }
    sent.add(new Sent(to, message));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Long> openReceive(DataRequest request) {
    receives.add(request);
    calls.add("openReceive " + request.channelId());
    if (holdReceives) {
      CompletableFuture<Long> answer = new CompletableFuture<>();
      heldReceives.add(answer);
      return answer;
    }
    return CompletableFuture.completedFuture(held);
  }

  /** Records the open, and its message (if any) as sent with it. */
  @Override
  public CompletionStage<Void> openSend(DataRequest request, TransferMessage message) {
    sends.add(request);
    calls.add("openSend " + request.channelId() + " from " + request.startIndex());
    return message == null
        ? CompletableFuture.completedFuture(null)
        : send(request.peer(), message);
  }

  @Override
  public void setByteLimit(ChannelId channelId, long byteLimit) {
    calls.add("setByteLimit " + channelId + " " + byteLimit);
  }

  @Override
  public void pause(ChannelId channelId) {
    calls.add("pause " + channelId);
  }

  @Override
  public void resume(ChannelId channelId) {
    calls.add("resume " + channelId);
  }

  @Override
  public void close(ChannelId channelId) {
    calls.add("close " + channelId);
  }

  @Override
  public void senderCompleted(ChannelId channelId) {
    calls.add("senderCompleted " + channelId);
  }

  @Override
  public void close() {}

  /** The messages sent so far, in order. */
  public List<TransferMessage> messages() {
    List<TransferMessage> out = new ArrayList<>();
    for (Sent s : sent) {
      out.add(s.message());
    }
    return out;
  }
}
