package io.ferry.transport.tcp.channel;

import io.ferry.transport.tcp.frame.Frame;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * A receiving channel's credit: how many bytes its sender may have in flight. The channel takes an
 * allocation (at most its window) from the per-peer and node-wide budgets, grants it to the sender
 * minus what arrived but is not stored yet, and returns credit as blocks are stored, unless it is
 * paused or the download rate limit holds it back.
 *
 * <p>A block verified and queued for the store returns its credit at once when the budgets have
 * room for it beyond the allocation ({@link #queued}): the store's queue then holds budget instead
 * of the sender's window, so the sender keeps sending while a slow write is in flight, and the
 * bytes granted but not stored stay within the per-peer and node-wide budgets. Those bytes go back
 * to the budgets once stored. Only the credit moves earlier: progress (what the node acknowledges
 * as received) is still reported once blocks are stored.
 *
 * <p>A paused channel holds no budget it does not need (issue 19): the credit it would grant goes
 * back to the budgets instead of waiting in the channel, and a sender of revision 2 returns the
 * credit it had not used ({@link Frame.CreditReturn}), which goes back too. Otherwise one paused
 * channel kept up to its window of the peer's budget and the peer's other channels starved. On
 * resume the channel takes an allocation again. Confined to the session's thread.
 */
public final class ReceiveCredit {
  private static final long MIN_ALLOCATION = 256 * 1024;
  private static final long FIRST_ALLOCATION = 1L << 20;

  private final SessionIo io;
  private final LongSupplier ref;
  private final BooleanSupplier active;
  private long allocation;
  private long unstored;
  private long early;
  private long withheld;
  private boolean paused;
  private boolean awaiting;
  private boolean started;
  private int generation;

  public ReceiveCredit(SessionIo io, LongSupplier ref, BooleanSupplier active) {
    this.io = io;
    this.ref = ref;
    this.active = active;
  }

  /**
   * The credit to put in a new want: what this channel's allocation allows beyond the bytes not
   * stored yet. A new channel has no allocation yet: it takes one when its sender starts (see
   * {@link #start}), so that senders still waiting for a send slot hold no budget.
   */
  public long open() {
    generation++;
    long credit = Math.max(0, allocation - (unstored - early));
    withheld = 0;
    if (paused) {
      giveBack(credit);
      return 0;
    }
    if (io.limits().downloadThrottled()) {
      withheld = credit;
      return 0;
    }
    return credit;
  }

  /**
   * The sender started (it offered blocks): take a first allocation if there is none and grant it.
   * It starts at 1 MiB and doubles up to the window as the channel's bytes are stored (see {@link
   * #stored}), so a small channel never holds more budget than it can use.
   */
  public void start() {
    started = true;
    if (allocation > 0) {
      return;
    }
    long first = Math.min(io.settings().channelWindow(), FIRST_ALLOCATION);
    long got = io.limits().takeCredit(first, Math.min(first, MIN_ALLOCATION));
    if (got > 0) {
      allocation += got;
      grant(got);
    } else if (allocation == 0) {
      awaitBudget();
    }
  }

  private void awaitBudget() {
    if (awaiting) {
      return;
    }
    awaiting = true;
    int mine = generation;
    io.limits().onCreditFreed(() -> budgetFreed(mine));
  }

  private void budgetFreed(int mine) {
    awaiting = false;
    if (!active.getAsBoolean() || mine != generation || paused) {
      return; // a paused channel takes its allocation when it resumes
    }
    long first = Math.min(io.settings().channelWindow(), FIRST_ALLOCATION);
    long got = io.limits().takeCredit(first, Math.min(first, MIN_ALLOCATION));
    if (got == 0) {
      awaitBudget();
    } else {
      allocation += got;
      grant(got);
    }
  }

  public void arrived(long bytes) {
    unstored += bytes;
  }

  /** Bytes that arrived but will never be stored (lost with their connection). */
  public void dropped(long bytes) {
    unstored -= bytes;
  }

  /**
   * A block of {@code bytes} was verified and queued for the store: returns its credit now if the
   * budgets have room for it beyond the allocation, and says whether it did (then {@link #stored}
   * gives those bytes back to the budgets instead of granting them again).
   */
  public boolean queued(long bytes) {
    if (paused || allocation == 0 || bytes <= 0 || io.limits().takeCredit(bytes, bytes) < bytes) {
      return false;
    }
    early += bytes;
    grant(bytes);
    return true;
  }

  /**
   * Bytes were stored ({@code earlyBytes} of them returned their credit when queued): the sender
   * may send as many again as had not returned theirs, and more if the window allows.
   */
  public void stored(long bytes, long earlyBytes) {
    unstored -= bytes;
    if (earlyBytes > 0) {
      early -= earlyBytes;
      io.limits().giveCredit(earlyBytes);
    }
    bytes -= earlyBytes;
    long window = io.settings().channelWindow();
    long more = 0;
    if (allocation > 0 && allocation < window && !paused) {
      more = io.limits().takeCredit(Math.min(allocation, window - allocation), 1);
      allocation += more;
    }
    grant(bytes + more);
  }

  private void grant(long bytes) {
    if (ref.getAsLong() < 0) {
      // No want is out (the channel waits for its sender's next open): that want carries the
      // credit the allocation allows then.
      return;
    }
    if (paused) {
      giveBack(bytes);
    } else if (io.limits().downloadThrottled()) {
      withheld += bytes;
    } else if (bytes > 0) {
      io.control(new Frame.Credit(ref.getAsLong(), bytes));
    }
  }

  /** Gives {@code bytes} of this channel's allocation back to the budgets. */
  private void giveBack(long bytes) {
    long back = Math.min(bytes, allocation);
    if (back > 0) {
      allocation -= back;
      io.limits().giveCredit(back);
    }
  }

  /** Paused: what was held back for the sender goes back to the budgets. */
  public void pause() {
    paused = true;
    giveBack(withheld);
    withheld = 0;
  }

  /**
   * The sender dropped {@code bytes} of credit it had not used, answering this side's pause: they
   * go back to the budgets, or, if this side resumed meanwhile, to the sender again.
   */
  public void returned(long bytes) {
    if (bytes > 0) {
      grant(bytes);
    }
  }

  /** Resumed: the channel takes its allocation again (a first one's size) and grants it. */
  public void resume() {
    paused = false;
    long first = Math.min(io.settings().channelWindow(), FIRST_ALLOCATION);
    long wanted = first - allocation;
    if (started && wanted > 0) {
      long got = io.limits().takeCredit(wanted, Math.min(wanted, MIN_ALLOCATION));
      if (got > 0) {
        allocation += got;
        grant(got);
      } else if (allocation == 0) {
        awaitBudget();
      }
    }
    release();
  }

  /** Returns the credit held back while paused or throttled, if neither holds any more. */
  public void release() {
    if (withheld > 0 && !paused && !io.limits().downloadThrottled() && active.getAsBoolean()) {
      long c = withheld;
      withheld = 0;
      io.control(new Frame.Credit(ref.getAsLong(), c));
    }
  }

  /** Gives the allocation back to the budgets (the channel ended). */
  public void close() {
    generation++;
    if (allocation + early > 0) {
      io.limits().giveCredit(allocation + early);
      allocation = 0;
      early = 0;
    }
  }
}
