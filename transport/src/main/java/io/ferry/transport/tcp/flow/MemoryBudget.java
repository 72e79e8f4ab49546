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
 * node refuse more. Thread safe; listeners run outside the lock.
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

  private final long capacity;
  private final ByteBudget receiveCredit;
  private final List<Runnable> onFree = new CopyOnWriteArrayList<>();
  private long sending;
  private long open;

  /**
   * A budget of {@code capacity} bytes, of which the receive credit takes {@code inFlightTotal} or
   * half the budget, whichever is smaller.
   */
  public MemoryBudget(long capacity, long inFlightTotal) {
    if (capacity < 2 * SENDING) {
      throw new IllegalArgumentException(
          "the memory budget must be at least "
              + mib(2 * SENDING)
              + " (room for one sending channel and its receive credit), was "
              + capacity
              + " bytes");
    }
    this.capacity = capacity;
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
}
