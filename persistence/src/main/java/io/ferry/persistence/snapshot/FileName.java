package io.ferry.persistence.snapshot;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.pekko.persistence.SnapshotMetadata;

/**
 * The names Pekko's local snapshot store gives its files: {@code snapshot-<persistence id,
 * URL-encoded>-<sequence number>-<timestamp>}. The encoded id may hold dashes, so the two numbers
 * are read from the end.
 */
final class FileName {
  private static final String PREFIX = "snapshot-";

  private FileName() {}

  /** The name of the file the local store writes for {@code meta}. */
  static String of(SnapshotMetadata meta) {
    return PREFIX
        + URLEncoder.encode(meta.persistenceId(), StandardCharsets.UTF_8)
        + "-"
        + meta.sequenceNr()
        + "-"
        + meta.timestamp();
  }

  /** What a file's name says of its snapshot, or empty when it is no snapshot file's name. */
  static Optional<SnapshotMetadata> parse(String name) {
    if (!name.startsWith(PREFIX)) {
      return Optional.empty();
    }
    int lastDash = name.lastIndexOf('-');
    int dashBefore = lastDash > 0 ? name.lastIndexOf('-', lastDash - 1) : -1;
    if (dashBefore <= PREFIX.length()) {
      return Optional.empty();
    }
    try {
      long timestamp = Long.parseLong(name.substring(lastDash + 1));
      long sequenceNr = Long.parseLong(name.substring(dashBefore + 1, lastDash));
      String id =
          URLDecoder.decode(name.substring(PREFIX.length(), dashBefore), StandardCharsets.UTF_8);
      return Optional.of(new SnapshotMetadata(id, sequenceNr, timestamp));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
