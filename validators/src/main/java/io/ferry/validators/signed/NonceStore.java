package io.ferry.validators.signed;

import io.ferry.channels.ChannelId;
import io.ferry.validators.journal.Journal;
import java.io.Closeable;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The nonces seen per channel, kept in a journal file ({@code nonces.journal} in the given
 * directory) so that a voucher replayed after a restart is still refused. A nonce is on disk before
 * {@link #markSeen} returns.
 */
public final class NonceStore implements SeenNonces, Closeable {
  /** One journal entry: {@code nonce} was used on {@code channelId}. */
  record Seen(ChannelId channelId, long nonce) {}

  private final Map<ChannelId, Set<Long>> seen = new HashMap<>();
  private final Journal<Seen> journal;

  private NonceStore(Path directory) {
    this.journal =
        Journal.open(
            directory.resolve("nonces.journal"),
            Seen.class,
            s -> seen.computeIfAbsent(s.channelId(), c -> new HashSet<>()).add(s.nonce()));
  }

  /** Opens (or creates) the store kept in {@code directory}. */
  public static NonceStore open(Path directory) {
    return new NonceStore(directory);
  }

  @Override
  public synchronized boolean isSeen(ChannelId channelId, long nonce) {
    Set<Long> nonces = seen.get(channelId);
    return nonces != null && nonces.contains(nonce);
  }

  /**
   * Records {@code nonce} as used on {@code channelId}.
   *
   * @return false (and records nothing) when it was already used
   */
  public synchronized boolean markSeen(ChannelId channelId, long nonce) {
    if (isSeen(channelId, nonce)) {
      return false;
    }
    journal.append(new Seen(channelId, nonce));
    seen.computeIfAbsent(channelId, c -> new HashSet<>()).add(nonce);
    return true;
  }

  @Override
  public synchronized void close() {
    journal.close();
  }
}
