package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataRequest;
import io.ferry.ipld.Block;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.frame.Frame;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * When a node switches to the newer of two connections with one peer, the channels start again on
 * the new one (what was queued on the old one may be dropped with it), and data-path frames still
 * read from the old one are ignored (their references belong to wants already replaced), all but a
 * completion.
 */
class ConnectionSwitchTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private final NodeIdentity peer = NodeIdentity.generate();
  private final Block block =
      Block.of(Multicodec.RAW, "one block of a channel".getBytes(StandardCharsets.UTF_8));
  private TcpNode node;
  private RawPeer first;
  private RawPeer second;

  @BeforeEach
  void start() throws Exception {
    node = new TcpNode("node", s -> s);
    first = new RawPeer(node.system, node.address(), peer);
    assertThat(first.next()).get().isInstanceOf(Frame.Hello.class);
  }

  @AfterEach
  void stop() throws Exception {
    first.close();
    if (second != null) {
      second.close();
    }
    node.close();
  }

  /** A newer connection from the same dialer: both sides keep it and retire the first. */
  private void switchToSecondConnection() throws Exception {
    second = new RawPeer(node.system, node.address(), peer);
    assertThat(second.next()).get().isInstanceOf(Frame.Hello.class);
    assertThat(first.next(Frame.GoAway.class).reason()).isEqualTo("duplicate connection");
  }

  private DataRequest request(ChannelId id) {
    return DataRequest.of(id, peer.peerId(), block.cid(), Selectors.all());
  }

  private Frame.Block blockFrame(long ref) {
    return new Frame.Block(ref, 0, block.cid(), ByteString.fromArray(block.data()));
  }

  @Test
  void aReceivingChannelAsksAgainOnTheConnectionItSwitchesToAndCompletesThere() throws Exception {
    ChannelId id = new ChannelId(node.identity.peerId(), peer.peerId(), 1);
    node.transport.openReceive(request(id));
    first.send(new Frame.Open(id, 5, 0, null));
    Frame.Want old = first.next(Frame.Want.class);

    switchToSecondConnection();
    Frame.Want again = second.next(Frame.Want.class);

    assertThat(again.ref()).isNotEqualTo(old.ref());
    assertThat(again.startIndex()).isZero();
    first.send(new Frame.Offer(old.ref(), 0, List.of(block.cid())));
    first.send(blockFrame(old.ref()));
    first.roundTrip(1);
    second.send(new Frame.Offer(again.ref(), 0, List.of(block.cid())));
    assertThat(second.next(Frame.Have.class).ref()).isEqualTo(again.ref());
    second.send(blockFrame(again.ref()));
    second.send(new Frame.Done(again.ref(), 1));
    assertThat(second.next(Frame.Complete.class)).isEqualTo(new Frame.Complete(again.ref(), 1));
    assertThat(node.handler.awaitFinished(id, WAIT).error()).isNull();
    assertThat(node.store.has(block.cid())).isTrue();
  }

  @Test
  void aWantReadLateFromTheRetiredConnectionDoesNotRestartTheSender() throws Exception {
    node.store.put(block);
    ChannelId id = new ChannelId(peer.peerId(), node.identity.peerId(), 2);
    node.transport.openSend(request(id), null);
    long run = first.next(Frame.Open.class).run();
    first.send(new Frame.Want(id, 11, run, 0, 1 << 20, false));
    assertThat(first.next(Frame.Offer.class).ref()).isEqualTo(11);

    switchToSecondConnection();
    first.send(new Frame.Want(id, 12, run, 0, 1 << 20, false));
    first.roundTrip(1);
    second.send(new Frame.Want(id, 13, run, 0, 1 << 20, false));

    Frame.Offer offer = second.next(Frame.Offer.class);
    assertThat(offer).isEqualTo(new Frame.Offer(13, 0, List.of(block.cid())));
  }

  @Test
  void aCompletionReadLateFromTheRetiredConnectionStillFinishesTheSender() throws Exception {
    node.store.put(block);
    ChannelId id = new ChannelId(peer.peerId(), node.identity.peerId(), 3);
    node.transport.openSend(request(id), null);
    long run = first.next(Frame.Open.class).run();
    first.send(new Frame.Want(id, 21, run, 0, 1 << 20, false));
    assertThat(first.next(Frame.Offer.class).ref()).isEqualTo(21);

    switchToSecondConnection();
    first.send(new Frame.Complete(21, 1));

    RecordingHandler.Finished finished = node.handler.awaitFinished(id, WAIT);
    assertThat(finished.sender()).isTrue();
    assertThat(finished.error()).isNull();
  }
}
