package io.ferry.transport.tcp.link;

import io.ferry.channels.PeerId;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.FrameCodec;
import io.ferry.transport.tcp.frame.FrameDecoder;
import io.ferry.transport.tcp.frame.FrameLayout;
import io.ferry.transport.tcp.frame.InboundBlock;
import io.ferry.transport.tcp.tls.TlsEngines;
import io.ferry.transport.tcp.tls.TlsStage;
import java.net.InetSocketAddress;
import java.security.cert.CertificateException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.stream.KillSwitches;
import org.apache.pekko.stream.TLSClosing;
import org.apache.pekko.stream.TLSProtocol;
import org.apache.pekko.stream.javadsl.BidiFlow;
import org.apache.pekko.stream.javadsl.Flow;
import org.apache.pekko.stream.javadsl.Keep;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.TLS;
import org.apache.pekko.stream.javadsl.Tcp;
import org.apache.pekko.stream.typed.javadsl.ActorSink;
import org.apache.pekko.util.ByteString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds connections: TCP, then TLS 1.3 with peer authentication, then frames. Outgoing frames come
 * from the connection's {@link Outbox} (with a ping when idle); incoming bytes are cut into frames,
 * block frames are hashed on the hashing pool, and everything goes, with backpressure, to the
 * session of the authenticated peer.
 */
public final class Connector {
  private static final Logger log = LoggerFactory.getLogger(Connector.class);

  /** System property choosing the TLS layer: {@code ferry} (the default) or {@code pekko}. */
  public static final String TLS_ENGINE = "ferry.tcp.tls-engine";

  private static final ByteString PING = FrameCodec.encode(new Frame.Ping(0));

  private final ActorSystem<?> system;
  private final TlsEngines engines;
  private final TcpSettings settings;
  private final PeerId self;
  private final Executor hashPool;
  private final Function<PeerId, ActorRef<SessionCommand>> sessions;
  private final AtomicLong ids = new AtomicLong();
  private volatile List<String> listenAddrs = List.of();
  private volatile Tcp.ServerBinding binding;

  public Connector(
      ActorSystem<?> system,
      TlsEngines engines,
      TcpSettings settings,
      PeerId self,
      Executor hashPool,
      Function<PeerId, ActorRef<SessionCommand>> sessions) {
    this.system = system;
    this.engines = engines;
    this.settings = settings;
    this.self = self;
    this.hashPool = hashPool;
    this.sessions = sessions;
  }

  /** The addresses announced in our handshake. */
  public void announce(List<String> addrs) {
    this.listenAddrs = List.copyOf(addrs);
  }

  /** Accepts connections at {@code address}; completes with the address actually bound. */
  public CompletionStage<InetSocketAddress> bind(Multiaddr address) {
    InetSocketAddress at = address.socketAddress();
    return Tcp.get(system)
        .bind(at.getHostString(), at.getPort(), 128, List.of(), false, Optional.empty())
        .to(Sink.foreach(this::accept))
        .run(system)
        .thenApply(
            b -> {
              binding = b;
              return b.localAddress();
            });
  }

  /** Stops accepting connections. */
  public void unbind() {
    Tcp.ServerBinding b = binding;
    if (b != null) {
      b.unbind();
    }
  }

  private void accept(Tcp.IncomingConnection incoming) {
    Connection c = newConnection(false, incoming.remoteAddress());
    log.debug("accepted {}", c);
    incoming.handleWith(pipeline(c, null, null), system);
  }

  /**
   * Dials {@code address}, expecting {@code expected} there; failures before the handshake is done
   * are reported to {@code session} as {@link SessionCommand.DialFailed}.
   */
  public Connection dial(Multiaddr address, PeerId expected, ActorRef<SessionCommand> session) {
    InetSocketAddress at = address.socketAddress();
    Connection c = newConnection(true, at);
    log.debug("dialing {} ({})", address, c);
    CompletionStage<Tcp.OutgoingConnection> connected =
        Tcp.get(system)
            .outgoingConnection(
                at,
                Optional.ofNullable(settings.dialFrom())
                    .map(host -> new InetSocketAddress(host, 0)),
                List.of(),
                true,
                Optional.of(settings.connectTimeout()),
                Optional.empty())
            .joinMat(pipeline(c, expected, session), Keep.left())
            .run(system);
    connected.whenComplete(
        (ok, error) -> {
          if (error != null) {
            session.tell(new SessionCommand.DialFailed(c, error));
          }
        });
    return c;
  }

  private Connection newConnection(boolean dialed, InetSocketAddress remote) {
    long id = ids.incrementAndGet();
    Connection c =
        new Connection(
            id,
            dialed,
            remote,
            new Outbox(),
            KillSwitches.shared("ferry-connection-" + id),
            KillSwitches.shared("ferry-socket-" + id));
    c.outbox.offerControl(
        FrameCodec.encode(
            new Frame.Hello(
                FrameCodec.VERSION,
                FrameCodec.PROTOCOL,
                settings.maxFrameSize(),
                listenAddrs,
                settings.revision())));
    return c;
  }

  private Flow<ByteString, ByteString, NotUsed> pipeline(
      Connection c, PeerId expected, ActorRef<SessionCommand> dialer) {
    Supplier<SSLEngine> engine = c.dialed ? engines::clientEngine : engines::serverEngine;
    Source<ByteString, NotUsed> out =
        Source.fromGraph(c.outbox.source())
            .keepAlive(settings.keepAliveInterval(), () -> PING)
            .via(c.killSwitch.flow());
    AtomicBoolean delivered = new AtomicBoolean();
    Sink<ByteString, NotUsed> in =
        Flow.of(ByteString.class)
            .via(c.killSwitch.flow())
            .initialTimeout(settings.connectTimeout())
            .idleTimeout(settings.idleTimeout())
            .via(new FrameDecoder(settings.maxFrameSize(), settings.revision()))
            .mapAsync(settings.hashThreads(), this::verify)
            .watchTermination(
                (mat, done) -> {
                  done.whenComplete(
                      (ok, error) -> {
                        // Inbound ended: end the outbound side too (the two are not coupled, so
                        // that a TLS failure reaches this side as the failure it is).
                        c.outbox.close();
                        if (!delivered.get()) {
                          beforeSession(c, dialer, error);
                        }
                      });
                  return mat;
                })
            .to(
                Sink.lazyCompletionStageSink(
                    () -> {
                      delivered.set(true);
                      ActorRef<SessionCommand> target = sessions.apply(c.peer());
                      return CompletableFuture.completedFuture(
                          ActorSink
                              .<Object, SessionCommand, SessionCommand.Ack>actorRefWithBackpressure(
                                  target,
                                  (ack, element) -> new SessionCommand.Inbound(c, element, ack),
                                  ack -> new SessionCommand.Attached(c, ack),
                                  SessionCommand.Ack.INSTANCE,
                                  new SessionCommand.Detached(c, null),
                                  error -> new SessionCommand.Detached(c, error)));
                    }))
            .mapMaterializedValue(m -> NotUsed.getInstance());
    Consumer<SSLSession> verifier = session -> authenticate(c, session, expected);
    // The socket switch sits below TLS: it ends the connection without waiting for TLS to flush its
    // close to a peer that reads nothing.
    return Flow.of(ByteString.class)
        .via(c.socketSwitch.flow())
        .via(
            tls(engine, verifier, settings.maxFrameSize())
                .reversed()
                .join(Flow.fromSinkAndSource(in, out)))
        .via(c.socketSwitch.flow());
  }

  /**
   * The TLS layer: Ferry's own {@link TlsStage}, or Pekko's TLS when the system property {@value
   * #TLS_ENGINE} is {@code pekko} (kept for comparison).
   */
  private static BidiFlow<ByteString, ByteString, ByteString, ByteString, NotUsed> tls(
      Supplier<SSLEngine> engine, Consumer<SSLSession> verifier, int maxFrameSize) {
    if ("pekko".equals(System.getProperty(TLS_ENGINE, "ferry"))) {
      return BidiFlow.fromFlows(
              Flow.of(ByteString.class)
                  .map(b -> (TLSProtocol.SslTlsOutbound) new TLSProtocol.SendBytes(b)),
              Flow.of(TLSProtocol.SslTlsInbound.class).map(Connector::unwrap))
          .atop(TLS.create(engine, verifier::accept, TLSClosing.eagerClose()));
    }
    return BidiFlow.fromGraph(new TlsStage(engine, verifier, () -> new FrameLayout(maxFrameSize)));
  }

  private CompletionStage<Object> verify(Object frame) {
    if (frame instanceof Frame.Block b) {
      return CompletableFuture.supplyAsync(() -> InboundBlock.verify(b), hashPool);
    }
    return CompletableFuture.completedFuture(frame);
  }

  private void authenticate(Connection c, SSLSession session, PeerId expected) {
    PeerId peer;
    try {
      peer = engines.remotePeer(session);
    } catch (CertificateException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
    if (expected != null && !peer.equals(expected)) {
      throw new IllegalStateException("dialed " + expected + " but the peer presented " + peer);
    }
    if (peer.equals(self)) {
      throw new IllegalStateException("connected to itself (" + self + ")");
    }
    c.authenticated(peer);
  }

  private static ByteString unwrap(TLSProtocol.SslTlsInbound in) {
    if (in instanceof TLSProtocol.SessionBytes bytes) {
      return bytes.bytes();
    }
    throw new IllegalStateException("the TLS session was truncated by the peer");
  }

  /** A connection that ended before any frame reached a session: a failed dial or a refusal. */
  private void beforeSession(Connection c, ActorRef<SessionCommand> dialer, Throwable error) {
    String why = describe(error, settings);
    if (dialer != null) {
      dialer.tell(new SessionCommand.DialFailed(c, new IllegalStateException(why, error)));
    } else {
      log.warn("refused connection from {}: {}", c.remote, why);
    }
  }

  /** A readable reason for a connection's end. */
  public static String describe(Throwable error, TcpSettings settings) {
    if (error == null) {
      return "closed by the peer";
    }
    Throwable t = error;
    while (t.getCause() != null
        && (t instanceof java.util.concurrent.CompletionException
            || t.getMessage() == null
            || t instanceof javax.net.ssl.SSLHandshakeException && t.getCause() != null)) {
      t = t.getCause();
    }
    if (t instanceof TimeoutException && String.valueOf(t.getMessage()).contains("No elements")) {
      return "no frame from the peer for " + settings.idleTimeout().toSeconds() + " s";
    }
    if (t instanceof TimeoutException) {
      return "handshake did not complete within " + settings.connectTimeout().toSeconds() + " s";
    }
    String dial = failedDial(t, settings);
    if (dial != null) {
      return dial;
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }

  /**
   * Pekko's "Tcp command [Connect(/127.0.0.1:7772,None,List(),Some(10 seconds),true)] failed
   * because of java.net.ConnectException: Connection refused" in the user's words; null for other
   * errors.
   */
  private static String failedDial(Throwable t, TcpSettings settings) {
    String m = String.valueOf(t.getMessage());
    if (!m.startsWith("Tcp command [Connect(")) {
      return null;
    }
    int start = m.indexOf('/') + 1;
    int end = m.indexOf(',', start);
    String where = start > 0 && end > start ? m.substring(start, end) : "the peer";
    String because = m.contains(" because of ") ? m.substring(m.indexOf(" because of ") + 12) : "";
    if (because.contains("Connection refused")) {
      return "connection refused at "
          + where
          + ": nothing listens there (is the peer running, and is the port right?)";
    }
    if (because.contains("timed out") || because.contains("Connect timeout")) {
      return "no answer from "
          + where
          + " within "
          + settings.connectTimeout().toSeconds()
          + " s (is the address right, and does a firewall let it through?)";
    }
    String reason = because.replaceFirst("^[a-z.]+\\.([A-Z][A-Za-z]*Exception): ?", "");
    return "cannot reach " + where + (reason.isEmpty() ? "" : ": " + reason);
  }
}
