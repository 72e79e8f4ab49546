package io.ferry.ipld.codec;

import io.ferry.ipld.Cid;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * A dag-pb link: the target's CID, an optional name (UnixFS directory entry names; empty for file
 * chunks) and an optional cumulative size of the target's DAG ({@code Tsize}).
 */
public record PbLink(Cid hash, Optional<String> name, OptionalLong tsize) {
  public PbLink {
    Objects.requireNonNull(hash, "hash");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(tsize, "tsize");
    if (tsize.isPresent() && tsize.getAsLong() < 0) {
      throw new IllegalArgumentException("Tsize cannot be negative: " + tsize.getAsLong());
    }
  }

  /** A link with a name and a Tsize, as UnixFS writes them. */
  public static PbLink of(Cid hash, String name, long tsize) {
    return new PbLink(hash, Optional.of(name), OptionalLong.of(tsize));
  }
}
