package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.PeerId;
import io.ferry.channels.wire.TransferRequest;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A cluster member that gave a peer up to another member ({@code withhold}) drops its connection
 * and neither dials the peer nor sends it anything until it is admitted again: a send fails at once
 * instead of redialing the peer, as it would after an ordinary {@code disconnect}.
 */
class WithheldPeerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aWithheldPeerIsDroppedAndSentNothingUntilAdmittedAgain() throws Exception {
    try (TcpNode member = new TcpNode("member", s -> s);
        TcpNode peer = new TcpNode("peer", s -> s)) {
      PeerId p = peer.identity.peerId();
      PeerId m = member.identity.peerId();
      member.transport.connect(peer.address()).toCompletableFuture().get(20, TimeUnit.SECONDS);
      RecordingHandler.await(
          WAIT, "the peer to see the member", () -> peer.handler.events.contains("connected " + m));

      member.transport.withhold(p);
      RecordingHandler.await(
          WAIT,
          "the peer to lose the member",
          () -> peer.handler.events.stream().anyMatch(e -> e.startsWith("disconnected " + m)));
      assertThatThrownBy(
              () ->
                  member
                      .transport
                      .send(p, TransferRequest.update(1, true))
                      .toCompletableFuture()
                      .get(20, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasMessageContaining("served by another member");
      assertThat(peer.handler.events.stream().filter(e -> e.equals("connected " + m)).count())
          .as("connections the member made to the withheld peer")
          .isEqualTo(1);

      member.transport.admit(p);
      member
          .transport
          .send(p, TransferRequest.update(2, true))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);
      assertThat(peer.handler.nextMessage(WAIT).getValue())
          .isEqualTo(TransferRequest.update(2, true));
    }
  }
}
