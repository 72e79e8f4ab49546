package io.ferry.transport.tcp;

import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.tls.TlsEngines;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

/**
 * A hostile peer on a plain socket: it completes the TLS handshake as a node would, then writes as
 * fast as it can and reads (and drops) at most {@link #READ_PER_WRITE} bytes per write, far less
 * than the node answers, so the answers back up into the node. It reads a little rather than
 * nothing: a socket whose receive queue stays full loses the segments that carry the node's
 * acknowledgements, and then its own writes stall. {@link RawPeer} cannot do this: its TLS stage
 * stops sending when its reads are not taken.
 */
final class DeafPeer implements AutoCloseable {
  private static final int READ_PER_WRITE = 4096;

  private final SocketChannel socket;
  private final SSLEngine engine;

  private final ByteBuffer netOut;
  private final ByteBuffer dropped = ByteBuffer.allocate(READ_PER_WRITE);

  DeafPeer(Multiaddr node) throws IOException {
    socket = SocketChannel.open();
    socket.setOption(StandardSocketOptions.SO_RCVBUF, 256 << 10);
    socket.connect(node.socketAddress());
    engine = new TlsEngines(NodeIdentity.generate(), p -> true).clientEngine();
    netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    handshake();
    socket.configureBlocking(false);
  }

  private void handshake() throws IOException {
    ByteBuffer netIn = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    ByteBuffer appIn = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize());
    ByteBuffer empty = ByteBuffer.allocate(0);
    engine.beginHandshake();
    HandshakeStatus status = engine.getHandshakeStatus();
    while (status != HandshakeStatus.FINISHED && status != HandshakeStatus.NOT_HANDSHAKING) {
      switch (status) {
        case NEED_WRAP -> {
          netOut.clear();
          status = engine.wrap(empty, netOut).getHandshakeStatus();
          flush();
        }
        case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
          SSLEngineResult r = engine.unwrap(netIn.flip(), appIn);
          netIn.compact();
          status = r.getHandshakeStatus();
          if (r.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW && socket.read(netIn) < 0) {
            throw new IOException("the node closed the connection during the handshake");
          }
        }
        case NEED_TASK -> {
          Runnable task;
          while ((task = engine.getDelegatedTask()) != null) {
            task.run();
          }
          status = engine.getHandshakeStatus();
        }
        default -> throw new IOException("unexpected handshake status " + status);
      }
    }
  }

  private void flush() throws IOException {
    netOut.flip();
    while (netOut.hasRemaining()) {
      if (socket.write(netOut) == 0) {
        Thread.onSpinWait();
      }
    }
  }

  private void readALittle() throws IOException {
    dropped.clear();
    if (socket.read(dropped) < 0) {
      throw new IOException("the node closed the connection");
    }
  }

  /**
   * Writes {@code plain} through TLS; false once the node closed the connection (the write failed).
   */
  boolean write(byte[] plain) {
    ByteBuffer in = ByteBuffer.wrap(plain);
    try {
      while (in.hasRemaining()) {
        netOut.clear();
        engine.wrap(in, netOut);
        flush();
      }
      readALittle();
      return true;
    } catch (IOException closed) {
      return false;
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
