package io.ferry.transport.tcp.link;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.transport.identity.Multiaddr;
import java.util.concurrent.CompletableFuture;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What a {@link PeerSession} is told: the transport's API calls, its connections' lifecycle and
 * inbound elements (with an acknowledgement for backpressure), and its own timers and results.
 */
public sealed interface SessionCommand {

  /** Acknowledges one inbound element (backpressure towards the connection). */
  enum Ack {
    INSTANCE
  }

  /** Opens (or reopens) a sending channel and sends its open with {@code message} (or none). */
  record OpenSend(DataRequest request, TransferMessage message, CompletableFuture<Void> sent)
      implements SessionCommand {}

  /** Opens (or reopens) a receiving channel; {@code held} answers its held prefix. */
  record OpenReceive(DataRequest request, CompletableFuture<Long> held) implements SessionCommand {}

  record SetByteLimit(ChannelId channel, long limit) implements SessionCommand {}

  record Pause(ChannelId channel) implements SessionCommand {}

  record Resume(ChannelId channel) implements SessionCommand {}

  record CloseChannel(ChannelId channel) implements SessionCommand {}

  /** The channel's sender completed (see {@code DataTransport.senderCompleted}). */
  record SenderCompleted(ChannelId channel) implements SessionCommand {}

  record SendMessage(TransferMessage message, CompletableFuture<Void> sent)
      implements SessionCommand {}

  record Connect(Multiaddr address, CompletableFuture<PeerId> connected)
      implements SessionCommand {}

  record Disconnect() implements SessionCommand {}

  record Stop() implements SessionCommand {}

  record Attached(Connection connection, ActorRef<Ack> ack) implements SessionCommand {}

  record Inbound(Connection connection, Object element, ActorRef<Ack> ack)
      implements SessionCommand {}

  record Detached(Connection connection, Throwable cause) implements SessionCommand {}

  record DialFailed(Connection connection, Throwable cause) implements SessionCommand {}

  /** Runs {@code action} on the session's thread (results of blocking work, wake-ups). */
  record Later(Runnable action) implements SessionCommand {}

  /** The periodic timer: flush progress and batches, expire waiting messages. */
  enum Tick implements SessionCommand {
    INSTANCE
  }

  /** The backoff timer: dial again. */
  enum Redial implements SessionCommand {
    INSTANCE
  }
}
