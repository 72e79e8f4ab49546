package io.ferry.server.retention;

import io.ferry.channels.ChannelId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels this node purged that something may still show, kept in an append-only file under
 * the home directory ({@code purged-channels}, one channel ID per line). Two things can: Pekko's
 * LevelDB journal keeps a copy of every tagged event under its tag, and the channel read model's
 * checkpoint keeps the state of every channel it projected. The event stream and the listings
 * consult this set, so purged channels disappear from {@code /v1/events} and {@code /v1/channels}
 * as they do from everywhere else.
 *
 * <p>A channel leaves the set once both are gone: the journal {@link #copiesDropped dropped its tag
 * copies} and the read model {@link #forgotten saved a checkpoint without it}. The file is then
 * rewritten without it (a new file moved over the old), so it holds the channels purged lately, not
 * every channel the node ever purged. A node whose journal keeps no such copies elsewhere (the
 * shared PostgreSQL journal of clustered mode) is never told they were dropped and keeps its IDs.
 */
public final class PurgedChannels {
  /** The file's name under the home directory. */
  public static final String FILE = "purged-channels";

  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(PurgedChannels.class);

  private final Path file;
  private final Set<String> ids = ConcurrentHashMap.newKeySet();

  /** Purged channels whose tag copies the journal dropped, waiting for the read model. */
  private final Set<String> copiesDropped = new HashSet<>();

  /** Purged channels the read model's checkpoint no longer holds, waiting for the journal. */
  private final Set<String> forgotten = new HashSet<>();

  private PurgedChannels(Path file) {
    this.file = file;
  }

  /** The set kept in {@code <home>/purged-channels}; an absent file is an empty set. */
  public static PurgedChannels open(Path home) {
    PurgedChannels p = new PurgedChannels(home.resolve(FILE));
    try {
      if (Files.exists(p.file)) {
        for (String line : Files.readAllLines(p.file, StandardCharsets.US_ASCII)) {
          if (!line.isBlank()) {
            p.ids.add(line.strip());
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + p.file, e);
    }
    return p;
  }

  /** Records that {@code id} was purged, durably, before returning. */
  public synchronized void add(ChannelId id) {
    if (!ids.add(id.toString())) {
      return;
    }
    try {
      Files.createDirectories(file.toAbsolutePath().getParent());
      try (FileChannel ch =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.APPEND,
              StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
    } catch (IOException e) {
      ids.remove(id.toString());
      throw new UncheckedIOException("cannot record the purge of " + id + " in " + file, e);
    }
  }

  /**
   * The journal dropped the tag copies of these channels' events ({@code Channel|<id>} persistence
   * ids, or bare channel IDs).
   */
  public void copiesDropped(Collection<String> channels) {
    heard(
        channels.stream().map(channel -> channel.substring(channel.indexOf('|') + 1)).toList(),
        copiesDropped,
        forgotten);
  }

  /** The read model saved a checkpoint without these channels. */
  public void forgotten(Collection<ChannelId> channels) {
    heard(channels.stream().map(ChannelId::toString).toList(), forgotten, copiesDropped);
  }

  /**
   * One of the two things a purged channel waits for happened to {@code channels}: those that had
   * the other already ({@code waitingFor} holds them) settle; the others still listed wait in
   * {@code heard}.
   */
  private synchronized void heard(
      List<String> channels, Set<String> heard, Set<String> waitingFor) {
    Set<String> settled = new HashSet<>();
    for (String id : channels) {
      if (waitingFor.remove(id)) {
        settled.add(id);
      } else if (ids.contains(id)) {
        heard.add(id);
      }
    }
    settle(settled);
  }

  /** Removes {@code settled} from the set and rewrites the file without them. */
  private void settle(Set<String> settled) {
    if (settled.isEmpty() || !ids.removeAll(settled)) {
      return;
    }
    Path next = file.resolveSibling(FILE + ".next");
    try {
      StringBuilder lines = new StringBuilder();
      new TreeSet<>(ids).forEach(id -> lines.append(id).append('\n'));
      try (FileChannel ch =
          FileChannel.open(
              next,
              StandardOpenOption.CREATE,
              StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
        ByteBuffer bytes = ByteBuffer.wrap(lines.toString().getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining()) {
          ch.write(bytes);
        }
        ch.force(true);
      }
      Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      // The file still lists them: they stay hidden, and the next start settles them again.
      ids.addAll(settled);
      log.warn(
          "cannot rewrite {} without {} settled channels: {}", file, settled.size(), e.toString());
    }
  }

  /** Whether the channel with this ID was purged. */
  public boolean contains(ChannelId id) {
    return ids.contains(id.toString());
  }

  /** The purged channels' IDs. */
  public Set<String> ids() {
    return Set.copyOf(ids);
  }

  /** How many channels were purged. */
  public int size() {
    return ids.size();
  }
}
