package io.ferry.transport.tcp.tls;

import io.ferry.channels.PeerId;
import io.ferry.transport.identity.NodeIdentity;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import javax.net.ssl.TrustManager;

/**
 * Makes the JDK's TLS 1.3 engines for one node: both sides present the node's {@link
 * PeerCertificate}, the server requires a client certificate, and both accept only certificates
 * that prove a libp2p-style peer ID (and pass the allowlist). AES-GCM suites come first: the JDK
 * has intrinsics for them, not for ChaCha20.
 */
public final class TlsEngines {
  private static final String[] PROTOCOLS = {"TLSv1.3"};
  private static final List<String> PREFERRED_SUITES =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  private final SSLContext context;
  private final PeerTrustManager trust;
  private final String[] suites;

  /** Engines for {@code identity}, trusting peers that {@code admitted} accepts. */
  public TlsEngines(NodeIdentity identity, Predicate<PeerId> admitted) {
    this(PeerCertificate.generate(identity), admitted);
  }

  TlsEngines(PeerCertificate certificate, Predicate<PeerId> admitted) {
    this.trust = new PeerTrustManager(admitted);
    try {
      context = SSLContext.getInstance("TLSv1.3");
      context.init(
          new KeyManager[] {new PeerKeyManager(certificate)},
          new TrustManager[] {trust},
          new SecureRandom());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK has no TLS 1.3: " + e.getMessage(), e);
    }
    List<String> supported = Arrays.asList(context.getSupportedSSLParameters().getCipherSuites());
    this.suites = PREFERRED_SUITES.stream().filter(supported::contains).toArray(String[]::new);
  }

  /** An engine for a connection this node dialed. */
  public SSLEngine clientEngine() {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(true);
    configure(engine);
    return engine;
  }

  /** An engine for a connection this node accepted; it requires the client's certificate. */
  public SSLEngine serverEngine() {
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(false);
    engine.setNeedClientAuth(true);
    configure(engine);
    return engine;
  }

  private void configure(SSLEngine engine) {
    engine.setEnabledProtocols(PROTOCOLS);
    engine.setEnabledCipherSuites(suites);
  }

  /**
   * The peer ID the other side proved in an established session. The certificate was already
   * checked by the trust manager during the handshake; it is checked again here so a session can
   * never yield an unverified identity.
   */
  public PeerId remotePeer(SSLSession session) throws CertificateException {
    Certificate[] chain;
    try {
      chain = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      throw new CertificateException("TLS session has no verified peer certificate", e);
    }
    X509Certificate[] x509 = new X509Certificate[chain.length];
    for (int i = 0; i < chain.length; i++) {
      if (!(chain[i] instanceof X509Certificate c)) {
        throw new CertificateException("peer certificate is not X.509");
      }
      x509[i] = c;
    }
    return trust.check(x509);
  }
}
