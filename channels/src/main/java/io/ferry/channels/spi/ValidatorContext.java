package io.ferry.channels.spi;

import io.ferry.channels.PeerId;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/**
 * What a node tells its validator plug-ins about itself.
 *
 * @param self this node's peer ID
 * @param dataDirectory a directory the plug-in may keep durable state in (created on demand)
 * @param settings the plug-in's configuration keys, e.g. from {@code ferry.validators.<name>}
 * @param signer signs bytes with this node's Ed25519 key
 * @param sharedDatabase in clustered mode, the PostgreSQL database every member of the cluster
 *     shares (null on a node of its own): a plug-in whose state must follow a channel from one
 *     member to another (a ledger, seen nonces) keeps it there rather than in {@code dataDirectory}
 */
public record ValidatorContext(
    PeerId self,
    Path dataDirectory,
    Map<String, String> settings,
    Signer signer,
    DataSource sharedDatabase) {

  /** The context of a node of its own, whose plug-ins keep their state in {@code dataDirectory}. */
  public ValidatorContext(
      PeerId self, Path dataDirectory, Map<String, String> settings, Signer signer) {
    this(self, dataDirectory, settings, signer, null);
  }

  /** The database the members of a cluster share, when the node is one. */
  public Optional<DataSource> shared() {
    return Optional.ofNullable(sharedDatabase);
  }

  /** Signs bytes with the node's identity key. */
  @FunctionalInterface
  public interface Signer {
    /** An Ed25519 signature (64 bytes) over {@code message}. */
    byte[] sign(byte[] message);
  }
}
