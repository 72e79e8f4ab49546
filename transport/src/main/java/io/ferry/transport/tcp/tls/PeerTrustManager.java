package io.ferry.transport.tcp.tls;

import io.ferry.channels.PeerId;
import java.net.Socket;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.function.Predicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts exactly what libp2p's TLS handshake trusts: a chain of one self-signed certificate whose
 * libp2p extension verifies ({@link SignedKeyExtension#verify}); optionally only peers an allowlist
 * admits. No certificate authority or host name plays any part.
 */
final class PeerTrustManager extends X509ExtendedTrustManager {
  private static final X509Certificate[] NO_ISSUERS = new X509Certificate[0];

  private final Predicate<PeerId> admitted;

  PeerTrustManager(Predicate<PeerId> admitted) {
    this.admitted = admitted;
  }

  /** The peer ID a certificate chain proves, if it is acceptable. */
  PeerId check(X509Certificate[] chain) throws CertificateException {
    if (chain == null || chain.length == 0) {
      throw new CertificateException("peer presented no certificate");
    }
    if (chain.length != 1) {
      throw new CertificateException(
          "peer presented a chain of " + chain.length + " certificates; exactly one is allowed");
    }
    PeerId peer = SignedKeyExtension.verify(chain[0]);
    if (!admitted.test(peer)) {
      throw new CertificateException("peer " + peer + " is not on this node's allowlist");
    }
    return peer;
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
      throws CertificateException {
    check(chain);
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return NO_ISSUERS;
  }
}
