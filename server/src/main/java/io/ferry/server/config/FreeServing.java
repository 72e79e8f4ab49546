package io.ferry.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.ferry.channels.PeerId;
import io.ferry.validators.free.FreePolicy;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Reads what a node serves without a voucher: {@code ferry.validators.free} ({@code auto}, {@code
 * pulls}, {@code pulls-and-pushes} or {@code off}) and {@code ferry.validators.free-push-peers}.
 * {@code auto} means pulls, unless the node sells retrievals ({@code
 * ferry.validators.settings.paid-retrieval.price-per-byte} is set): then nothing is free, so a
 * price is never undercut by a pull that simply leaves the voucher out.
 */
final class FreeServing {
  private FreeServing() {}

  static FreePolicy from(Config config) {
    String word = config.getString("ferry.validators.free");
    FreePolicy.Mode mode;
    if (word.strip().equals("auto")) {
      boolean selling = config.hasPath("ferry.validators.settings.paid-retrieval.price-per-byte");
      mode = selling ? FreePolicy.Mode.OFF : FreePolicy.Mode.PULLS;
    } else {
      try {
        mode = FreePolicy.Mode.parse(word);
      } catch (IllegalArgumentException e) {
        throw new ConfigException.BadValue(
            "ferry.validators.free", "must be auto, pulls, pulls-and-pushes or off, was " + word);
      }
    }
    Set<PeerId> peers = new LinkedHashSet<>();
    for (String text : config.getStringList("ferry.validators.free-push-peers")) {
      try {
        peers.add(PeerId.parse(text.strip()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException.BadValue(
            "ferry.validators.free-push-peers",
            "'" + text + "' is not a peer ID: " + e.getMessage());
      }
    }
    return new FreePolicy(mode, peers);
  }
}
