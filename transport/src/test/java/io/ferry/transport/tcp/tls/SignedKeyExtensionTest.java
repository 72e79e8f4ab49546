package io.ferry.transport.tcp.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.PeerId;
import io.ferry.transport.identity.NodeIdentity;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.CertificateException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.junit.jupiter.api.Test;

class SignedKeyExtensionTest {
  // libp2p TLS spec (tls/tls.md), test vector 1: a certificate authenticating an Ed25519 peer ID.
  private static final String VECTOR_ED25519 =
      "308201ae30820156a0030201020204499602d2300a06082a8648ce3d040302302031123010060355040a13096c"
          + "69627032702e696f310a300806035504051301313020170d3735303130313133303030305a180f3430393630"
          + "3130313133303030305a302031123010060355040a13096c69627032702e696f310a300806035504051301"
          + "313059301306072a8648ce3d020106082a8648ce3d030107034200040c901d423c831ca85e27c73c263ba1"
          + "32721bb9d7a84c4f0380b2a6756fd601331c8870234dec878504c174144fa4b14b66a651691606d8173e55"
          + "bd37e381569ea37c307a3078060a2b0601040183a25a0101046a3068042408011220a77f1d92fedb59ddda"
          + "ea5a1c4abd1ac2fbde7d7b879ed364501809923d7c11b90440d90d2769db992d5e6195dbb08e706b6651e0"
          + "24fda6cfb8846694a435519941cac215a8207792e42849cccc6cd8136c6e4bde92a58c5e08cfd4206eb5fe"
          + "0bf909300a06082a8648ce3d0403020346003043021f50f6b6c52711a881778718238f650c9fb48943ae6e"
          + "e6d28427dc6071ae55e702203625f116a7a454db9c56986c82a25682f7248ea1cb764d322ea983ed36a31b"
          + "77";

  private static X509Certificate parse(String hex) throws CertificateException {
    return (X509Certificate)
        CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(HexFormat.of().parseHex(hex)));
  }

  private static KeyPair ecKeys() throws Exception {
    KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
    gen.initialize(new ECGenParameterSpec("secp256r1"));
    return gen.generateKeyPair();
  }

  private static Instant now() {
    return Instant.now();
  }

  @Test
  void theLibp2pEd25519TestVectorProvesItsPublishedPeerId() throws Exception {
    PeerId peer = SignedKeyExtension.verify(parse(VECTOR_ED25519));

    assertThat(peer)
        .isEqualTo(PeerId.parse("12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv"));
  }

  @Test
  void aGeneratedCertificateProvesItsNode() throws Exception {
    NodeIdentity id = NodeIdentity.generate();

    PeerCertificate cert = PeerCertificate.generate(id);

    assertThat(SignedKeyExtension.verify(cert.certificate())).isEqualTo(id.peerId());
    assertThat(cert.certificate().getPublicKey().getAlgorithm()).isEqualTo("EC");
  }

  @Test
  void anExtensionClaimingAnotherNodesKeyWithAForgedSignatureIsRefused() throws Exception {
    NodeIdentity victim = NodeIdentity.generate();
    NodeIdentity forger = NodeIdentity.generate();
    KeyPair keys = ecKeys();
    byte[] signed =
        concat(
            "libp2p-tls-handshake:".getBytes(StandardCharsets.US_ASCII),
            keys.getPublic().getEncoded());
    byte[] forged =
        new DERSequence(
                new DEROctetString[] {
                  new DEROctetString(victim.publicKey().toProtobuf()),
                  new DEROctetString(forger.sign(signed))
                })
            .getEncoded();
    PeerCertificate cert =
        PeerCertificate.build(forged, keys, now().minusSeconds(60), now().plusSeconds(600));

    assertThatThrownBy(() -> SignedKeyExtension.verify(cert.certificate()))
        .isInstanceOf(CertificateException.class)
        .hasMessageContaining("signature does not verify")
        .hasMessageContaining(victim.peerId().toString());
  }

  @Test
  void anExtensionSignedForAnotherCertificateKeyIsRefused() throws Exception {
    NodeIdentity id = NodeIdentity.generate();
    byte[] extensionForOtherKey = SignedKeyExtension.create(id, ecKeys().getPublic().getEncoded());
    PeerCertificate cert =
        PeerCertificate.build(
            extensionForOtherKey, ecKeys(), now().minusSeconds(60), now().plusSeconds(600));

    assertThatThrownBy(() -> SignedKeyExtension.verify(cert.certificate()))
        .hasMessageContaining("signature does not verify");
  }

  @Test
  void aCertificateWhoseSelfSignatureIsByAnotherKeyIsRefused() throws Exception {
    NodeIdentity id = NodeIdentity.generate();
    KeyPair certKeys = ecKeys();
    KeyPair otherKeys = ecKeys();
    // The extension binds certKeys, but the certificate is signed with otherKeys' private key.
    byte[] ext = SignedKeyExtension.create(id, certKeys.getPublic().getEncoded());
    PeerCertificate cert =
        PeerCertificate.build(
            ext,
            new KeyPair(certKeys.getPublic(), otherKeys.getPrivate()),
            now().minusSeconds(60),
            now().plusSeconds(600));

    assertThatThrownBy(() -> SignedKeyExtension.verify(cert.certificate()))
        .hasMessageContaining("self-signature is invalid");
  }

  @Test
  void anExpiredCertificateIsRefused() throws Exception {
    PeerCertificate cert =
        PeerCertificate.generate(
            NodeIdentity.generate(),
            now().minus(Duration.ofDays(2)),
            now().minus(Duration.ofDays(1)));

    assertThatThrownBy(() -> SignedKeyExtension.verify(cert.certificate()))
        .isInstanceOf(CertificateExpiredException.class);
  }

  @Test
  void aMalformedExtensionIsRefused() throws Exception {
    PeerCertificate cert =
        PeerCertificate.build(
            new DEROctetString(new byte[] {1, 2, 3}).getEncoded(),
            ecKeys(),
            now().minusSeconds(60),
            now().plusSeconds(600));

    assertThatThrownBy(() -> SignedKeyExtension.verify(cert.certificate()))
        .hasMessageContaining("libp2p public key extension is malformed");
  }

  @Test
  void theTrustManagerRefusesChainsOfMoreThanOneAndPeersOffTheAllowlist() throws Exception {
    NodeIdentity allowed = NodeIdentity.generate();
    NodeIdentity stranger = NodeIdentity.generate();
    PeerTrustManager trust = new PeerTrustManager(allowed.peerId()::equals);
    X509Certificate good = PeerCertificate.generate(allowed).certificate();

    assertThat(trust.check(new X509Certificate[] {good})).isEqualTo(allowed.peerId());
    assertThatThrownBy(() -> trust.check(new X509Certificate[] {good, good}))
        .hasMessageContaining("chain of 2 certificates");
    assertThatThrownBy(
            () ->
                trust.check(
                    new X509Certificate[] {PeerCertificate.generate(stranger).certificate()}))
        .hasMessage("peer " + stranger.peerId() + " is not on this node's allowlist");
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] out = new byte[a.length + b.length];
    System.arraycopy(a, 0, out, 0, a.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
