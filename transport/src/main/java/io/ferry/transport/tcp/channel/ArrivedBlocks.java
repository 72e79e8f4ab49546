package io.ferry.transport.tcp.channel;

import io.ferry.transport.tcp.frame.InboundBlock;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The blocks a receiving channel got from the wire and has not consumed yet, in arrival order, and
 * the bytes it received in all (checked against the per-channel maximum). Each block holds credit
 * from its arrival until it is stored, or until it is dropped unused, which returns the credit.
 * Confined to the session's thread.
 */
public final class ArrivedBlocks {
  private final Deque<InboundBlock> queue = new ArrayDeque<>();
  private final ReceiveCredit credit;
  private final long maxBytes;
  private long received;

  /** Blocks counted against {@code credit}, at most {@code maxBytes} in all (0: no maximum). */
  public ArrivedBlocks(ReceiveCredit credit, long maxBytes) {
    this.credit = credit;
    this.maxBytes = maxBytes;
  }

  /**
   * Takes a block in, after its hash check; returns why the channel must fail instead (the block
   * does not match its CID, or it goes beyond the maximum), or null.
   */
  public String add(InboundBlock b) {
    if (!b.matches()) {
      return b.problem();
    }
    if (maxBytes > 0 && received + b.data().length > maxBytes) {
      return "the channel exceeds the maximum of " + maxBytes + " bytes";
    }
    received += b.data().length;
    credit.arrived(b.data().length);
    queue.add(b);
    return null;
  }

  /** The oldest block not consumed yet, taken out; null if none. */
  public InboundBlock poll() {
    return queue.poll();
  }

  /** Drops the blocks not consumed (they belong to an earlier want) and returns their credit. */
  public void dropUnused() {
    queue.forEach(b -> credit.dropped(b.data().length));
    queue.clear();
  }

  /** Forgets the blocks not consumed, the channel having ended (its credit is closed). */
  public void clear() {
    queue.clear();
  }
}
