package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.Block;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.frame.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one open protocol over a real connection, against a peer that sends what the test says: a
 * sending node's open carries the engine's message and a run number, it takes only a want that
 * names that run, and a want that comes before any open is dropped, never kept for later.
 */
class OpenProtocolTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final NodeIdentity peer = NodeIdentity.generate();
  private final Block block =
      Block.of(Multicodec.RAW, "the one block of the channel".getBytes(StandardCharsets.UTF_8));
  private TcpNode node;
  private RawPeer receiver;

  @BeforeEach
  void start() throws Exception {
    node = new TcpNode("node", s -> s);
    node.store.put(block);
    receiver = new RawPeer(node.system, node.address(), peer);
    assertThat(receiver.next()).get().isInstanceOf(Frame.Hello.class);
  }

  @AfterEach
  void stop() throws Exception {
    receiver.close();
    node.close();
  }

  private DataRequest request(ChannelId id) {
    return DataRequest.of(id, peer.peerId(), block.cid(), Selectors.all());
  }

  @Test
  void aWantBeforeTheOpenIsDroppedAndOnlyTheOpensRunIsServed() throws Exception {
    ChannelId id = new ChannelId(peer.peerId(), node.identity.peerId(), 1);
    receiver.send(new Frame.Want(id, 10, 1, 0, 1 << 20, false));
    assertThat(receiver.roundTrip(1)).isEmpty();

    TransferResponse accepted = TransferResponse.update(1, false);
    CompletableFuture<Void> sent =
        node.transport.openSend(request(id), accepted).toCompletableFuture();

    Frame.Open open = receiver.next(Frame.Open.class);
    sent.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(open.message()).isEqualTo(accepted);
    assertThat(receiver.roundTrip(2)).as("nothing answers the early want").isEmpty();
    receiver.send(new Frame.Want(id, 11, open.run() + 1, 0, 1 << 20, false));
    assertThat(receiver.roundTrip(3)).as("nor a want for another run").isEmpty();

    receiver.send(new Frame.Want(id, 12, open.run(), 0, 1 << 20, false));
    assertThat(receiver.next(Frame.Offer.class))
        .isEqualTo(new Frame.Offer(12, 0, List.of(block.cid())));
  }

  @Test
  void aReopenIsANewRunThatTheOldRunsWantDoesNotStart() throws Exception {
    ChannelId id = new ChannelId(peer.peerId(), node.identity.peerId(), 2);
    node.transport.openSend(request(id), null);
    Frame.Open first = receiver.next(Frame.Open.class);

    node.transport.openSend(request(id), TransferResponse.update(2, false));
    Frame.Open second = receiver.next(Frame.Open.class);
    receiver.send(new Frame.Want(id, 20, first.run(), 0, 1 << 20, false));

    assertThat(second.run()).isNotEqualTo(first.run());
    assertThat(receiver.roundTrip(4)).isEmpty();
    receiver.send(new Frame.Want(id, 21, second.run(), 0, 1 << 20, false));
    assertThat(receiver.next(Frame.Offer.class).ref()).isEqualTo(21);
  }

  @Test
  void aReceivingNodeAsksOnlyInAnswerToTheSendersOpenAndHandsItsMessageToTheEngine()
      throws Exception {
    ChannelId id = new ChannelId(node.identity.peerId(), peer.peerId(), 3);
    node.transport.openReceive(request(id)).toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertThat(receiver.roundTrip(5)).isEmpty();

    TransferResponse accepted = TransferResponse.update(3, false);
    receiver.send(new Frame.Open(id, 77, 0, accepted));

    assertThat(receiver.next(Frame.Want.class).run()).isEqualTo(77);
    assertThat(node.handler.nextMessage(WAIT).getValue()).isEqualTo(accepted);
  }
}
