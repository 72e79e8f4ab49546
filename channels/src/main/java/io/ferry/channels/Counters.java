package io.ferry.channels;

import java.util.Objects;

/**
 * What a channel has moved, each block counted once however often it moved: queued for sending,
 * written to the wire, and received and verified.
 *
 * @param queued bytes and blocks queued for sending
 * @param sent bytes and blocks written to the wire
 * @param received bytes and blocks received and verified
 */
public record Counters(Count queued, Count sent, Count received) {
  /** Nothing moved yet. */
  public static final Counters NONE = new Counters(Count.ZERO, Count.ZERO, Count.ZERO);

  public Counters {
    Objects.requireNonNull(queued, "queued");
    Objects.requireNonNull(sent, "sent");
    Objects.requireNonNull(received, "received");
  }

  /** Bytes and blocks, each block counted once. */
  public record Count(long bytes, long blocks) {
    /** No bytes, no blocks. */
    public static final Count ZERO = new Count(0, 0);

    /** This count with {@code bytes} and {@code blocks} more. */
    public Count plus(long bytes, long blocks) {
      return new Count(this.bytes + bytes, this.blocks + blocks);
    }
  }

  /** These counters with bytes and blocks added to the queued count. */
  public Counters addQueued(long bytes, long blocks) {
    return new Counters(queued.plus(bytes, blocks), sent, received);
  }

  /** These counters with bytes and blocks added to the sent count. */
  public Counters addSent(long bytes, long blocks) {
    return new Counters(queued, sent.plus(bytes, blocks), received);
  }

  /** These counters with bytes and blocks added to the received count. */
  public Counters addReceived(long bytes, long blocks) {
    return new Counters(queued, sent, received.plus(bytes, blocks));
  }
}
