package io.ferry.transport.tcp.flow;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The heap this node lets its channels hold, over all peers, so that it refuses work before the
 * heap runs out (issue 19, 2: paid pulls that never paid held about 15 MB each and a node with
 * {@code channels-total = 128} died of {@code OutOfMemoryError} while it said it was healthy).
 *
 * <p>It charges what channels hold, as they come to hold it (issue 17: a fixed worst case of 512
 * KiB per open channel and 8 MiB per sender capped a node with a 2 GiB heap at 1,536 open channels,
 * 384 per address, while each really held 1-20 KiB). Four holders share it:
 *
 * <ul>
 *   <li>blocks received and not yet stored: the receive credit ({@link #receiveCredit}), carved out
 *       of the budget at start, at most half of it;
 *   <li>each channel a peer asked for: {@link #OPEN} for its state and bookkeeping, from its
 *       request until it ends, also while it waits for payment;
 *   <li>the pages of CIDs a sender walked ahead and offered ({@link #takePages}), by their size,
 *       while it holds them (also while it waits);
 *   <li>the blocks a sender read ahead: a channel holding a send slot reserves {@link #SENDING},
 *       room for one block, so that every channel with a slot makes progress, and reserves more
 *       before each store read ({@link #takeReadAhead}), giving it back as blocks are sent or
 *       dropped. A sender that cannot reserve more reads less; one that cannot take its slot's
 *       floor waits in line ({@code Queued}) until memory is given back ({@link #onFree}).
 * </ul>
 *
 * <p>Requests are refused only when what waiting channels hold (open channels and their pages)
 * fills the budget but for one sender's room: moving channels make new ones wait their turn,
 * channels that wait (for a payment that may never come) make the node refuse more.
 *
 * <p>What the open channels of one network address hold (identities cost nothing, addresses do),
 * and those of one peer, may be at most {@link #share()}: a fraction of the budget's part for
 * channels ({@code ferry.limits.memory-per-address}, default {@link #SHARE_PER_ADDRESS}), at least
 * one channel's worth. An address whose channels wait for a payment that never comes so fills its
 * own share and leaves the rest to other addresses (with -Xmx128m, 11 identities behind one address
 * took the whole budget and a paying peer elsewhere was refused). Thread safe; listeners run
 * outside the lock.
 */
public final class MemoryBudget {
  /**
   * What a channel with a send slot reserves whatever memory it finds: room for one block of up to
   * 1 MiB (the chunk of the default import profile), so that it always makes progress. A larger
   * block is read anyway when nothing else is read ahead, and charged as read.
   */
  public static final long SENDING = 1L << 20;

  /**
   * What a channel a peer asked for holds for its state, vouchers and bookkeeping, beyond its
   * buffers: the live heap per channel measured with 10,000 slow channels open, 18.5-19.9 KiB on
   * the provider (sessions 15 and 18, docs/benchmarks.md) and 1.0-2.9 KiB in session 20, rounded
   * up.
   */
  public static final long OPEN = 20L << 10;

  /** The smallest budget: room for a few senders beside their receive credit. */
  public static final long MINIMUM = 16L << 20;

  /** The part of the channels' memory one address (and one peer) may hold by default. */
  public static final double SHARE_PER_ADDRESS = 0.25;

  private final long capacity;
  private final double sharePerAddress;
  private final ByteBudget receiveCredit;
  private final List<Runnable> onFree = new CopyOnWriteArrayList<>();
  private long sending;
  private int senders;
  private long open;
  private long pages;

  /** Whether a reservation was refused since listeners last heard that memory was given back. */
  private boolean wanted;

  /**
   * A budget of {@code capacity} bytes, of which the receive credit takes {@code inFlightTotal} or
   * half the budget, whichever is smaller.
   */
  public MemoryBudget(long capacity, long inFlightTotal) {
    this(capacity, inFlightTotal, SHARE_PER_ADDRESS);
  }

  /**
   * As {@link #MemoryBudget(long, long)}, letting one address's (and one peer's) open channels hold
   * at most {@code sharePerAddress} (above 0, at most 1) of the channels' part.
   */
  public MemoryBudget(long capacity, long inFlightTotal, double sharePerAddress) {
    if (!(sharePerAddress > 0 && sharePerAddress <= 1)) {
      throw new IllegalArgumentException(
          "the memory share per address must be above 0% and at most 100%, was "
              + sharePerAddress * 100
              + "%");
    }
    if (capacity < MINIMUM) {
      throw new IllegalArgumentException(
          "the memory budget must be at least "
              + mib(MINIMUM)
              + " (room for sending channels and their receive credit), was "
              + capacity
              + " bytes");
    }
    this.capacity = capacity;
    this.sharePerAddress = sharePerAddress;
    this.receiveCredit = new ByteBudget(Math.min(inFlightTotal, capacity / 2));
  }

  /** A budget of {@code fraction} of this JVM's maximum heap. */
  public static long ofHeap(double fraction) {
    return (long) (Runtime.getRuntime().maxMemory() * fraction);
  }

  /** The receive credit over all peers: bytes granted to senders and not yet stored. */
  public ByteBudget receiveCredit() {
    return receiveCredit;
  }

  /**
   * Reserves a sending channel's floor ({@link #SENDING}); false (nothing reserved) if it does not
   * fit.
   */
  public synchronized boolean takeSending() {
    if (free() < SENDING) {
      wanted = true;
      return false;
    }
    sending += SENDING;
    senders++;
    return true;
  }

  /** Whether a sending channel's floor fits now. */
  public synchronized boolean senderFits() {
    return free() >= SENDING;
  }

  /** Gives back a sending channel's floor. */
  public void giveSending() {
    synchronized (this) {
      sending = Math.max(0, sending - SENDING);
      senders = Math.max(0, senders - 1);
    }
    freed();
  }

  /**
   * Reserves {@code bytes} of blocks a sender reads ahead beyond its floor: true if they fit, or if
   * {@code anyway} (a sender with nothing read ahead, whose next block exceeds its floor).
   */
  public synchronized boolean takeReadAhead(long bytes, boolean anyway) {
    if (!anyway && free() < bytes) {
      wanted = true;
      return false;
    }
    sending += bytes;
    return true;
  }

  /** Gives back {@code bytes} of read-ahead: blocks sent, dropped, or reserved and not read. */
  public void giveReadAhead(long bytes) {
    synchronized (this) {
      sending = Math.max(0, sending - bytes);
    }
    freed();
  }

  /** Charges {@code bytes} of pages of CIDs a sender built (never refused: they are built). */
  public synchronized void takePages(long bytes) {
    pages += bytes;
  }

  /** Gives back {@code bytes} of pages of CIDs a sender dropped. */
  public void givePages(long bytes) {
    synchronized (this) {
      pages = Math.max(0, pages - bytes);
    }
    freed();
  }

  /**
   * Reserves what a channel a peer asked for holds; false when waiting channels would leave less
   * than one sender's room. {@code always}: reserves it even so (a restart of an open channel).
   */
  public synchronized boolean takeOpen(boolean always) {
    if (!always && full()) {
      return false;
    }
    open += OPEN;
    return true;
  }

  /** Gives back what a channel a peer asked for held. */
  public void giveOpen() {
    synchronized (this) {
      open = Math.max(0, open - OPEN);
    }
    freed();
  }

  /**
   * Runs {@code listener} when memory is given back after a reservation was refused (outside any
   * lock).
   */
  public void onFree(Runnable listener) {
    onFree.add(listener);
  }

  public long capacity() {
    return capacity;
  }

  /**
   * Bytes held now: receive credit granted, senders' floors and read-ahead, open channels, pages.
   */
  public synchronized long used() {
    return receiveCredit.used() + sending + open + pages;
  }

  /** Bytes charged now for pages of CIDs. */
  public synchronized long pages() {
    return pages;
  }

  /** Bytes reserved now by sending channels: their floors and the blocks they read ahead. */
  public synchronized long sending() {
    return sending;
  }

  /** Whether a new channel a peer asks for would be refused now. */
  public synchronized boolean full() {
    return channelShare() - open - pages - OPEN < SENDING;
  }

  /**
   * The most the open channels of one address, or of one peer, may hold: {@code sharePerAddress} of
   * the budget's part for channels, at least one open channel's {@link #OPEN}.
   */
  public long share() {
    return Math.max(OPEN, (long) (channelShare() * sharePerAddress));
  }

  /**
   * Whether the open channels of one address or peer, which hold {@code held} bytes, may open one
   * more: false when it would take them beyond {@link #share()}.
   */
  public boolean shareHasRoom(long held) {
    return held + OPEN <= share();
  }

  /**
   * Why a request from {@code who} (an address, a peer), whose {@code open} channels hold {@code
   * held} bytes, is refused.
   */
  public String describeShare(String who, int open, long held) {
    return "this node's memory budget is full for "
        + who
        + ": its "
        + open
        + " open channels hold "
        + kib(held)
        + ", the most one address or peer may hold ("
        + Math.round(sharePerAddress * 100)
        + "% of the "
        + mib(channelShare())
        + " for channels, ferry.limits.memory-per-address)";
  }

  /** What the budget holds now, in the user's terms, for refusals and {@code /readyz}. */
  public synchronized String describe() {
    return "this node's memory budget is full: "
        + mib(used())
        + " of "
        + mib(capacity)
        + " in use ("
        + mib(sending)
        + " by "
        + senders
        + " sending channels, "
        + mib(open + pages)
        + " by "
        + open / OPEN
        + " open channels, "
        + mib(receiveCredit.used())
        + " by blocks in flight; ferry.limits.memory)";
  }

  private long channelShare() {
    return capacity - receiveCredit.capacity();
  }

  private long free() {
    return channelShare() - sending - open - pages;
  }

  private void freed() {
    synchronized (this) {
      if (!wanted) {
        return;
      }
      wanted = false;
    }
    onFree.forEach(Runnable::run);
  }

  private static String mib(long bytes) {
    return (bytes >> 20) + " MiB";
  }

  private static String kib(long bytes) {
    return bytes >= 1L << 20 && bytes % (1L << 20) == 0 ? mib(bytes) : (bytes >> 10) + " KiB";
  }
}
