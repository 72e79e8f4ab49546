package io.ferry.transport.tcp.channel;

import io.ferry.ipld.Cid;
import io.ferry.transport.tcp.channel.SendQueue.Ready;
import io.ferry.transport.tcp.flow.MemoryBudget;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * What the blocks a {@link SendQueue} reads ahead hold in the node's memory budget. Its channel's
 * send slot reserved a floor ({@link MemoryBudget#SENDING}, room for one block); beyond it, room is
 * reserved before each store read and the read takes the blocks whose stored sizes fit, and what is
 * sent or dropped is given back ({@link #settle}). Before, a sender reserved 8 MiB with its slot,
 * whatever it read (issue 17). Used on its session's thread, but for {@link #read}.
 */
final class ReadAhead {
  private static final long FLOOR = MemoryBudget.SENDING;

  /**
   * The blocks of one store read, what it reserved beyond the room it was given, and where it
   * stopped for want of room ({@code stoppedAt} -1: it read its whole run) with the size of the
   * block it stopped at.
   */
  record Read(List<Ready> blocks, long reserved, long stoppedAt, long nextSize) {}

  private final SessionIo io;
  private final long most;

  /** The bytes reserved beyond the floor. */
  private long reserved;

  /** The size of the next block to read, when the last read stopped at it for want of room. */
  private long nextSize;

  /** Read-ahead for a queue on {@code io}'s session that reads ahead up to {@code most} bytes. */
  ReadAhead(SessionIo io, long most) {
    this.io = io;
    this.most = most;
  }

  /**
   * The bytes the next read may fill, with {@code buffered} bytes read ahead: up to {@code most} if
   * the budget has room for them, else room for the next block if it has that, else what the floor
   * and the reservation leave.
   */
  long room(long buffered) {
    long room = FLOOR + reserved - buffered;
    long wanted = most - buffered;
    if (room < wanted && io.reserveReadAhead(wanted - room, false)) {
      reserved += wanted - room;
      return wanted;
    }
    if (nextSize > room && io.reserveReadAhead(nextSize - Math.max(room, 0), false)) {
      reserved += nextSize - Math.max(room, 0);
      return nextSize;
    }
    return room;
  }

  /**
   * Whether a queue holding blocks already waits rather than read into {@code room}: it is spent,
   * or the next block is known not to fit. It reads on as it sends what it holds.
   */
  boolean mustWait(long room) {
    return room <= 0 || nextSize > room;
  }

  /**
   * Reads {@code run} on a blocking thread: each needed block once {@code room} holds its stored
   * size, stopping at the first that does not fit, unless nothing is read ahead ({@code empty}) and
   * none was read yet: that one is read anyway, its excess reserved regardless.
   */
  Read read(
      List<Long> run, List<Cid> cids, BitSet needed, BitSet measured, long room, boolean empty) {
    List<Ready> blocks = new ArrayList<>(run.size());
    long left = room;
    long extra = 0;
    boolean readOne = false;
    try {
      for (int k = 0; k < run.size(); k++) {
        Cid cid = cids.get(k);
        long index = run.get(k);
        if (needed.get(k)) {
          long size = io.store().sizeOf(cid).orElseThrow(() -> SendQueue.missing(cid));
          if (size > left) {
            if (!empty || readOne) {
              return new Read(blocks, extra, index, size);
            }
            long over = size - Math.max(left, 0);
            io.reserveReadAhead(over, true);
            extra += over;
            left += over;
          }
          left -= size;
          readOne = true;
          blocks.add(
              new Ready(index, io.store().get(cid).orElseThrow(() -> SendQueue.missing(cid))));
        } else if (measured.get(k)) {
          long size = io.store().sizeOf(cid).orElseThrow(() -> SendQueue.missing(cid));
          blocks.add(new Ready(index, null, size));
        } else {
          blocks.add(new Ready(index, null));
        }
      }
    } catch (RuntimeException e) {
      io.giveBackReadAhead(extra);
      throw e;
    }
    return new Read(blocks, extra, -1, 0);
  }

  /** A read's blocks are kept: what it reserved is the queue's now. */
  void kept(Read read) {
    reserved += read.reserved();
    nextSize = read.nextSize();
  }

  /** A read's blocks are dropped (its queue stopped or waits meanwhile): what it reserved goes. */
  void dropped(Read read) {
    if (read != null && read.reserved() > 0) {
      io.giveBackReadAhead(read.reserved());
    }
  }

  /** The blocks read ahead were dropped: the next read learns the next block's size anew. */
  void forgetNextSize() {
    nextSize = 0;
  }

  /**
   * Keeps the reservation at what {@code buffered} bytes read ahead hold beyond the floor, giving
   * back the rest (or taking what is missing, regardless: the blocks are read).
   */
  void settle(long buffered) {
    long target = Math.max(0, buffered - FLOOR);
    if (reserved > target) {
      io.giveBackReadAhead(reserved - target);
    } else if (reserved < target) {
      io.reserveReadAhead(target - reserved, true);
    }
    reserved = target;
  }
}
