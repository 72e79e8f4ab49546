package io.ferry.transport.tcp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.PeerId;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.FrameCodec;
import io.ferry.transport.tcp.frame.FrameDecoder;
import io.ferry.transport.tcp.frame.FrameLayout;
import java.security.cert.CertificateException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.net.ssl.SSLSession;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two {@link TlsStage}s wired back to back in memory, one a client and one a server. */
class TlsStageTest {
  private static final NodeIdentity CLIENT = NodeIdentity.generate();
  private static final NodeIdentity SERVER = NodeIdentity.generate();
  private static ActorSystem system;

  @BeforeAll
  static void start() {
    system = ActorSystem.create("tls-stage-test");
  }

  @AfterAll
  static void stop() {
    system.terminate();
  }

  private static TlsEngines engines(NodeIdentity identity) {
    return new TlsEngines(identity, p -> true);
  }

  private static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> client(
      Consumer<SSLSession> verifier) {
    return BidiFlow.fromGraph(new TlsStage(engines(CLIENT)::clientEngine, verifier));
  }

  private static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> server(
      TlsEngines engines, Consumer<SSLSession> verifier) {
    return BidiFlow.fromGraph(new TlsStage(engines::serverEngine, verifier));
  }

  /** The client's plaintext flow through both stages to {@code serverApp} and back. */
  private static Flow<ByteString, ByteString, NotUsed> connect(
      BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> client,
      Flow<ByteString, ByteString, NotUsed> wire,
      BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> server,
      Flow<ByteString, ByteString, NotUsed> serverApp) {
    return client.atop(wireBidi(wire)).atop(server.reversed()).join(serverApp);
  }

  private static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> wireBidi(
      Flow<ByteString, ByteString, NotUsed> serverToClient) {
    return BidiFlow.fromFlows(Flow.of(ByteString.class), serverToClient);
  }

  private static ByteString random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return ByteString.fromArrayUnsafe(bytes);
  }

  private static PeerId peerOf(SSLSession session, NodeIdentity viewer) {
    try {
      return engines(viewer).remotePeer(session);
    } catch (CertificateException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void bothSidesAuthenticateEachOtherAndEightMibComeBackByteIdenticalInFewChunks()
      throws Exception {
    CompletableFuture<PeerId> clientSaw = new CompletableFuture<>();
    CompletableFuture<PeerId> serverSaw = new CompletableFuture<>();
    ByteString data = random(8 * 1024 * 1024 + 12345, 1);
    List<ByteString> pieces = new ArrayList<>();
    for (int at = 0, step = 1; at < data.size(); at += step, step = step * 3 % 300_007 + 1) {
      pieces.add(data.slice(at, Math.min(data.size(), at + step)));
    }

    AtomicLong total = new AtomicLong();
    List<ByteString> received =
        Source.from(pieces)
            .concat(Source.never()) // the client stays open until everything came back
            .via(
                connect(
                    client(s -> clientSaw.complete(peerOf(s, CLIENT))),
                    Flow.of(ByteString.class),
                    server(engines(SERVER), s -> serverSaw.complete(peerOf(s, SERVER))),
                    Flow.of(ByteString.class)))
            .takeWhile(b -> total.addAndGet(b.size()) < data.size(), true)
            .runWith(Sink.seq(), system)
            .toCompletableFuture()
            .get(60, TimeUnit.SECONDS);

    ByteString echoed = ByteString.emptyByteString();
    for (ByteString r : received) {
      echoed = echoed.concat(r);
    }
    assertThat(echoed.size()).isEqualTo(data.size());
    assertThat(echoed.equals(data)).as("bytes echoed unchanged").isTrue();
    assertThat(clientSaw.get(1, TimeUnit.SECONDS)).isEqualTo(SERVER.peerId());
    assertThat(serverSaw.get(1, TimeUnit.SECONDS)).isEqualTo(CLIENT.peerId());
    // 16 KiB records: 513 per direction; decrypted bytes leave a read at a time, not per record
    assertThat(received.size()).isLessThan(data.size() / (16 * 1024) / 4);
  }

  @Test
  void aFailingAuthenticationCallbackFailsTheStreamWithItsMessage() throws Exception {
    CompletableFuture<Throwable> serverSide = new CompletableFuture<>();
    Flow<ByteString, ByteString, NotUsed> serverApp =
        Flow.fromSinkAndSource(
            Sink.<ByteString>ignore()
                .mapMaterializedValue(done -> done.whenComplete((ok, e) -> serverSide.complete(e))),
            Source.<ByteString>never());

    CompletionStage<List<ByteString>> clientSide =
        Source.<ByteString>single(ByteString.fromString("hello"))
            .concat(Source.never())
            .via(
                connect(
                    client(s -> {}),
                    Flow.of(ByteString.class),
                    server(
                        engines(SERVER),
                        s -> {
                          throw new IllegalStateException("peer is not welcome here");
                        }),
                    serverApp))
            .runWith(Sink.seq(), system);

    assertThat(serverSide.get(30, TimeUnit.SECONDS))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("peer is not welcome here");
    // the client learns that the session ended (close_notify), and nothing was delivered
    assertThat(clientSide.toCompletableFuture().get(30, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void aCertificateTheTrustManagerRefusesFailsTheHandshakeOnBothSides() throws Exception {
    TlsEngines picky = new TlsEngines(SERVER, p -> false);
    CompletableFuture<Throwable> serverSide = new CompletableFuture<>();
    Flow<ByteString, ByteString, NotUsed> serverApp =
        Flow.fromSinkAndSource(
            Sink.<ByteString>ignore()
                .mapMaterializedValue(done -> done.whenComplete((ok, e) -> serverSide.complete(e))),
            Source.<ByteString>never());

    CompletionStage<List<ByteString>> clientSide =
        Source.<ByteString>single(ByteString.fromString("hello"))
            .concat(Source.never())
            .via(
                connect(
                    client(s -> {}), Flow.of(ByteString.class), server(picky, s -> {}), serverApp))
            .runWith(Sink.seq(), system);

    Throwable refused = serverSide.get(30, TimeUnit.SECONDS);
    assertThat(refused).isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
    assertThat(refused.getCause())
        .hasMessageContaining("peer " + CLIENT.peerId() + " is not on this node's allowlist");
    assertThatThrownBy(() -> clientSide.toCompletableFuture().get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .hasMessageContaining("alert");
  }

  @Test
  void aPeerThatClosesInsideARecordFailsTheStreamAsTruncated() {
    // the server's ciphertext reaches the client up to the middle of the first large element
    Flow<ByteString, ByteString, NotUsed> cut =
        Flow.of(ByteString.class)
            .takeWhile(b -> b.size() < 10_000, true)
            .map(b -> b.size() < 10_000 ? b : b.take(b.size() / 2));

    CompletionStage<List<ByteString>> clientSide =
        Source.single(random(200_000, 2))
            .concat(Source.never())
            .via(
                connect(
                    client(s -> {}),
                    cut,
                    server(engines(SERVER), s -> {}),
                    Flow.of(ByteString.class)))
            .runWith(Sink.seq(), system);

    assertThatThrownBy(() -> clientSide.toCompletableFuture().get(30, TimeUnit.SECONDS))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .hasMessage("the TLS session was truncated by the peer");
  }

  @Test
  void aSlowReaderBoundsWhatTheSenderProduces() throws Exception {
    int chunk = 1024 * 1024;
    int chunks = 64;
    AtomicLong produced = new AtomicLong();
    ByteString block = random(chunk, 3);
    Source<ByteString, NotUsed> source =
        Source.range(1, chunks)
            .concat(Source.never())
            .map(
                i -> {
                  produced.addAndGet(chunk);
                  return block;
                });

    SinkQueueWithCancel<ByteString> reader =
        source
            .via(
                connect(
                    client(s -> {}),
                    Flow.of(ByteString.class),
                    server(engines(SERVER), s -> {}),
                    Flow.of(ByteString.class)))
            .toMat(Sink.queue(1), Keep.right())
            .run(system);

    long consumed = 0;
    long mostAhead = 0;
    while (consumed < (long) chunk * chunks) {
      var next = reader.pull().toCompletableFuture().get(30, TimeUnit.SECONDS);
      assertThat(next).isPresent();
      consumed += next.get().size();
      mostAhead = Math.max(mostAhead, produced.get() - consumed);
    }
    reader.cancel();
    // in flight at most: a few MiB in the stages' buffers, never the whole 64 MiB
    assertThat(mostAhead).isLessThan(12L * chunk);
  }

  @Test
  void framesLaidOutByFrameLayoutArriveIntactWithLargeBlockBodiesInArraysOfTheirOwn()
      throws Exception {
    Random random = new Random(7);
    List<Frame> sent = new ArrayList<>();
    sent.add(new Frame.Hello(FrameCodec.VERSION, FrameCodec.PROTOCOL, 4 << 20, List.of()));
    int[] sizes = {0, 1, 100, 4095, 4096, 4097, 16_384, 70_000, 1 << 20, 3_000_000, 9};
    for (int round = 0; round < 4; round++) {
      for (int size : sizes) {
        byte[] data = new byte[size];
        random.nextBytes(data);
        sent.add(
            new Frame.Block(
                round, size, Cid.sha256(Multicodec.RAW, data), ByteString.fromArrayUnsafe(data)));
        sent.add(new Frame.Credit(round, size));
      }
    }
    // the network cuts the ciphertext anywhere: records split between reads, several per read
    Flow<ByteString, ByteString, NotUsed> rechunk =
        Flow.of(ByteString.class)
            .mapConcat(
                b -> {
                  List<ByteString> parts = new ArrayList<>();
                  for (int at = 0; at < b.size(); ) {
                    int n = 1 + random.nextInt(random.nextBoolean() ? 7 : 40_000);
                    parts.add(b.slice(at, Math.min(b.size(), at + n)));
                    at += n;
                  }
                  return parts;
                });
    List<Frame> received = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> all = new CompletableFuture<>();
    Flow<ByteString, ByteString, NotUsed> serverApp =
        Flow.fromSinkAndSource(
            Flow.of(ByteString.class)
                .via(new FrameDecoder(4 << 20))
                .to(
                    Sink.foreach(
                        f -> {
                          received.add(f);
                          if (received.size() == sent.size()) {
                            all.complete(null);
                          }
                        })),
            Source.<ByteString>never());
    BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> framedServer =
        BidiFlow.fromGraph(
            new TlsStage(engines(SERVER)::serverEngine, s -> {}, () -> new FrameLayout(4 << 20)));

    Source.from(sent)
        .map(FrameCodec::encode)
        .concat(Source.never())
        .via(
            client(s -> {})
                .atop(BidiFlow.fromFlows(rechunk, Flow.of(ByteString.class)))
                .atop(framedServer.reversed())
                .join(serverApp))
        .runWith(Sink.ignore(), system);
    all.get(60, TimeUnit.SECONDS);

    assertThat(received).hasSameSizeAs(sent);
    for (int i = 0; i < sent.size(); i++) {
      if (sent.get(i) instanceof Frame.Block b) {
        Frame.Block got = (Frame.Block) received.get(i);
        assertThat(got.cid()).isEqualTo(b.cid());
        assertThat(got.index()).isEqualTo(b.index());
        assertThat(got.data().equals(b.data())).as("block %d bytes", i).isTrue();
        if (b.data().size() >= TlsStage.OWN_ARRAY) {
          // the bytes are one array of their own: taking them as an array copies nothing
          assertThat(got.data().compact().toArrayUnsafe())
              .as("block of %d bytes", b.data().size())
              .hasSize(b.data().size())
              .isSameAs(got.data().compact().toArrayUnsafe());
        }
      } else {
        assertThat(received.get(i)).isEqualTo(sent.get(i));
      }
    }
  }
}
