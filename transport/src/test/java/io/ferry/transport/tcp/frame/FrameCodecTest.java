package io.ferry.transport.tcp.frame;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.transport.identity.NodeIdentity;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FrameCodecTest {
  private static final int MAX = 64 * 1024;
  private static final ChannelId CHANNEL =
      new ChannelId(NodeIdentity.generate().peerId(), NodeIdentity.generate().peerId(), -2);
  private static final Cid CID = Cid.sha256(Multicodec.RAW, bytes("block"));
  private static final Frame.Hello HELLO =
      new Frame.Hello(1, FrameCodec.PROTOCOL, MAX, List.of("/ip4/127.0.0.1/tcp/1"));

  private static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("frames");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  static List<Frame> everyFrame() {
    return List.of(
        HELLO,
        new Frame.Message(TransferRequest.update(3, true)),
        new Frame.Block(7, 12345, CID, ByteString.fromArray(bytes("block"))),
        new Frame.Block(0, 0, CID, ByteString.emptyByteString()),
        new Frame.Open(CHANNEL, 1L << 40, 10, TransferResponse.update(3, true)),
        new Frame.Open(CHANNEL, 2, 0, null),
        new Frame.Want(CHANNEL, 7, 1L << 40, 10, 16L << 20, false),
        new Frame.Want(CHANNEL, 8, 2, 0, 0, true),
        new Frame.Credit(7, 1 << 20),
        new Frame.CreditReturn(7, 3 << 20),
        new Frame.Offer(7, 11, List.of(CID, Cid.sha256(Multicodec.DAG_PB, bytes("x")))),
        new Frame.Have(7, 11, 2, BitSet.valueOf(new long[] {2})),
        new Frame.Have(7, 4096, 13, new BitSet()),
        new Frame.Done(7, 400),
        new Frame.Complete(7, 400),
        new Frame.Pause(CHANNEL),
        new Frame.Resume(CHANNEL),
        new Frame.Close(CHANNEL, 0, "block bafy... does not match its CID"),
        new Frame.Close(CHANNEL, 0, ""),
        new Frame.Close(CHANNEL, 1L << 40, "the sending peer failed"),
        new Frame.Close(CHANNEL, 2, ""),
        new Frame.Ping(Long.MIN_VALUE),
        new Frame.Pong(42),
        new Frame.GoAway("duplicate connection"));
  }

  private static List<Frame> decode(List<ByteString> chunks) throws Exception {
    return decode(chunks, FrameCodec.REVISION);
  }

  /** Decodes as a node of {@code revision} does. */
  private static List<Frame> decode(List<ByteString> chunks, int revision) throws Exception {
    try {
      return Source.from(chunks)
          .via(new FrameDecoder(MAX, revision))
          .runWith(Sink.seq(), system)
          .toCompletableFuture()
          .get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw (Exception) e.getCause();
    }
  }

  private static ByteString concat(List<Frame> frames) {
    ByteString all = ByteString.emptyByteString();
    for (Frame f : frames) {
      all = all.concat(FrameCodec.encode(f));
    }
    return all;
  }

  @Test
  void everyFrameKindRoundTripsThroughTheDecoder() throws Exception {
    assertThat(decode(List.of(concat(everyFrame())))).isEqualTo(everyFrame());
  }

  @Test
  void framesSplitAtEveryByteBoundaryStillDecode() throws Exception {
    ByteString all = concat(everyFrame());
    List<ByteString> singleBytes = new ArrayList<>();
    for (int i = 0; i < all.size(); i++) {
      singleBytes.add(all.slice(i, i + 1));
    }

    assertThat(decode(singleBytes)).isEqualTo(everyFrame());
  }

  @Test
  void aBlockFrameCarriesItsDataWithoutCopyingTheHeaderIntoIt() {
    byte[] data = new byte[1000];
    data[0] = 1;
    data[999] = 2;
    ByteString wire = FrameCodec.encode(new Frame.Block(1, 2, CID, ByteString.fromArray(data)));

    Frame.Block b = (Frame.Block) FrameCodec.decode(wire.drop(4));

    assertThat(b.data().toArray()).isEqualTo(data);
    assertThat(wire.size()).isEqualTo(4 + 1 + 1 + 1 + CID.byteLength() + 1000);
  }

  @Test
  void anOversizedFrameIsRefusedBeforeItsPayloadArrives() {
    ByteString header = ByteString.fromArray(new byte[] {0, 2, 0, 0, FrameCodec.BLOCK});

    assertThatThrownBy(() -> decode(List.of(FrameCodec.encode(HELLO), header)))
        .isInstanceOf(FrameException.class)
        .hasMessage("frame of " + (2 << 16) + " bytes exceeds the maximum " + MAX);
  }

  @Test
  void aPeerThatDoesNotStartWithAHandshakeIsRefused() {
    ByteString http = ByteString.fromString("GET / HTTP/1.1\r\n\r\n");

    assertThatThrownBy(() -> decode(List.of(http)))
        .isInstanceOf(FrameException.class)
        .hasMessageStartingWith("peer did not open with a Ferry handshake (first bytes: 474554");
    assertThatThrownBy(() -> decode(List.of(FrameCodec.encode(new Frame.Ping(1)))))
        .hasMessageStartingWith("peer did not open with a Ferry handshake");
  }

  @Test
  void aSecondHandshakeIsRefused() {
    assertThatThrownBy(() -> decode(List.of(concat(List.of(HELLO, HELLO)))))
        .hasMessage("peer sent a second handshake");
  }

  @Test
  void aTruncatedPayloadIsRefusedNamingTheFrameKind() {
    ByteString want = FrameCodec.encode(new Frame.Want(CHANNEL, 1, 2, 3, 4, false));
    int cut = want.size() - 4 - 10;
    ByteString truncated =
        ByteString.fromArray(new byte[] {0, 0, 0, (byte) cut}).concat(want.slice(4, 4 + cut));

    assertThatThrownBy(() -> decode(List.of(FrameCodec.encode(HELLO), truncated)))
        .hasMessageStartingWith("malformed want frame:");
  }

  @Test
  void trailingBytesInAFrameAreRefused() {
    ByteString credit = FrameCodec.encode(new Frame.Credit(1, 2));
    ByteString padded =
        ByteString.fromArray(new byte[] {0, 0, 0, (byte) (credit.size() - 4 + 1)})
            .concat(credit.drop(4))
            .concat(ByteString.fromArray(new byte[] {9}));

    assertThatThrownBy(() -> decode(List.of(FrameCodec.encode(HELLO), padded)))
        .hasMessage("malformed credit frame: 1 unexpected bytes after the payload");
  }

  @Test
  void anUnknownFrameKindIsRefused() {
    ByteString unknown = ByteString.fromArray(new byte[] {0, 0, 0, 1, 0x55});

    assertThatThrownBy(() -> decode(List.of(FrameCodec.encode(HELLO), unknown)))
        .hasMessageContaining("unknown frame kind 0x55");
  }

  @Test
  void aConnectionThatEndsInsideAFrameFails() {
    ByteString ping = FrameCodec.encode(new Frame.Ping(1));

    assertThatThrownBy(() -> decode(List.of(FrameCodec.encode(HELLO), ping.take(6))))
        .hasMessage("connection ended inside a frame (6 bytes of an incomplete frame)");
  }

  @Test
  void aBlockWithAMalformedCidIsRefused() {
    ByteString bad = ByteString.fromArray(new byte[] {0, 0, 0, 5, FrameCodec.BLOCK, 1, 2, 7, 7});

    assertThatThrownBy(() -> decode(List.of(FrameCodec.encode(HELLO), bad)))
        .hasMessageStartingWith("malformed block frame:");
  }

  @Test
  void aHandshakeWithTheWrongMagicIsRefused() {
    ByteString hello = FrameCodec.encode(HELLO);
    byte[] raw = hello.toArray();
    raw[5] = 'X';

    assertThatThrownBy(() -> decode(List.of(ByteString.fromArray(raw))))
        .hasMessage("malformed hello frame: handshake does not start with the magic \"FRRY\"");
  }

  @Test
  void theDecoderWaitsForMoreBytesWithoutFailing() throws Exception {
    ByteString block = FrameCodec.encode(new Frame.Block(1, 2, CID, ByteString.fromString("x")));

    assertThat(decode(List.of(FrameCodec.encode(HELLO), block.take(3), block.drop(3)))).hasSize(2);
  }

  @Test
  void aRevisionTravelsAsAnAddressThatNodesOfRevisionOneSkip() {
    Frame.Hello two =
        new Frame.Hello(1, FrameCodec.PROTOCOL, MAX, List.of("/ip4/1.2.3.4/tcp/1"), 2);

    Frame.Hello decoded = (Frame.Hello) FrameCodec.decode(FrameCodec.encode(two).drop(4));
    Frame.Hello old = (Frame.Hello) FrameCodec.decode(FrameCodec.encode(HELLO).drop(4));

    assertThat(decoded.revision()).isEqualTo(2);
    assertThat(decoded.returnsCredit()).isTrue();
    assertThat(decoded.listenAddrs()).containsExactly("/ip4/1.2.3.4/tcp/1");
    assertThat(old.revision()).isEqualTo(1);
    assertThat(old.returnsCredit()).isFalse();
    assertThat(FrameCodec.encode(two).utf8String()).contains("/ferry-revision/2");
    // a node of revision 1 parses each address and skips those it cannot parse
    assertThatThrownBy(() -> io.ferry.transport.identity.Multiaddr.parse("/ferry-revision/2"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCloseNamingItsRunGoesToANodeBeforeRevisionThreeAsTheCloseItKnows() throws Exception {
    Frame.Close named = new Frame.Close(CHANNEL, 77, "the sending peer failed");

    Frame old = FrameCodec.forRevision(named, 2);
    ByteString wire = FrameCodec.encode(old);

    assertThat(old).isEqualTo(new Frame.Close(CHANNEL, 0, "the sending peer failed"));
    assertThat(FrameCodec.forRevision(named, 3)).isEqualTo(named);
    assertThat(wire.apply(4)).isEqualTo(FrameCodec.CLOSE);
    assertThat(FrameCodec.encode(named).apply(4)).isEqualTo(FrameCodec.CLOSE_RUN);
    assertThat(decode(List.of(FrameCodec.encode(HELLO), wire), 2)).last().isEqualTo(old);
    // a node of revision 2 does not know the kind: it would drop the connection
    assertThatThrownBy(() -> decode(List.of(FrameCodec.encode(HELLO), FrameCodec.encode(named)), 2))
        .hasMessage("unknown frame kind 0x11");
  }

  @Test
  void aCloseOfRunZeroInTheKindThatNamesARunIsRefused() {
    ByteString body = FrameCodec.encode(new Frame.Close(CHANNEL, 5, "")).drop(4);
    byte[] raw = body.toArray();
    raw[raw.length - 1] = 0; // the run, one varint byte, is the last byte of an empty close

    assertThatThrownBy(() -> FrameCodec.decode(ByteString.fromArray(raw)))
        .hasMessageContaining("malformed close-run frame: it names run 0");
  }
}
