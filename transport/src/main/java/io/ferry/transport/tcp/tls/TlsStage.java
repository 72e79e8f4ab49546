package io.ferry.transport.tcp.tls;

import java.nio.ByteBuffer;
import java.util.function.Consumer;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLEngineResult.Status;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.BidiShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * TLS as a bidirectional stage driving one {@link SSLEngine} directly: plaintext from the
 * application ({@code plainIn}) leaves encrypted ({@code cipherOut}); bytes from the network
 * ({@code cipherIn}) arrive decrypted ({@code plainOut}). It works a socket read at a time, not a
 * record at a time: every complete record of a read is decrypted in one loop, in place in the
 * read's own array, and queued plaintext is encrypted together into one array. Decrypted bytes are
 * handed on as one {@link ByteString} per read or, given a {@link PlaintextLayout}, unit by unit,
 * large unit bodies decrypted straight into arrays of their own.
 *
 * <p>Once the handshake finishes, {@code verifier} gets the session before any application byte
 * passes in either direction; if it throws, the session is closed and {@code plainOut} fails with
 * its exception. Closing is eager: when the application's plaintext ends or its reader cancels, a
 * close_notify is sent and the stage completes; when the peer's close_notify arrives, the stage
 * answers it and completes. A connection that ends without one fails {@code plainOut} ("the TLS
 * session was truncated by the peer"). A TLS error fails {@code plainOut} with the engine's
 * exception after the alert the engine produced has been sent.
 */
public final class TlsStage
    extends GraphStage<BidiShape<ByteString, ByteString, ByteString, ByteString>> {
  /** Plaintext bytes encrypted together at most (one emitted element of ciphertext). */
  static final int MAX_WRAP = 512 * 1024;

  /** Unit bodies from this size on get an array of their own (see {@link PlaintextLayout}). */
  public static final int OWN_ARRAY = 4096;

  private final Inlet<ByteString> plainIn = Inlet.create("TlsStage.plainIn");
  private final Outlet<ByteString> cipherOut = Outlet.create("TlsStage.cipherOut");
  private final Inlet<ByteString> cipherIn = Inlet.create("TlsStage.cipherIn");
  private final Outlet<ByteString> plainOut = Outlet.create("TlsStage.plainOut");
  private final BidiShape<ByteString, ByteString, ByteString, ByteString> shape =
      BidiShape.of(plainIn, cipherOut, cipherIn, plainOut);
  private final Supplier<SSLEngine> engines;
  private final Consumer<SSLSession> verifier;
  private final Supplier<PlaintextLayout> layouts;

  /**
   * A stage using a fresh engine from {@code engines} per materialization and checking each
   * established session with {@code verifier}; decrypted bytes are handed on a read at a time.
   */
  public TlsStage(Supplier<SSLEngine> engines, Consumer<SSLSession> verifier) {
    this(engines, verifier, () -> null);
  }

  /**
   * A stage as above whose decrypted bytes are laid out by a fresh layout from {@code layouts} per
   * materialization (null: a read at a time).
   */
  public TlsStage(
      Supplier<SSLEngine> engines,
      Consumer<SSLSession> verifier,
      Supplier<PlaintextLayout> layouts) {
    this.engines = engines;
    this.verifier = verifier;
    this.layouts = layouts;
  }

  @Override
  public BidiShape<ByteString, ByteString, ByteString, ByteString> shape() {
    return shape;
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new Logic();
  }

  private final class Logic extends GraphStageLogic {
    private final SSLEngine engine = engines.get();
    private final PendingPlaintext pending = new PendingPlaintext();
    private final InboundBuffers inbound = new InboundBuffers();
    private final PlaintextAssembler plain = new PlaintextAssembler(layouts.get());
    private ByteBuffer handshakeOut = ByteBuffer.allocate(0);
    private ByteString plainReady;
    private boolean verified;
    private boolean plainDone;
    private boolean cipherDone;
    private boolean closing;
    private boolean outClosed;
    private boolean failed;

    Logic() {
      super(shape);
      setHandler(
          plainIn,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              pending.add(grab(plainIn));
              pump();
            }

            @Override
            public void onUpstreamFinish() {
              plainDone = true;
              pump();
            }
          });
      setHandler(
          cipherOut,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              pump();
            }

            @Override
            public void onDownstreamFinish(Throwable cause) {
              // the network takes nothing more; what the peer still sends is read to its end
              outClosed = true;
              handshakeOut = ByteBuffer.allocate(0);
              pending.clear();
              if (!isClosed(plainIn)) {
                cancel(plainIn);
              }
              pump();
            }
          });
      setHandler(
          cipherIn,
          new AbstractInHandler() {
            @Override
            public void onPush() {
              inbound.append(grab(cipherIn));
              pump();
            }

            @Override
            public void onUpstreamFinish() {
              cipherDone = true;
              pump();
            }
          });
      setHandler(
          plainOut,
          new AbstractOutHandler() {
            @Override
            public void onPull() {
              pump();
            }

            @Override
            public void onDownstreamFinish(Throwable cause) {
              plainDone = true;
              pending.clear();
              pump();
            }
          });
    }

    @Override
    public void preStart() {
      try {
        engine.beginHandshake();
      } catch (SSLException e) {
        fail(e);
        return;
      }
      pump();
    }

    /** Does everything that can be done now; called after every event. */
    private void pump() {
      if (failed) {
        return;
      }
      try {
        boolean progress = true;
        while (progress && !failed) {
          progress = handshakeStep() || readStep() || writeStep() || closeStep();
        }
        if (!failed) {
          deliverAndDemand();
        }
      } catch (SSLException e) {
        fail(e);
      } catch (RuntimeException e) {
        // the verifier refused the session: close it and report why
        engine.closeOutbound();
        fail(e);
      }
    }

    /** Runs tasks and produces handshake (or post-handshake) records; true if it did something. */
    private boolean handshakeStep() throws SSLException {
      if (outClosed) {
        return false;
      }
      HandshakeStatus hs = engine.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK) {
        Runnable task;
        while ((task = engine.getDelegatedTask()) != null) {
          task.run();
        }
        return true;
      }
      if (hs == HandshakeStatus.NEED_WRAP && !handshakeOut.hasRemaining()) {
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
        handshakeOut = out.flip();
        afterOperation(r);
        return r.bytesProduced() > 0 || r.getHandshakeStatus() != HandshakeStatus.NEED_WRAP;
      }
      if (handshakeOut.hasRemaining() && isAvailable(cipherOut)) {
        push(cipherOut, ByteString.fromByteBuffer(handshakeOut));
        handshakeOut = ByteBuffer.allocate(0);
        return true;
      }
      return false;
    }

    /** Decrypts every complete record received; true if it consumed any. */
    private boolean readStep() throws SSLException {
      if (plainReady != null || !inbound.cipher().hasRemaining() || engine.isInboundDone()) {
        return false;
      }
      HandshakeStatus hs = engine.getHandshakeStatus();
      if (hs == HandshakeStatus.NEED_TASK || hs == HandshakeStatus.NEED_WRAP) {
        return false;
      }
      int room = engine.getSession().getApplicationBufferSize();
      boolean consumed = false;
      long produced = 0;
      Status status = Status.OK;
      ByteBuffer netIn;
      while ((netIn = inbound.cipher()).hasRemaining()) {
        ByteBuffer[] dsts = plain.targets(room);
        SSLEngineResult r = engine.unwrap(netIn, dsts);
        plain.filled(dsts);
        consumed |= r.bytesConsumed() > 0;
        produced += r.bytesProduced();
        status = r.getStatus();
        afterOperation(r);
        HandshakeStatus next = r.getHandshakeStatus();
        if (status != Status.OK
            || r.bytesConsumed() == 0 && r.bytesProduced() == 0
            || next == HandshakeStatus.NEED_TASK
            || next == HandshakeStatus.NEED_WRAP) {
          break; // underflow: a partial record; closed: close_notify; or the handshake's turn
        }
      }
      if (produced == 0 && status == Status.BUFFER_OVERFLOW) {
        throw new SSLException("a record does not fit " + room + " bytes of plaintext");
      }
      if (produced > 0 && !verified) {
        throw new SSLException("application data arrived before the handshake was finished");
      }
      plainReady = plain.take();
      return consumed;
    }

    /** Encrypts the queued plaintext into one element when the network takes one. */
    private boolean writeStep() throws SSLException {
      if (!verified || pending.isEmpty() || !isAvailable(cipherOut) || closing) {
        return false;
      }
      if (engine.getHandshakeStatus() != HandshakeStatus.NOT_HANDSHAKING
          || handshakeOut.hasRemaining()) {
        return false; // a post-handshake message goes first
      }
      ByteString ciphertext = pending.wrap(engine, this::afterOperation);
      if (ciphertext == null) {
        return false;
      }
      push(cipherOut, ciphertext);
      return true;
    }

    /** Sends close_notify once the application is done or the peer sent its own. */
    private boolean closeStep() throws SSLException {
      boolean peerClosed = engine.isInboundDone();
      boolean appClosed = plainDone && pending.isEmpty();
      if (!(appClosed || peerClosed)) {
        return false;
      }
      if (!closing) {
        closing = true;
        engine.closeOutbound();
        return true;
      }
      boolean flushed = outClosed || engine.isOutboundDone() && !handshakeOut.hasRemaining();
      if (flushed && !(peerClosed && plainReady != null)) {
        failed = true; // nothing more to do
        completeStage(); // after the peer's last bytes were delivered
      }
      return false;
    }

    private void afterOperation(SSLEngineResult r) {
      if (!verified
          && (r.getHandshakeStatus() == HandshakeStatus.FINISHED
              || engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING
                  && !engine.isOutboundDone()
                  && !engine.isInboundDone())) {
        verified = true;
        verifier.accept(engine.getSession());
      }
    }

    /** Hands decrypted bytes on and asks for more input where there is room for it. */
    private void deliverAndDemand() {
      if (plainReady != null && isAvailable(plainOut)) {
        push(plainOut, plainReady);
        plainReady = null;
        pump();
        return;
      }
      if (isClosed(cipherIn) || cipherDone) {
        if (cipherDone && plainReady == null && !engine.isInboundDone()) {
          fail(new IllegalStateException("the TLS session was truncated by the peer"));
        } else if (engine.isInboundDone() && plainReady == null && !isClosed(plainOut)) {
          complete(plainOut);
        }
      } else if (plainReady == null && !hasBeenPulled(cipherIn) && !engine.isInboundDone()) {
        pull(cipherIn);
      }
      if (!plainDone
          && !isClosed(plainIn)
          && !hasBeenPulled(plainIn)
          && pending.bytes() < MAX_WRAP
          && engine.getHandshakeStatus() == HandshakeStatus.NOT_HANDSHAKING) {
        pull(plainIn);
      }
    }

    /**
     * Fails the application's side with {@code error} after sending what the engine has to say (an
     * alert or close_notify), so that the peer learns why.
     */
    private void fail(Throwable error) {
      if (failed) {
        return;
      }
      failed = true;
      ByteString goodbye = ByteString.emptyByteString();
      try {
        engine.closeOutbound();
        ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        while (!engine.isOutboundDone() && out.remaining() > 0) {
          SSLEngineResult r = engine.wrap(ByteBuffer.allocate(0), out);
          if (r.bytesProduced() == 0) {
            break;
          }
        }
        goodbye =
            ByteString.fromByteBuffer(handshakeOut).concat(ByteString.fromByteBuffer(out.flip()));
      } catch (SSLException | RuntimeException e) {
        // nothing more to send
      }
      if (!isClosed(plainOut)) {
        fail(plainOut, error);
      }
      if (!isClosed(plainIn)) {
        cancel(plainIn);
      }
      if (!isClosed(cipherIn)) {
        cancel(cipherIn);
      }
      if (!isClosed(cipherOut)) {
        if (goodbye.isEmpty()) {
          complete(cipherOut);
        } else {
          emit(cipherOut, goodbye, () -> completeStage());
        }
      }
    }
  }
}
