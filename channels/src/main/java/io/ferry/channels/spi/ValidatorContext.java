package io.ferry.channels.spi;

import io.ferry.channels.PeerId;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a node tells its validator plug-ins about itself.
 *
 * @param self this node's peer ID
 * @param dataDirectory a directory the plug-in may keep durable state in (created on demand)
 * @param settings the plug-in's configuration keys, e.g. from {@code ferry.validators.<name>}
 * @param signer signs bytes with this node's Ed25519 key
 */
public record ValidatorContext(
    PeerId self, Path dataDirectory, Map<String, String> settings, Signer signer) {

  /** Signs bytes with the node's identity key. */
  @FunctionalInterface
  public interface Signer {
    /** An Ed25519 signature (64 bytes) over {@code message}. */
    byte[] sign(byte[] message);
  }
}
