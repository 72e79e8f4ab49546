package io.ferry.server.http;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selector;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.traversal.Traversal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a completed channel's data is still whole in the node's block store: a block deleted, or
 * one the store can no longer read (a damaged value log), leaves a channel that says Completed over
 * data that cannot be exported or served (issue 19, 6). The check walks the channel's selector from
 * its root as a transfer does: it reads the blocks with links and asks the store's index for raw
 * leaves (whose bytes it does not read, so a check costs about one read per 174 leaves).
 */
public final class StoredData {
  private static final Logger log = LoggerFactory.getLogger(StoredData.class);
  private static final byte[] NO_BYTES = new byte[0];

  /**
   * How many damaged channels a start names one by one; the rest are counted in one line (a store
   * lost under 100,000 channels logged 100,000 warnings, 17 s of a start's log).
   */
  static final int NAMED_AT_START = 20;

  private StoredData() {}

  /**
   * A warning, in the user's terms, when {@code channel} is Completed and its data is not whole in
   * {@code store}; empty otherwise (and for any channel not Completed).
   */
  public static Optional<String> warning(BlockStore store, ChannelState channel) {
    if (channel.status() != Status.Completed) {
      return Optional.empty();
    }
    Selector selector = channel.selector() == null ? Selectors.all() : channel.selector();
    return firstGap(store, channel.baseCid(), selector)
        .map(
            gap ->
                "the channel completed, but its data is no longer whole in this node's block"
                    + " store: "
                    + gap
                    + (channel.isSender()
                        ? "; it cannot be served again until the block is imported again"
                        : "; an export of it fails: pull it again, or restore the block store"
                            + " from a backup"));
  }

  /**
   * Checks every Completed channel of {@code channels} on {@code executor} (a node's start: its
   * block store may have been damaged or pruned while it was down) and logs a warning for each
   * whose data is not whole; completes with how many were. Channels over the same root and selector
   * are walked once.
   */
  public static CompletableFuture<Integer> checkAtStart(
      BlockStore store, List<ChannelState> channels, Executor executor) {
    return checkAtStart(store, channels, StoredDataRecord.none(), executor)
        .thenApply(Checked::incomplete);
  }

  /** What a start's check found. */
  public record Checked(int incomplete, int read, List<ChannelId> whole) {
    public Checked {
      whole = List.copyOf(whole);
    }
  }

  /**
   * As {@link #checkAtStart(BlockStore, List, Executor)}, but the channels {@code before} holds
   * (found whole by the start before the last clean stop, the block store unchanged since) are not
   * read again. Completes with how many were not whole, how many were read, and which are whole
   * (read now or before), for the next clean stop's record.
   */
  public static CompletableFuture<Checked> checkAtStart(
      BlockStore store, List<ChannelState> channels, StoredDataRecord before, Executor executor) {
    return CompletableFuture.supplyAsync(
        () -> {
          Map<String, Optional<String>> walked = new HashMap<>();
          List<ChannelId> whole = new ArrayList<>();
          int completed = 0;
          int incomplete = 0;
          int read = 0;
          for (ChannelState c : channels) {
            if (c.status() != Status.Completed) {
              continue;
            }
            completed++;
            if (before.checked(c.channelId())) {
              whole.add(c.channelId());
              continue;
            }
            read++;
            String key = c.baseCid() + " " + c.selector();
            Optional<String> gap = walked.get(key);
            if (gap == null) {
              gap = warning(store, c);
              walked.put(key, gap);
            }
            if (gap.isPresent()) {
              incomplete++;
              if (incomplete <= NAMED_AT_START) {
                log.warn("channel {}: {}", c.channelId(), gap.get());
              }
            } else {
              whole.add(c.channelId());
            }
          }
          if (incomplete > NAMED_AT_START) {
            log.warn(
                "{} of {} completed channels have data missing from the block store; the first {}"
                    + " are named above, and each channel's dataWarning (ferry channels show ID)"
                    + " names its missing block",
                incomplete,
                completed,
                NAMED_AT_START);
          } else if (incomplete > 0) {
            log.warn(
                "{} of {} completed channels have data missing from the block store",
                incomplete,
                completed);
          } else {
            log.info(
                "the data of all {} completed channels is in the block store ({} read, the others"
                    + " found whole before the last clean stop)",
                completed,
                read);
          }
          return new Checked(incomplete, read, whole);
        },
        executor);
  }

  /**
   * The first block of the traversal of {@code selector} from {@code root} that {@code store} lacks
   * or cannot read, described; empty when every block is there.
   */
  public static Optional<String> firstGap(BlockStore store, Cid root, Selector selector) {
    Traversal t = Traversal.start(root, selector);
    while (true) {
      Optional<Cid> next = t.expectedNext();
      if (next.isEmpty()) {
        return Optional.empty();
      }
      Cid cid = next.get();
      long index = t.index();
      Block block;
      try {
        block = load(store, cid);
      } catch (RuntimeException e) {
        return Optional.of(
            "block %s (block %d of the transfer) cannot be read: %s"
                .formatted(cid, index + 1, e.getMessage()));
      }
      if (block == null) {
        return Optional.of(
            "block %s (block %d of the transfer) is missing".formatted(cid, index + 1));
      }
      try {
        t.advance(block);
      } catch (Exception e) {
        return Optional.of(
            "block %s (block %d of the transfer) cannot be decoded: %s"
                .formatted(cid, index + 1, e.getMessage()));
      }
    }
  }

  /** The block to advance over {@code cid} (raw ones stand in with no bytes), or null if absent. */
  private static Block load(BlockStore store, Cid cid) {
    if (cid.multihash().code() == Multicodec.IDENTITY) {
      return Block.trusted(cid, cid.multihash().digest());
    }
    if (cid.codec() == Multicodec.RAW) {
      return store.has(cid) ? Block.trusted(cid, NO_BYTES) : null;
    }
    return store.get(cid).orElse(null);
  }
}
