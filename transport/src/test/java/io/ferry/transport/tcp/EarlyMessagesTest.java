package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.wire.TransferRequest;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.transport.identity.NodeIdentity;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A node listens before its engine has started (a node restarting after a crash recovers its
 * channels first), and its peers connect at once. A control message that arrives meanwhile reaches
 * the engine when it binds: dropped, it was lost for good, because its sender had written it and
 * never sent it again (bench/chaos, issue 19, 3: pulls requested while the provider restarted
 * waited until their accept timeout failed them).
 */
class EarlyMessagesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TcpNode starting;
  private TcpNode peer;

  @AfterEach
  void stop() throws Exception {
    if (peer != null) {
      peer.close();
    }
    if (starting != null) {
      starting.close();
    }
  }

  @Test
  void aMessageThatArrivesBeforeTheEngineBindsReachesItWhenItBinds() throws Exception {
    starting =
        new TcpNode(
            "starting",
            NodeIdentity.generate(),
            new MemoryBlockStore(),
            s -> s,
            /* bound= */ false);
    peer = new TcpNode("peer", s -> s);
    peer.transport.connect(starting.address()).toCompletableFuture().get(10, TimeUnit.SECONDS);

    peer.transport
        .send(starting.identity.peerId(), TransferRequest.cancel(41))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    RecordingHandler.await(
        WAIT,
        "the message read before the engine bound",
        () -> starting.transport.messagesAwaitingBind() == 1);
    starting.transport.bind(starting.handler);
    peer.transport
        .send(starting.identity.peerId(), TransferRequest.cancel(42))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    RecordingHandler.await(WAIT, "both messages", () -> starting.handler.messages.size() == 2);
    assertThat(starting.handler.messages)
        .containsExactly(
            Map.entry(peer.identity.peerId(), TransferRequest.cancel(41)),
            Map.entry(peer.identity.peerId(), TransferRequest.cancel(42)));
  }
}
