package io.ferry.bench.transport;

import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.tls.PeerCertificate;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The baselines: the thinnest verified pipe in plain Java. A sender writes frames {@code [u32
 * length][32-byte SHA-256][block]} of the same 1 MiB blocks the transport moves over a JDK socket
 * (TLS 1.3 with TLS_AES_128_GCM_SHA256, or plain TCP); the receiver reads each block completely,
 * hashes it with the JDK's SHA-256 and compares. Blocks and their hashes are prepared before the
 * clock starts, as a block store with CIDs would hold them. The sender runs in its own JVM: {@code
 * SocketBaseline PORT tls|plain SIZE_MIB SEED}.
 */
public final class SocketBaseline {
  private static final int BUFFER = 4 << 20;
  private static final String SUITE = "TLS_AES_128_GCM_SHA256";

  private SocketBaseline() {}

  /** The sending side (child JVM). */
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    boolean tls = args[1].equals("tls");
    byte[][] blocks = Content.blocks(Long.parseLong(args[2]) << 20, Integer.parseInt(args[3]));
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    byte[][] hashes = new byte[blocks.length][];
    for (int i = 0; i < blocks.length; i++) {
      hashes[i] = sha.digest(blocks[i]);
    }
    int warm = Integer.parseInt(args[4]);
    try (Socket s = tls ? tlsClient(port) : new Socket(InetAddress.getLoopbackAddress(), port)) {
      s.setSendBufferSize(BUFFER);
      DataOutputStream out =
          new DataOutputStream(new BufferedOutputStream(s.getOutputStream(), 1 << 20));
      for (int w = 0; w < warm; w++) {
        int i = w % blocks.length;
        out.writeInt(blocks[i].length);
        out.write(hashes[i]);
        out.write(blocks[i]);
      }
      for (int i = 0; i < blocks.length; i++) {
        out.writeInt(blocks[i].length);
        out.write(hashes[i]);
        out.write(blocks[i]);
      }
      out.flush();
      s.getInputStream().read();
    }
  }

  /** A listening receiver; {@link #receive} takes one sender's frames. */
  static final class Receiver implements AutoCloseable {
    private final ServerSocket server;

    Receiver(boolean tls) throws Exception {
      if (tls) {
        SSLServerSocket ss =
            (SSLServerSocket)
                context()
                    .getServerSocketFactory()
                    .createServerSocket(0, 1, InetAddress.getLoopbackAddress());
        ss.setEnabledProtocols(new String[] {"TLSv1.3"});
        ss.setEnabledCipherSuites(new String[] {SUITE});
        server = ss;
      } else {
        server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      }
      server.setReceiveBufferSize(BUFFER);
    }

    int port() {
      return server.getLocalPort();
    }

    /**
     * Reads and verifies {@code warm} warm-up frames, runs {@code atStart}, then reads and verifies
     * {@code count} frames; returns the nanoseconds those took.
     */
    long receive(int warm, int count, Runnable atStart) throws Exception {
      try (Socket s = server.accept()) {
        DataInputStream in =
            new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 20));
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        byte[] block = new byte[Content.BLOCK];
        byte[] expected = new byte[32];
        long start = 0;
        for (int i = 0; i < warm + count; i++) {
          if (i == warm) {
            atStart.run();
            start = System.nanoTime();
          }
          int len = in.readInt();
          in.readFully(expected);
          in.readFully(block, 0, len);
          sha.update(block, 0, len);
          if (!MessageDigest.isEqual(sha.digest(), expected)) {
            throw new IOException("block " + i + " does not match its hash");
          }
        }
        long elapsed = System.nanoTime() - start;
        s.getOutputStream().write(1);
        return elapsed;
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  private static SSLSocket tlsClient(int port) throws Exception {
    SSLSocket s =
        (SSLSocket)
            context().getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    s.setEnabledProtocols(new String[] {"TLSv1.3"});
    s.setEnabledCipherSuites(new String[] {SUITE});
    s.startHandshake();
    return s;
  }

  /**
   * TLS with a self-signed EC P-256 certificate, trusting anything (the pipe is what is measured).
   */
  private static SSLContext context() throws Exception {
    PeerCertificate cert = PeerCertificate.generate(NodeIdentity.generate());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("k", cert.privateKey(), new char[0], new Certificate[] {cert.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, new char[0]);
    TrustManager trustAll =
        new X509TrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public void checkServerTrusted(X509Certificate[] chain, String authType) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext ctx = SSLContext.getInstance("TLSv1.3");
    ctx.init(kmf.getKeyManagers(), new TrustManager[] {trustAll}, new SecureRandom());
    return ctx;
  }
}
