package io.ferry.transport.tcp.flow;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The heap this node lets its channels hold, over all peers, so that it refuses work before the
 * heap runs out (issue 19, 2: paid pulls that never paid held about 15 MB each and a node with
 * {@code channels-total = 128} died of {@code OutOfMemoryError} while it said it was healthy).
 *
 * <p>Three holders share it. Blocks received and not yet stored: the receive credit ({@link
 * #receiveCredit}), carved out of the budget at start, at most half of it. A channel sending data
 * reserves {@link #SENDING} for the blocks it reads ahead while it holds a send slot; one that
 * cannot waits in line ({@code Queued}) until memory is given back. A channel a peer asked for
 * reserves {@link #OPEN} from its request until it ends, also while it waits for payment. Requests
 * are refused only when such channels fill the budget but for one sender's room: moving channels
 * make new ones wait their turn, channels that wait (for a payment that may never come) make the
 * node refuse more.
 *
 * <p>The open channels of one network address (identities cost nothing, addresses do), and those of
 * one peer, may reserve at most {@link #share()}: a fraction of the budget's part for channels
 * ({@code ferry.limits.memory-per-address}, default {@link #SHARE_PER_ADDRESS}), at least one
 * channel's worth. An address whose channels wait for a payment that never comes so fills its own
 * share and leaves the rest to other addresses (with -Xmx128m, 11 identities behind one address
 * took the whole budget and a paying peer elsewhere was refused). Thread safe; listeners run
 * outside the lock.
 */
public final class MemoryBudget {
  /**
   * What a sending channel holds: its read-ahead of up to 4 MiB plus one store read of up to 16
   * blocks (256 KiB each, the usual UnixFS chunk).
   */
  public static final long SENDING = 8L << 20;

  /**
   * What a channel a peer asked for holds while it waits (paused for payment, queued): the pages of
   * CIDs offered to the receiver (up to 3 × 4096), its state, vouchers and bookkeeping.
   */
  public static final long OPEN = 512L << 10;

  /** The part of the channels' memory one address (and one peer) may reserve by default. */
  public static final double SHARE_PER_ADDRESS = 0.25;

  private final long capacity;
  private final double sharePerAddress;
  private final ByteBudget receiveCredit;
  private final List<Runnable> onFree = new CopyOnWriteArrayList<>();
  private long sending;
  private long open;

  /**
   * A budget of {@code capacity} bytes, of which the receive credit takes {@code inFlightTotal} or
   * half the budget, whichever is smaller.
   */
  public MemoryBudget(long capacity, long inFlightTotal) {
    this(capacity, inFlightTotal, SHARE_PER_ADDRESS);
  }

  /**
   * As {@link #MemoryBudget(long, long)}, letting one address's (and one peer's) open channels
   * reserve at most {@code sharePerAddress} (above 0, at most 1) of the channels' part.
   */
  public MemoryBudget(long capacity, long inFlightTotal, double sharePerAddress) {
    if (!(sharePerAddress > 0 && sharePerAddress <= 1)) {
      throw new IllegalArgumentException(
          "the memory share per address must be above 0% and at most 100%, was "
              + sharePerAddress * 100
              + "%");
    }
    if (capacity < 2 * SENDING) {
      throw new IllegalArgumentException(
          "the memory budget must be at least "
              + mib(2 * SENDING)
              + " (room for one sending channel and its receive credit), was "
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

  /** Reserves a sending channel's read-ahead; false (nothing reserved) when it does not fit. */
  public synchronized boolean takeSending() {
    if (channelShare() - sending - open < SENDING) {
      return false;
    }
    sending += SENDING;
    return true;
  }

  /** Whether a sending channel's read-ahead fits now. */
  public synchronized boolean senderFits() {
    return channelShare() - sending - open >= SENDING;
  }

  /** Gives back a sending channel's reservation. */
  public void giveSending() {
    synchronized (this) {
      sending = Math.max(0, sending - SENDING);
    }
    freed();
  }

  /**
   * Reserves what a channel a peer asked for holds; false when open channels would leave less than
   * one sending channel's room. {@code always}: reserves it even so (a restart of an open channel).
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

  /** Runs {@code listener} every time memory is given back (outside any lock). */
  public void onFree(Runnable listener) {
    onFree.add(listener);
  }

  public long capacity() {
    return capacity;
  }

  /** Bytes reserved now: receive credit granted, sending channels and open channels. */
  public synchronized long used() {
    return receiveCredit.used() + sending + open;
  }

  /** Whether a new channel a peer asks for would be refused now. */
  public synchronized boolean full() {
    return channelShare() - open - OPEN < SENDING;
  }

  /**
   * The most the open channels of one address, or of one peer, may reserve: {@code sharePerAddress}
   * of the budget's part for channels, at least one open channel's {@link #OPEN}.
   */
  public long share() {
    return Math.max(OPEN, (long) (channelShare() * sharePerAddress));
  }

  /**
   * Whether {@code open} channels of one address or peer may reserve one more: false when it would
   * take them beyond {@link #share()}.
   */
  public boolean shareHasRoom(int open) {
    return (open + 1L) * OPEN <= share();
  }

  /** Why a request from {@code who} (an address, a peer), holding {@code open} channels, waits. */
  public String describeShare(String who, int open) {
    return "this node's memory budget is full for "
        + who
        + ": its "
        + open
        + " open channels hold "
        + kib(open * OPEN)
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
        + sending / SENDING
        + " sending channels, "
        + mib(open)
        + " by "
        + open / OPEN
        + " open channels, "
        + mib(receiveCredit.used())
        + " by blocks in flight; ferry.limits.memory)";
  }

  private long channelShare() {
    return capacity - receiveCredit.capacity();
  }

  private void freed() {
    onFree.forEach(Runnable::run);
  }

  private static String mib(long bytes) {
    return (bytes >> 20) + " MiB";
  }

  private static String kib(long bytes) {
    return bytes >= 1L << 20 && bytes % (1L << 20) == 0 ? mib(bytes) : (bytes >> 10) + " KiB";
  }
}
