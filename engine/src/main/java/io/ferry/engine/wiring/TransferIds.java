package io.ferry.engine.wiring;

import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Transfer ids for channels this node opens: a counter seeded with the current time in nanoseconds
 * (go-data-transfer's scheme), so ids stay unique across restarts of the node as long as it opens
 * fewer than a billion channels a second and its clock does not go back.
 */
public final class TransferIds {
  private final AtomicLong next;

  public TransferIds() {
    Instant now = Instant.now();
    this.next = new AtomicLong(now.getEpochSecond() * 1_000_000_000L + now.getNano());
  }

  public long next() {
    return next.getAndIncrement();
  }
}
