package io.ferry.validators;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.spi.ValidatorContext;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/** Ed25519 identities for tests: a key, its peer ID and a signer. */
public record TestPeer(Ed25519PrivateKeyParameters key, PeerId peerId) {
  private static final SecureRandom RANDOM = new SecureRandom();

  public static TestPeer generate() {
    var key = new Ed25519PrivateKeyParameters(RANDOM);
    return new TestPeer(key, PeerId.ofEd25519(key.generatePublicKey().getEncoded()));
  }

  public byte[] sign(byte[] message) {
    var signer = new Ed25519Signer();
    signer.init(true, key);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  public ValidatorContext context(Path dataDirectory, Map<String, String> settings) {
    return new ValidatorContext(peerId, dataDirectory, settings, this::sign);
  }

  /** A channel this peer opened with {@code responder}. */
  public ChannelId channelTo(TestPeer responder, long transferId) {
    return new ChannelId(peerId, responder.peerId(), transferId);
  }
}
