package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.ipld.Block;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import io.ferry.transport.tcp.channel.Violations;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.FrameCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * A peer that authenticates correctly and then misbehaves is refused with a clear error, and only
 * its connection or channel suffers: the node keeps serving an honest peer.
 *
 * <p>Runs alone: it checks what the whole JVM logs (no error, no stack trace, one line per
 * malformed frame), which another class's nodes running beside it would add to.
 */
@Isolated
class BadPeerTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TcpNode node;
  private TcpNode honest;
  private RawPeer bad;
  private LogCapture logs;

  @BeforeEach
  void start() throws Exception {
    logs = new LogCapture();
    node = new TcpNode("node", s -> s);
    honest = new TcpNode("honest", s -> s);
    honest.transport.connect(node.address()).toCompletableFuture().get(10, TimeUnit.SECONDS);
    bad = new RawPeer(node.system, node.address());
    assertThat(bad.next()).get().isInstanceOf(Frame.Hello.class);
  }

  @AfterEach
  void stop() throws Exception {
    bad.close();
    honest.close();
    node.close();
    logs.close();
  }

  private void honestPeerIsStillServed() throws Exception {
    honest
        .transport
        .send(node.identity.peerId(), TransferRequest.cancel(77))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    RecordingHandler.await(
        WAIT,
        "the honest peer's message",
        () ->
            node.handler.messages.stream()
                .anyMatch(
                    m ->
                        m.getKey().equals(honest.identity.peerId())
                            && m.getValue().equals(TransferRequest.cancel(77))));
  }

  @Test
  void anOversizedFrameClosesOnlyThatConnection() throws Exception {
    bad.send(ByteString.fromArray(new byte[] {0x04, 0, 0, 0, FrameCodec.BLOCK}));

    bad.awaitClosed();

    logs.await("frame of 67108864 bytes exceeds the maximum " + (4 << 20));
    honestPeerIsStillServed();
  }

  @Test
  void aMalformedControlMessageClosesOnlyThatConnection() throws Exception {
    byte[] garbage = "not cbor at all".getBytes(StandardCharsets.UTF_8);
    ByteString frame =
        ByteString.fromArray(new byte[] {0, 0, 0, (byte) (garbage.length + 1), FrameCodec.MESSAGE})
            .concat(ByteString.fromArray(garbage));

    bad.send(frame);
    bad.awaitClosed();

    logs.await("malformed message frame");
    honestPeerIsStillServed();
  }

  @Test
  void aMalformedFrameIsLoggedOnOneLineWithoutAStackTrace() throws Exception {
    // Each malformed frame logged an ERROR with a 30-line stack trace (issue 19, 5): a peer could
    // fill the disk with them. One line says who sent what; nothing logs the exception.
    try (LogCapture everything = new LogCapture(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      byte[] garbage = "not cbor at all".getBytes(StandardCharsets.UTF_8);
      bad.send(
          ByteString.fromArray(
                  new byte[] {0, 0, 0, (byte) (garbage.length + 1), FrameCodec.MESSAGE})
              .concat(ByteString.fromArray(garbage)));
      bad.awaitClosed();
      logs.await("malformed message frame");
      honestPeerIsStillServed();

      assertThat(everything.errorsOrStackTraces()).isEmpty();
      assertThat(logs.messages())
          .filteredOn(m -> m.contains("malformed message frame"))
          .hasSize(1)
          .allSatisfy(m -> assertThat(m).startsWith("WARN").doesNotContain("\n"));
    }
  }

  @Test
  void aControlMessageAboutAChannelOfOtherPeersIsRefused() throws Exception {
    ChannelId theirs = new ChannelId(node.identity.peerId(), honest.identity.peerId(), 9);

    bad.send(new Frame.Message(TransferRequest.restartExistingChannel(theirs)));
    bad.send(new Frame.Message(TransferRequest.update(1, true)));

    PeerId badId = bad.identity.peerId();
    RecordingHandler.await(
        WAIT,
        "the bad peer's valid message",
        () -> node.handler.messages.stream().anyMatch(m -> m.getKey().equals(badId)));
    assertThat(node.handler.messages)
        .filteredOn(m -> m.getKey().equals(badId))
        .extracting(m -> m.getValue())
        .containsExactly(TransferRequest.update(1, true));
    assertThat(logs.messages())
        .anySatisfy(
            m ->
                assertThat(m)
                    .contains(
                        "refused a control message from "
                            + badId
                            + " about channel "
                            + theirs
                            + ": "
                            + badId
                            + " is not its counterparty"));
  }

  @Test
  void aWantForAChannelOfOtherPeersIsRefused() throws Exception {
    ChannelId theirs = new ChannelId(node.identity.peerId(), honest.identity.peerId(), 3);

    bad.send(new Frame.Want(theirs, 1, 1, 0, 1 << 20, false));

    assertThat(bad.next(Frame.Close.class).error()).contains("is not a party of channel " + theirs);
    honestPeerIsStillServed();
  }

  @Test
  void aFloodOfWantsForOtherPeersChannelsIsLoggedSparinglyAndDisconnected() throws Exception {
    ChannelId theirs = new ChannelId(node.identity.peerId(), honest.identity.peerId(), 3);
    int flood = 2 * Violations.DISCONNECT_AFTER;

    for (int i = 0; i < flood; i++) {
      bad.send(new Frame.Want(theirs, i, 1, 0, 1 << 20, false));
    }
    List<Frame> answers = new java.util.ArrayList<>();
    for (java.util.Optional<Frame> f = bad.next(); f.isPresent(); f = bad.next()) {
      answers.add(f.get());
    }
    bad.awaitClosed();

    assertThat(answers).hasSizeLessThanOrEqualTo(Violations.LOGGED_PER_WINDOW);
    logs.await("protocol violations in a minute");
    assertThat(logs.messages().stream().filter(m -> m.startsWith("WARN refused a want")).count())
        .isLessThanOrEqualTo(Violations.LOGGED_PER_WINDOW);
    honestPeerIsStillServed();
  }

  @Test
  void aFloodedPeerIsCountedInTheMetricAndRefusedWhenItComesBack() throws Exception {
    ChannelId theirs = new ChannelId(node.identity.peerId(), honest.identity.peerId(), 3);
    for (int i = 0; i < Violations.DISCONNECT_AFTER; i++) {
      bad.send(new Frame.Want(theirs, i, 1, 0, 1 << 20, false));
    }
    bad.awaitClosed();

    assertThat(node.transport.protocolViolations())
        .isGreaterThanOrEqualTo(Violations.DISCONNECT_AFTER);
    logs.await("refusing " + bad.identity.peerId() + " for 60 s");
    try (RawPeer again = new RawPeer(node.system, node.address(), bad.identity)) {
      assertThat(helloOrNothing(again)).isEmpty();
    }
    assertThat(node.transport.protocolViolations()).isLessThan(2L * Violations.DISCONNECT_AFTER);
    honestPeerIsStillServed();
    try (RawPeer other = new RawPeer(node.system, node.address())) {
      assertThat(other.next()).get().isInstanceOf(Frame.Hello.class);
    }
  }

  /** The first frame, or empty when the handshake was refused (a failure or a closed stream). */
  private static java.util.Optional<Frame> helloOrNothing(RawPeer peer) {
    try {
      return peer.next();
    } catch (Exception refused) {
      return java.util.Optional.empty();
    }
  }

  @Test
  void aBlockTheSelectorDidNotAskForFailsTheChannelNamingBothCids() throws Exception {
    Block wanted = Block.of(Multicodec.RAW, "the block asked for".getBytes(StandardCharsets.UTF_8));
    Block other = Block.of(Multicodec.RAW, "something else".getBytes(StandardCharsets.UTF_8));
    ChannelId id = new ChannelId(node.identity.peerId(), bad.identity.peerId(), 5);
    node.transport.openReceive(
        DataRequest.of(id, bad.identity.peerId(), wanted.cid(), Selectors.all()));
    bad.send(new Frame.Open(id, 1, 0, null));
    Frame.Want want = bad.next(Frame.Want.class);

    bad.send(new Frame.Offer(want.ref(), 0, List.of(wanted.cid())));
    bad.next(Frame.Have.class);
    bad.send(new Frame.Block(want.ref(), 0, other.cid(), ByteString.fromArray(other.data())));

    RecordingHandler.Finished finished = node.handler.awaitFinished(id, WAIT);
    assertThat(finished.error())
        .isEqualTo(
            "block "
                + other.cid()
                + " (index 0) was not asked for: the selector expects "
                + wanted.cid()
                + " at index 0");
    // the raw peer announced revision 1: the close names no run
    assertThat(bad.next(Frame.Close.class)).isEqualTo(new Frame.Close(id, 0, finished.error()));
    assertThat(node.store.has(other.cid())).isFalse();
    honestPeerIsStillServed();
  }
}
