package io.ferry.transport.tcp.tls;

import io.ferry.transport.identity.NodeIdentity;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the data path's cryptography through the JIT before the first transfer: a TLS 1.3 session
 * between two engines in memory (the suites and JDK classes a connection uses) moves {@code bytes}
 * of records each way, and SHA-256 hashes them, as a receiver checks blocks. Until C2 compiles
 * them, AES-GCM and SHA-256 run as interpreted Java (the first pull of a fresh pair spent most of
 * its time there, docs/benchmarks.md); done at start, on one low-priority daemon thread, that cost
 * is paid before a user waits on a transfer. Best effort: a failure is logged and changes nothing.
 */
public final class TlsWarmUp {
  private static final Logger log = LoggerFactory.getLogger(TlsWarmUp.class);
  private static final int CHUNK = 16 * 1024;

  private TlsWarmUp() {}

  /** Starts the warm-up of {@code bytes} on a daemon thread; nothing when {@code bytes <= 0}. */
  public static void startInBackground(long bytes) {
    if (bytes <= 0) {
      return;
    }
    Thread t = new Thread(() -> runLogged(bytes), "ferry-crypto-warm-up");
    t.setDaemon(true);
    t.setPriority(Thread.MIN_PRIORITY);
    t.start();
  }

  private static void runLogged(long bytes) {
    long t0 = System.nanoTime();
    try {
      run(bytes);
      log.debug(
          "crypto warm-up: {} bytes through TLS and SHA-256 in {} ms",
          bytes,
          (System.nanoTime() - t0) / 1_000_000);
    } catch (Exception | LinkageError e) {
      log.debug("crypto warm-up stopped: {}", e.toString());
    }
  }

  /**
   * Moves {@code bytes} of application data through a TLS 1.3 session in memory, each way, hashing
   * each chunk; returns the number of plaintext bytes that came out (twice {@code bytes}, rounded
   * up to whole chunks).
   */
  static long run(long bytes) throws SSLException, NoSuchAlgorithmException {
    TlsEngines engines =
        new TlsEngines(PeerCertificate.generate(NodeIdentity.generate()), p -> true);
    SSLEngine client = engines.clientEngine();
    SSLEngine server = engines.serverEngine();
    int net = client.getSession().getPacketBufferSize();
    int app = client.getSession().getApplicationBufferSize();
    ByteBuffer toServer = ByteBuffer.allocate(net);
    ByteBuffer toClient = ByteBuffer.allocate(net);
    ByteBuffer plain = ByteBuffer.allocate(Math.max(app, CHUNK));
    ByteBuffer nothing = ByteBuffer.allocate(0);
    client.beginHandshake();
    server.beginHandshake();
    for (int round = 0; round < 100 && !(done(client) && done(server)); round++) {
      step(client, nothing, toServer, toClient, plain);
      step(server, nothing, toClient, toServer, plain);
    }
    if (!(done(client) && done(server))) {
      throw new SSLException("the in-memory handshake did not finish");
    }
    MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
    byte[] chunk = new byte[CHUNK];
    new SplittableRandom(1).nextBytes(chunk);
    long out = 0;
    for (long moved = 0; moved < bytes; moved += CHUNK) {
      out += pass(client, server, chunk, toServer, plain, sha256);
      out += pass(server, client, chunk, toClient, plain, sha256);
    }
    return out;
  }

  private static boolean done(SSLEngine e) {
    SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
    return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING
        || s == SSLEngineResult.HandshakeStatus.FINISHED;
  }

  /** One handshake step of {@code e}: reads what the peer sent, writes what it has to send. */
  private static void step(
      SSLEngine e, ByteBuffer nothing, ByteBuffer out, ByteBuffer in, ByteBuffer plain)
      throws SSLException {
    for (int i = 0; i < 20; i++) {
      SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
      if (s == SSLEngineResult.HandshakeStatus.NEED_TASK) {
        Runnable task;
        while ((task = e.getDelegatedTask()) != null) {
          task.run();
        }
      } else if (s == SSLEngineResult.HandshakeStatus.NEED_WRAP) {
        e.wrap(nothing, out);
      } else if (s == SSLEngineResult.HandshakeStatus.NEED_UNWRAP) {
        in.flip();
        SSLEngineResult r = e.unwrap(in, plain);
        in.compact();
        plain.clear();
        if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW || r.bytesConsumed() == 0) {
          return;
        }
      } else {
        return;
      }
    }
  }

  /**
   * Sends one chunk from {@code from} to {@code to} and hashes what arrived; {@code wire} (in write
   * mode) keeps records not read yet, such as a session ticket sent after the handshake.
   */
  private static long pass(
      SSLEngine from,
      SSLEngine to,
      byte[] chunk,
      ByteBuffer wire,
      ByteBuffer plain,
      MessageDigest sha256)
      throws SSLException {
    ByteBuffer src = ByteBuffer.wrap(chunk);
    plain.clear();
    while (src.hasRemaining()) {
      from.wrap(src, wire);
      wire.flip();
      while (wire.hasRemaining()) {
        SSLEngineResult r = to.unwrap(wire, plain);
        if (r.bytesConsumed() == 0) {
          break;
        }
      }
      wire.compact();
    }
    plain.flip();
    sha256.update(plain);
    sha256.digest();
    return plain.limit();
  }
}
