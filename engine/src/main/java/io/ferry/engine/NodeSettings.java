package io.ferry.engine;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.engine.cluster.Membership;
import io.ferry.persistence.journal.JournalSettings;
import io.ferry.persistence.journal.LevelDbJournalSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link FerryNode} runs: its data directory (journal, snapshots and the channel read model's
 * checkpoint live under it), the channels' timeouts, how long an idle channel stays in memory, how
 * far a subscriber may fall behind, any extra Pekko settings, where channels are journaled, and
 * whether the node is a cluster of one or a member of a cluster.
 *
 * @param home the node's data directory
 * @param channels timeouts and snapshot interval of every channel
 * @param passivateIdleAfter an idle channel actor is stopped (and recovered on demand) after this
 * @param eventBuffer events a subscriber may be behind before it is cut off
 * @param askTimeout how long an API call waits for its channel
 * @param extra Pekko settings layered over the defaults (e.g. a test's)
 * @param journal the journal and snapshot store (LevelDB under {@code home} by default)
 * @param membership a cluster of one (the default) or a member of a cluster, which needs a journal
 *     the members share
 */
public record NodeSettings(
    Path home,
    ChannelSettings channels,
    Duration passivateIdleAfter,
    int eventBuffer,
    Duration askTimeout,
    Config extra,
    JournalSettings journal,
    Membership membership) {

  public NodeSettings {
    Objects.requireNonNull(home, "home");
    Objects.requireNonNull(channels, "channels");
    Objects.requireNonNull(passivateIdleAfter, "passivateIdleAfter");
    Objects.requireNonNull(askTimeout, "askTimeout");
    Objects.requireNonNull(extra, "extra");
    Objects.requireNonNull(journal, "journal");
    Objects.requireNonNull(membership, "membership");
    home = home.toAbsolutePath();
    if (eventBuffer < 1) {
      throw new IllegalArgumentException("eventBuffer must be at least 1, was " + eventBuffer);
    }
    if (membership.clustered() && !journal.shared()) {
      throw new IllegalArgumentException(
          "a cluster member needs a journal the members share (ferry.journal.kind = postgres);"
              + " the "
              + journal.describe()
              + " belongs to one node");
    }
  }

  /** Defaults for a node whose data lives in {@code home}: LevelDB, a cluster of one. */
  public static NodeSettings forHome(Path home) {
    return new NodeSettings(
        home,
        ChannelSettings.defaults(),
        Duration.ofMinutes(15),
        10_000,
        Duration.ofSeconds(30),
        ConfigFactory.empty(),
        LevelDbJournalSettings.under(home),
        Membership.alone());
  }

  public NodeSettings withChannels(ChannelSettings channels) {
    return new NodeSettings(
        home, channels, passivateIdleAfter, eventBuffer, askTimeout, extra, journal, membership);
  }

  public NodeSettings withPassivateIdleAfter(Duration d) {
    return new NodeSettings(home, channels, d, eventBuffer, askTimeout, extra, journal, membership);
  }

  public NodeSettings withEventBuffer(int events) {
    return new NodeSettings(
        home, channels, passivateIdleAfter, events, askTimeout, extra, journal, membership);
  }

  public NodeSettings withExtra(Config config) {
    return new NodeSettings(
        home, channels, passivateIdleAfter, eventBuffer, askTimeout, config, journal, membership);
  }

  /** Journals channels in {@code journal} instead. */
  public NodeSettings withJournal(JournalSettings journal) {
    return new NodeSettings(
        home, channels, passivateIdleAfter, eventBuffer, askTimeout, extra, journal, membership);
  }

  /** Joins a cluster ({@link Membership.Member}) or stays a cluster of one. */
  public NodeSettings withMembership(Membership membership) {
    return new NodeSettings(
        home, channels, passivateIdleAfter, eventBuffer, askTimeout, extra, journal, membership);
  }

  /** Both at once, as {@code ferry.journal} and {@code ferry.cluster} say (clustered mode). */
  public NodeSettings withCluster(JournalSettings journal, Membership membership) {
    return new NodeSettings(
        home, channels, passivateIdleAfter, eventBuffer, askTimeout, extra, journal, membership);
  }
}
