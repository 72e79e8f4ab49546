package io.ferry.server.retention;

import io.ferry.channels.ChannelId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The channels this node has purged, kept in an append-only file under the home directory ({@code
 * purged-channels}, one channel ID per line). Pekko's LevelDB journal keeps a copy of every tagged
 * event in its tag index, and deleting a channel's events does not remove those copies; the event
 * stream consults this set so that purged channels disappear from {@code /v1/events} as they do
 * from everywhere else.
 */
public final class PurgedChannels {
  /** The file's name under the home directory. */
  public static final String FILE = "purged-channels";

  private final Path file;
  private final Set<String> ids = ConcurrentHashMap.newKeySet();

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
        ch.write(java.nio.ByteBuffer.wrap((id + "\n").getBytes(StandardCharsets.US_ASCII)));
        ch.force(true);
      }
    } catch (IOException e) {
      ids.remove(id.toString());
      throw new UncheckedIOException("cannot record the purge of " + id + " in " + file, e);
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
