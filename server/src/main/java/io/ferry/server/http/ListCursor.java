package io.ferry.server.http;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Where a page of {@code GET /v1/channels} ended: the last channel listed, by the listing's order
 * ({@link #ORDER}), written {@code <creation, nanoseconds since the epoch>_<channel id>}. The next
 * page starts after it, so channels purged or opened in between shift no page: a channel opened
 * later sorts after every cursor handed out before it.
 */
record ListCursor(long createdNanos, ChannelId channelId) {
  /** Channel IDs by initiator, responder and transfer ID, without writing them out as text. */
  private static final Comparator<ChannelId> BY_ID =
      Comparator.comparing(ChannelId::initiator)
          .thenComparing(ChannelId::responder)
          .thenComparing((a, b) -> Long.compareUnsigned(a.transferId(), b.transferId()));

  /**
   * The listing's order: oldest first, then by channel ID (comparing the IDs as text cost a page of
   * 100,000 channels most of its time).
   */
  static final Comparator<ChannelState> ORDER =
      Comparator.comparing(ChannelState::createdAt).thenComparing(ChannelState::channelId, BY_ID);

  /** The cursor just after {@code last}. */
  static ListCursor of(ChannelState last) {
    return new ListCursor(nanos(last.createdAt()), last.channelId());
  }

  /** Parses a cursor a page's {@code Link} header gave; a malformed one is the caller's error. */
  static ListCursor parse(String text) {
    int sep = text.indexOf('_');
    if (sep > 0) {
      try {
        return new ListCursor(
            Long.parseLong(text.substring(0, sep)), ChannelId.parse(text.substring(sep + 1)));
      } catch (IllegalArgumentException e) {
        // answered below (NumberFormatException is one)
      }
    }
    throw new IllegalArgumentException(
        "after must be the cursor a page's Link header gave (<nanoseconds>_<channel id>), not \""
            + text
            + "\"");
  }

  /** Whether {@code s} comes after this cursor in the listing's order. */
  boolean isBefore(ChannelState s) {
    int c = Long.compare(createdNanos, nanos(s.createdAt()));
    return c < 0 || (c == 0 && BY_ID.compare(channelId, s.channelId()) < 0);
  }

  /**
   * The first {@code limit} of {@code all} in the listing's order: the whole list sorted, or, for a
   * page of a long list, the page alone kept while passing over it once.
   */
  static List<ChannelState> oldestFirst(List<ChannelState> all, int limit) {
    if (limit >= all.size()) {
      List<ChannelState> sorted = new ArrayList<>(all);
      sorted.sort(ORDER);
      return sorted;
    }
    PriorityQueue<ChannelState> newestKept = new PriorityQueue<>(limit + 1, ORDER.reversed());
    for (ChannelState s : all) {
      if (newestKept.size() < limit) {
        newestKept.add(s);
      } else if (ORDER.compare(s, newestKept.peek()) < 0) {
        newestKept.poll();
        newestKept.add(s);
      }
    }
    List<ChannelState> page = new ArrayList<>(newestKept);
    page.sort(ORDER);
    return page;
  }

  private static long nanos(Instant t) {
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  @Override
  public String toString() {
    return createdNanos + "_" + channelId;
  }
}
