package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.transport.tcp.frame.Frame;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Admission control over real TCP (issue 19, 2): a peer speaking the wire protocol that opens many
 * channels gets its share, the rest refused saying which cap they hit, and the node keeps serving
 * an honest peer; a sender waiting for payment gives its send slot to others.
 */
class AdmissionOverTcpTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int PER_PEER = 4;
  private static final int TOTAL = 6;

  private TcpNode node;
  private TcpNode honest;
  private final List<RawPeer> hostile = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    node = new TcpNode("node", s -> s.withOpenChannels(PER_PEER, TOTAL).withSendingChannels(1, 1));
    honest = new TcpNode("honest", s -> s);
    honest
        .transport
        .connect(node.address())
        .toCompletableFuture()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    hostile.forEach(RawPeer::close);
    honest.close();
    node.close();
  }

  private RawPeer hostilePeer() throws Exception {
    RawPeer p = new RawPeer(node.system, node.address());
    hostile.add(p);
    assertThat(p.next()).get().isInstanceOf(Frame.Hello.class);
    return p;
  }

  private static TransferRequest pull(long transferId) {
    return TransferRequest.open(transferId, true, TestDags.someCid(), Selectors.all(), null);
  }

  /** The requests of {@code from} that reached the engine. */
  private List<Long> reachedTheEngine(PeerId from) {
    List<Long> ids = new ArrayList<>();
    for (Map.Entry<PeerId, TransferMessage> m : node.handler.messages) {
      if (m.getKey().equals(from) && m.getValue() instanceof TransferRequest r) {
        ids.add(r.transferId());
      }
    }
    return ids;
  }

  /** Refusals {@code peer} read back after sending {@code sent} frames and a ping. */
  private static List<TransferResponse> refusals(RawPeer peer, long nonce) throws Exception {
    List<TransferResponse> out = new ArrayList<>();
    for (Frame f : peer.roundTrip(nonce)) {
      if (f instanceof Frame.Message m && m.message() instanceof TransferResponse r) {
        out.add(r);
      }
    }
    return out;
  }

  @Test
  void aPeerOpeningManyChannelsGetsItsShareTheRestAreRefusedAndAnHonestPeerIsServed()
      throws Exception {
    RawPeer flood = hostilePeer();
    for (long t = 0; t < 50; t++) {
      flood.send(new Frame.Message(pull(t)));
    }
    List<TransferResponse> refused = refusals(flood, 1);

    assertThat(reachedTheEngine(flood.identity.peerId())).containsExactly(0L, 1L, 2L, 3L);
    assertThat(refused).hasSize(50 - PER_PEER);
    assertThat(refused)
        .allSatisfy(
            r -> {
              assertThat(r.type()).isEqualTo(MessageType.NEW);
              assertThat(r.accepted()).isFalse();
              assertThat(r.message())
                  .isEqualTo(
                      "too many open channels: "
                          + flood.identity.peerId()
                          + " has 4 open with this node, the most it allows one peer;"
                          + " retry when one ends");
            });

    // The engine rejects one of them: the peer may open another.
    node.transport
        .send(
            flood.identity.peerId(),
            TransferResponse.rejected(MessageType.NEW, 0, null, "no such content"))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    flood.next(Frame.Message.class);
    flood.send(new Frame.Message(pull(100)));
    assertThat(refusals(flood, 2)).isEmpty();
    assertThat(reachedTheEngine(flood.identity.peerId())).contains(100L);

    // An honest peer's request still reaches the engine.
    honest
        .transport
        .send(node.identity.peerId(), pull(7))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    RecordingHandler.await(
        WAIT,
        "the honest peer's request",
        () -> reachedTheEngine(honest.identity.peerId()).contains(7L));

    // A second identity fills the node's cap: the node says it is overloaded.
    RawPeer second = hostilePeer();
    for (long t = 0; t < 3; t++) {
      second.send(new Frame.Message(pull(t)));
    }
    List<TransferResponse> atCap = refusals(second, 3);
    assertThat(reachedTheEngine(second.identity.peerId())).containsExactly(0L);
    assertThat(atCap)
        .extracting(TransferResponse::message)
        .containsOnly(
            "this node is at its limit of 6 open channels that peers asked for;"
                + " retry when one ends");
    assertThat(node.transport.admission().overloaded()).isTrue();
    assertThat(node.transport.admission().refused()).isEqualTo(50 - PER_PEER + 2);

    // Closing channels ends the overload.
    node.transport.close(new ChannelId(second.identity.peerId(), node.identity.peerId(), 0));
    assertThat(node.transport.admission().overloaded()).isFalse();
  }

  @Test
  void manyIdentitiesFromOneAddressShareThatAddresssCap() throws Exception {
    // Identities cost nothing (issue 19, 2: 11 throw-away identities x 6 paid pulls that never
    // paid held every sending slot): the peers behind one address share four peers' worth.
    node.close();
    node = new TcpNode("node", s -> s.withOpenChannels(2, 100));
    assertThat(node.transport.admission().perAddress()).isEqualTo(8);
    List<TransferResponse> refused = new ArrayList<>();
    for (int identity = 0; identity < 5; identity++) {
      RawPeer p = hostilePeer();
      p.send(new Frame.Message(pull(1)));
      p.send(new Frame.Message(pull(2)));
      refused.addAll(refusals(p, identity));
      if (identity < 4) {
        assertThat(reachedTheEngine(p.identity.peerId())).containsExactly(1L, 2L);
      } else {
        assertThat(reachedTheEngine(p.identity.peerId())).isEmpty();
      }
    }

    assertThat(refused)
        .extracting(TransferResponse::message)
        .containsExactly(
            "too many open channels from 127.0.0.1: its peers have 8 open with this node, the"
                + " most it allows one address; retry when one ends",
            "too many open channels from 127.0.0.1: its peers have 8 open with this node, the"
                + " most it allows one address; retry when one ends");
    assertThat(node.transport.admission().overloaded()).as("the node-wide cap").isFalse();

    // One of them ends: the address may open another.
    node.transport.close(
        new ChannelId(hostile.get(0).identity.peerId(), node.identity.peerId(), 1));
    RawPeer sixth = hostilePeer();
    sixth.send(new Frame.Message(pull(1)));
    assertThat(refusals(sixth, 9)).isEmpty();
    assertThat(reachedTheEngine(sixth.identity.peerId())).containsExactly(1L);
  }

  @Test
  void aSenderHeldAtItsLimitForPaymentGivesItsSendSlotToAnotherChannel() throws Exception {
    // One send slot in all. The first channel reaches its byte limit (it waits for payment).
    ImportResult unpaid =
        TestDags.importFile(node.store, TestDags.randomBytes(512 << 10, 1), 16 << 10);
    ImportResult other =
        TestDags.importFile(node.store, TestDags.randomBytes(512 << 10, 2), 16 << 10);
    ChannelId first = new ChannelId(honest.identity.peerId(), node.identity.peerId(), 1);
    ChannelId second = new ChannelId(honest.identity.peerId(), node.identity.peerId(), 2);
    PeerId client = honest.identity.peerId();
    PeerId provider = node.identity.peerId();

    honest.transport.openReceive(DataRequest.of(first, provider, unpaid.root(), Selectors.all()));
    node.transport.openSend(
        DataRequest.of(first, client, unpaid.root(), Selectors.all()).withByteLimit(64 << 10),
        null);
    RecordingHandler.await(
        WAIT, "the first channel to reach its limit", () -> !node.handler.limitsReached.isEmpty());

    honest.transport.openReceive(DataRequest.of(second, provider, other.root(), Selectors.all()));
    node.transport.openSend(DataRequest.of(second, client, other.root(), Selectors.all()), null);
    assertThat(honest.handler.awaitFinished(second, WAIT))
        .isEqualTo(new RecordingHandler.Finished(false, null));
    assertThat(honest.handler.finished(first)).isNotDone();

    // Paid: it takes a slot again and finishes.
    node.transport.setByteLimit(first, DataRequest.NO_LIMIT);
    assertThat(honest.handler.awaitFinished(first, WAIT))
        .isEqualTo(new RecordingHandler.Finished(false, null));
    assertThat(node.handler.awaitFinished(first, WAIT))
        .isEqualTo(new RecordingHandler.Finished(true, null));
    assertThat(honest.handler.bytes(first, DataProgress.Direction.RECEIVED))
        .isEqualTo(node.handler.bytes(first, DataProgress.Direction.SENT));
    assertThat(TestDags.export(honest.store, unpaid.root()))
        .isEqualTo(TestDags.randomBytes(512 << 10, 1));
  }
}
