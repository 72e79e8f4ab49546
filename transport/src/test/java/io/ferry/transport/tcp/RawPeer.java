package io.ferry.transport.tcp;

import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.FrameCodec;
import io.ferry.transport.tcp.frame.FrameDecoder;
import io.ferry.transport.tcp.tls.TlsEngines;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.Done;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.util.ByteString;

/**
 * A misbehaving peer for tests: it authenticates like a node (TLS with a valid certificate for its
 * own key) and then sends whatever bytes the test wants, reading back the node's frames.
 */
final class RawPeer implements AutoCloseable {
  final NodeIdentity identity;
  private final BoundedSourceQueue<ByteString> out;
  private final SinkQueueWithCancel<Frame> in;
  private final CompletionStage<Done> closed;

  RawPeer(ActorSystem system, Multiaddr node) {
    this(system, node, NodeIdentity.generate());
  }

  /** A connection as {@code identity}: two raw peers with one identity are two connections. */
  RawPeer(ActorSystem system, Multiaddr node, NodeIdentity identity) {
    this(system, node, identity, 1);
  }

  /** As {@link #RawPeer(ActorSystem, Multiaddr, NodeIdentity)}, announcing {@code revision}. */
  RawPeer(ActorSystem system, Multiaddr node, NodeIdentity identity, int revision) {
    this.identity = identity;
    TlsEngines engines = new TlsEngines(identity, p -> true);
    var tls = TLS.create(engines::clientEngine, session -> {}, TLSClosing.eagerClose());
    CompletableFuture<Done> ended = new CompletableFuture<>();
    Flow<TLSProtocol.SslTlsInbound, Frame, org.apache.pekko.NotUsed> decode =
        Flow.of(TLSProtocol.SslTlsInbound.class)
            .map(i -> ((TLSProtocol.SessionBytes) i).bytes())
            .via(new FrameDecoder(64 << 20))
            .watchTermination(
                (m, done) -> {
                  done.whenComplete((d, e) -> ended.complete(Done.getInstance()));
                  return m;
                });
    Pair<BoundedSourceQueue<ByteString>, SinkQueueWithCancel<Frame>> queues =
        Source.<ByteString>queue(1024)
            .map(b -> (TLSProtocol.SslTlsOutbound) new TLSProtocol.SendBytes(b))
            .via(
                tls.join(
                    Tcp.get(system)
                        .outgoingConnection(
                            node.socketAddress(),
                            Optional.empty(),
                            List.of(),
                            true,
                            Optional.empty(),
                            Optional.empty())))
            .via(decode)
            .toMat(Sink.queue(), Keep.both())
            .run(system);
    this.out = queues.first();
    this.in = queues.second();
    this.closed = ended;
    send(
        FrameCodec.encode(
            new Frame.Hello(
                FrameCodec.VERSION, FrameCodec.PROTOCOL, 4 << 20, List.of(), revision)));
  }

  void send(ByteString bytes) {
    out.offer(bytes);
  }

  void send(Frame frame) {
    send(FrameCodec.encode(frame));
  }

  /** The next frame from the node that is not a ping, or empty if the connection ended. */
  Optional<Frame> next() throws Exception {
    while (true) {
      Optional<Frame> f = pull();
      if (f.isEmpty() || !(f.get() instanceof Frame.Ping || f.get() instanceof Frame.Pong)) {
        return f;
      }
    }
  }

  private Optional<Frame> pull() throws Exception {
    return in.pull().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /**
   * Pings the node and waits for its answer: the node has then handled every frame sent before on
   * this connection. Returns the other frames read meanwhile.
   */
  List<Frame> roundTrip(long nonce) throws Exception {
    send(new Frame.Ping(nonce));
    List<Frame> read = new ArrayList<>();
    while (true) {
      Frame f = pull().orElseThrow(() -> new AssertionError("connection ended"));
      if (f.equals(new Frame.Pong(nonce))) {
        return read;
      }
      read.add(f);
    }
  }

  /** The next frame of type {@code kind}, skipping others (such as credit). */
  <F extends Frame> F next(Class<F> kind) throws Exception {
    while (true) {
      Frame f = next().orElseThrow(() -> new AssertionError("connection ended"));
      if (kind.isInstance(f)) {
        return kind.cast(f);
      }
    }
  }

  /** Waits until the node closes the connection. */
  void awaitClosed() throws Exception {
    closed.toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    try {
      out.complete();
    } catch (IllegalStateException alreadyEnded) {
      // the connection ended first
    }
    in.cancel();
  }
}
