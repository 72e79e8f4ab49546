package io.ferry.transport.tcp.tls;

import io.ferry.channels.PeerId;
import io.ferry.transport.identity.HostPublicKey;
import io.ferry.transport.identity.NodeIdentity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.ASN1Sequence;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;

/**
 * libp2p's Public Key Extension: {@code SignedKey ::= SEQUENCE { publicKey OCTET STRING, signature
 * OCTET STRING }}, where publicKey is the host key in libp2p's protobuf form and signature is the
 * host key's signature of {@code "libp2p-tls-handshake:" || SubjectPublicKeyInfo(certificate key)}.
 */
public final class SignedKeyExtension {
  /** The extension's OID, allocated to libp2p by IANA. */
  public static final String OID = "1.3.6.1.4.1.53594.1.1";

  private static final byte[] PREFIX = "libp2p-tls-handshake:".getBytes(StandardCharsets.US_ASCII);

  private SignedKeyExtension() {}

  /** The DER-encoded SignedKey binding {@code identity} to a certificate key. */
  public static byte[] create(NodeIdentity identity, byte[] certificateKeyInfo) {
    byte[] signature = identity.sign(signedBytes(certificateKeyInfo));
    try {
      return new DERSequence(
              new DEROctetString[] {
                new DEROctetString(identity.publicKey().toProtobuf()), new DEROctetString(signature)
              })
          .getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException("DER encoding of the SignedKey failed", e);
    }
  }

  /**
   * Checks a peer's certificate as libp2p's TLS handshake requires and returns the peer ID it
   * proves: valid now, self-signed, no unknown critical extension, and a SignedKey extension whose
   * Ed25519 signature covers this certificate's public key.
   */
  public static PeerId verify(X509Certificate cert) throws CertificateException {
    cert.checkValidity();
    try {
      cert.verify(cert.getPublicKey());
    } catch (Exception e) {
      throw new CertificateException(
          "peer certificate's self-signature is invalid: " + e.getMessage(), e);
    }
    if (cert.getIssuerUniqueID() != null || cert.getSubjectUniqueID() != null) {
      throw new CertificateException("peer certificate carries deprecated unique-ID fields");
    }
    for (String critical :
        cert.getCriticalExtensionOIDs() == null
            ? java.util.Set.<String>of()
            : cert.getCriticalExtensionOIDs()) {
      if (!critical.equals(OID)) {
        throw new CertificateException(
            "peer certificate has a critical extension Ferry does not understand: " + critical);
      }
    }
    byte[] wrapped = cert.getExtensionValue(OID);
    if (wrapped == null) {
      throw new CertificateException(
          "peer certificate lacks the libp2p public key extension (" + OID + ")");
    }
    HostPublicKey hostKey;
    byte[] signature;
    try {
      byte[] der = ASN1OctetString.getInstance(wrapped).getOctets();
      ASN1Sequence seq = ASN1Sequence.getInstance(ASN1Primitive.fromByteArray(der));
      if (seq.size() != 2) {
        throw new CertificateException(
            "libp2p public key extension has " + seq.size() + " fields, not 2");
      }
      hostKey =
          HostPublicKey.fromProtobuf(ASN1OctetString.getInstance(seq.getObjectAt(0)).getOctets());
      signature = ASN1OctetString.getInstance(seq.getObjectAt(1)).getOctets();
    } catch (CertificateException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      throw new CertificateException(
          "libp2p public key extension is malformed: " + e.getMessage(), e);
    }
    if (!hostKey.verify(signedBytes(cert.getPublicKey().getEncoded()), signature)) {
      throw new CertificateException(
          "libp2p public key extension's signature does not verify: the certificate key is not"
              + " bound to host key of "
              + hostKey.peerId());
    }
    return hostKey.peerId();
  }

  private static byte[] signedBytes(byte[] keyInfo) {
    byte[] msg = new byte[PREFIX.length + keyInfo.length];
    System.arraycopy(PREFIX, 0, msg, 0, PREFIX.length);
    System.arraycopy(keyInfo, 0, msg, PREFIX.length, keyInfo.length);
    return msg;
  }
}
