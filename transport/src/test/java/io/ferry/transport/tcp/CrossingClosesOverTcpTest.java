package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataRequest;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.FrameCodec;
import java.time.Duration;
import java.util.BitSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A node's sending side closed and opened again (the engine answering a repeated open) while its
 * receiver, a raw peer of revision 3, closed and reopened its own side: the receiver's close of the
 * old run reaches the node after the new run's open. Over a real connection, so the close's run
 * travels as the frame a node of revision 3 sends and reads ({@link FrameCodec#CLOSE_RUN}).
 */
class CrossingClosesOverTcpTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TcpNode node;
  private RawPeer receiver;

  @BeforeEach
  void start() throws Exception {
    node = new TcpNode("node", s -> s);
    receiver = new RawPeer(node.system, node.address(), NodeIdentity.generate(), 3);
    assertThat(receiver.next()).get().isInstanceOf(Frame.Hello.class);
  }

  @AfterEach
  void stop() throws Exception {
    receiver.close();
    node.close();
  }

  @Test
  void aReceiversCloseOfTheOldRunArrivingAfterTheNewOpenLeavesTheNewRunSending() throws Exception {
    ImportResult file =
        TestDags.importFile(node.store, TestDags.randomBytes(64 << 10, 21), 16 << 10);
    ChannelId id = new ChannelId(receiver.identity.peerId(), node.identity.peerId(), 1);
    DataRequest request =
        DataRequest.of(id, receiver.identity.peerId(), file.root(), Selectors.all());
    node.transport.openSend(request, null);
    Frame.Open first = receiver.next(Frame.Open.class);
    receiver.send(new Frame.Want(id, 1, first.run(), 0, 1 << 20, true));

    node.transport.close(id);
    assertThat(receiver.next(Frame.Close.class)).isEqualTo(new Frame.Close(id, first.run(), ""));
    node.transport.openSend(request, null);
    Frame.Open second = receiver.next(Frame.Open.class);
    receiver.send(new Frame.Close(id, first.run(), ""));
    receiver.send(new Frame.Want(id, 2, second.run(), 0, 1 << 20, false));

    Frame.Offer offer = receiver.next(Frame.Offer.class);
    assertThat(offer.ref()).isEqualTo(2);
    BitSet all = new BitSet();
    all.set(0, offer.cids().size());
    receiver.send(new Frame.Have(2, offer.firstIndex(), offer.cids().size(), all));
    assertThat(receiver.next(Frame.Done.class)).isEqualTo(new Frame.Done(2, file.blocks()));
    receiver.send(new Frame.Complete(2, file.blocks()));
    assertThat(node.handler.awaitFinished(id, WAIT))
        .isEqualTo(new RecordingHandler.Finished(true, null));
  }
}
