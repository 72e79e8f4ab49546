package io.ferry.node;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.entity.ChannelSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link FerryNode} runs: its data directory (journal, snapshots and the channel index live
 * under it), the channels' timeouts, how long an idle channel stays in memory, how far a subscriber
 * may fall behind, and any extra Pekko settings.
 *
 * @param home the node's data directory
 * @param channels timeouts and snapshot interval of every channel
 * @param passivateIdleAfter an idle channel actor is stopped (and recovered on demand) after this
 * @param eventBuffer events a subscriber may be behind before it is cut off
 * @param askTimeout how long an API call waits for its channel
 * @param extra Pekko settings layered over the defaults (e.g. a test's)
 */
public record NodeSettings(
    Path home,
    ChannelSettings channels,
    Duration passivateIdleAfter,
    int eventBuffer,
    Duration askTimeout,
    Config extra) {

  public NodeSettings {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(channels, "channels");
    Objects.requireNonNull(passivateIdleAfter, "passivateIdleAfter");
    Objects.requireNonNull(askTimeout, "askTimeout");
    Objects.requireNonNull(extra, "extra");
    home = home.toAbsolutePath();
    if (eventBuffer < 1) {
      throw new IllegalArgumentException("eventBuffer must be at least 1, was " + eventBuffer);
    }
  }

  /** Defaults for a node whose data lives in {@code home}. */
  public static NodeSettings forHome(Path home) {
    return new NodeSettings(
        home,
        ChannelSettings.defaults(),
        Duration.ofMinutes(15),
        10_000,
        Duration.ofSeconds(30),
        ConfigFactory.empty());
  }

  public NodeSettings withChannels(ChannelSettings channels) {
    return new NodeSettings(home, channels, passivateIdleAfter, eventBuffer, askTimeout, extra);
  }

  public NodeSettings withPassivateIdleAfter(Duration d) {
    return new NodeSettings(home, channels, d, eventBuffer, askTimeout, extra);
  }

  public NodeSettings withEventBuffer(int events) {
    return new NodeSettings(home, channels, passivateIdleAfter, events, askTimeout, extra);
  }

  public NodeSettings withExtra(Config config) {
    return new NodeSettings(home, channels, passivateIdleAfter, eventBuffer, askTimeout, config);
  }
}
