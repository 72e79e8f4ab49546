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
 * A hostile peer on a plain blocking socket: it completes the TLS handshake as a node would, then
 * only writes, never reading what the node answers (its receive buffer is kept small, so the node's
 * answers back up into the node at once). {@link RawPeer} cannot do this: its TLS stage stops
 * sending when its reads are not taken.
 */
final class DeafPeer implements AutoCloseable {
  private final SocketChannel socket;
  private final SSLEngine engine;
  private final ByteBuffer netOut;

  DeafPeer(Multiaddr node) throws IOException {
    socket = SocketChannel.open();
    // Small, so the node's answers back up into the node soon; not so small that the kernel drops
    // the node's segments whole (acknowledgements included) and this side's writes stall.
    socket.setOption(StandardSocketOptions.SO_RCVBUF, 256 << 10);
    socket.connect(node.socketAddress());
    engine = new TlsEngines(NodeIdentity.generate(), p -> true).clientEngine();
    netOut = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    handshake();
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
      socket.write(netOut);
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
