package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.PeerId;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.transport.identity.NodeIdentity;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One logical node at several addresses, as a cluster's members are (one identity, each member
 * listening at its own address): each announces the others' addresses after its own, and a peer
 * that finds the member it used gone dials the next one.
 */
class LogicalNodeAddressesTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @Test
  void aPeerWhoseMemberIsGoneDialsTheNextAddressTheNodeAnnouncedAndReachesAnotherMember()
      throws Exception {
    NodeIdentity shared = NodeIdentity.generate();
    PeerId node = shared.peerId();
    try (TcpNode survivor = new TcpNode("survivor", shared, new MemoryBlockStore(), s -> s);
        TcpNode peer = new TcpNode("peer", s -> s)) {
      try (TcpNode gone = new TcpNode("gone", shared, new MemoryBlockStore(), s -> s)) {
        gone.transport.announceAlso(List.of(survivor.address()));
        survivor.transport.announceAlso(List.of(gone.address()));
        // The member dials the peer, as a member pulling from a provider does: the peer learns
        // the node's addresses from the member's handshake only.
        gone.transport.connect(peer.address()).toCompletableFuture().get(20, TimeUnit.SECONDS);
        RecordingHandler.await(
            WAIT,
            "the peer to see the node connected",
            () -> peer.handler.events.contains("connected " + node));
      }
      RecordingHandler.await(
          WAIT,
          "the peer to see the member go",
          () -> peer.handler.events.stream().anyMatch(e -> e.startsWith("disconnected " + node)));

      peer.transport
          .send(node, TransferRequest.update(7, true))
          .toCompletableFuture()
          .get(20, TimeUnit.SECONDS);

      Map.Entry<PeerId, TransferMessage> arrived = survivor.handler.nextMessage(WAIT);
      assertThat(arrived.getKey()).isEqualTo(peer.identity.peerId());
      assertThat(arrived.getValue()).isEqualTo(TransferRequest.update(7, true));
      assertThat(peer.transport.addressOf(node))
          .as("the address a handshake confirmed: the surviving member's")
          .isEqualTo(survivor.address());
    }
  }
}
