package io.ferry.transport.tcp.tls;

import io.ferry.transport.identity.NodeIdentity;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * The certificate a node presents in TLS: self-signed with a fresh ECDSA P-256 key unrelated to the
 * host key, carrying the {@link SignedKeyExtension} that binds it to the node.
 *
 * @param certificate the X.509 certificate
 * @param privateKey the certificate's (throw-away) private key
 */
public record PeerCertificate(X509Certificate certificate, PrivateKey privateKey) {

  /** How long a generated certificate stays valid (a node makes a new one on every start). */
  public static final Duration VALIDITY = Duration.ofDays(365);

  /** A new certificate for {@code identity}, valid from an hour ago for {@link #VALIDITY}. */
  public static PeerCertificate generate(NodeIdentity identity) {
    Instant now = Instant.now();
    return generate(identity, now.minus(Duration.ofHours(1)), now.plus(VALIDITY));
  }

  /** A new certificate for {@code identity} with the given validity. */
  public static PeerCertificate generate(
      NodeIdentity identity, Instant notBefore, Instant notAfter) {
    try {
      KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
      gen.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair keys = gen.generateKeyPair();
      return build(identity, keys, notBefore, notAfter);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("the JDK cannot make ECDSA P-256 keys", e);
    }
  }

  /**
   * A certificate for {@code keys} whose extension is signed by {@code signer}: normally the node
   * itself; tests pass another identity to forge a binding.
   */
  static PeerCertificate build(
      NodeIdentity signer, KeyPair keys, Instant notBefore, Instant notAfter) {
    byte[] extension = SignedKeyExtension.create(signer, keys.getPublic().getEncoded());
    return build(extension, keys, notBefore, notAfter);
  }

  /** A certificate for {@code keys} carrying {@code extension} as the libp2p extension. */
  static PeerCertificate build(
      byte[] extension, KeyPair keys, Instant notBefore, Instant notAfter) {
    try {
      X500Name subject = new X500Name("SERIALNUMBER=1,O=ferry");
      BigInteger serial = new BigInteger(63, new SecureRandom());
      X509v3CertificateBuilder builder =
          new JcaX509v3CertificateBuilder(
              subject,
              serial,
              Date.from(notBefore),
              Date.from(notAfter),
              subject,
              keys.getPublic());
      builder.addExtension(new ASN1ObjectIdentifier(SignedKeyExtension.OID), false, extension);
      X509Certificate cert =
          new JcaX509CertificateConverter()
              .getCertificate(
                  builder.build(
                      new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
      return new PeerCertificate(cert, keys.getPrivate());
    } catch (OperatorCreationException | java.io.IOException | GeneralSecurityException e) {
      throw new IllegalStateException("building the TLS certificate failed: " + e.getMessage(), e);
    }
  }
}
