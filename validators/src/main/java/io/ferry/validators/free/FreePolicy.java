package io.ferry.validators.free;

import io.ferry.channels.PeerId;
import java.util.Locale;
import java.util.Set;

/**
 * What a node serves without payment ({@code ferry.validators.free}).
 *
 * @param mode what is free
 * @param pushPeers the peers whose pushes are accepted under {@link Mode#PULLS_AND_PUSHES}; empty
 *     means any peer
 */
public record FreePolicy(Mode mode, Set<PeerId> pushPeers) {
  /** What is free. */
  public enum Mode {
    /** Any peer may pull any DAG this node holds; pushes need a voucher. */
    PULLS,
    /** Pulls as above, and pushes from the listed peers (any peer when none are listed). */
    PULLS_AND_PUSHES,
    /** Nothing: every request needs a voucher of a type some validator accepts. */
    OFF;

    /** The mode's configuration word: {@code pulls}, {@code pulls-and-pushes} or {@code off}. */
    public String word() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * The mode named by {@code word}.
     *
     * @throws IllegalArgumentException naming the words that are understood
     */
    public static Mode parse(String word) {
      for (Mode m : values()) {
        if (m.word().equals(word.strip().toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "ferry.validators.free must be pulls, pulls-and-pushes or off, was '" + word + "'");
    }
  }

  public FreePolicy {
    pushPeers = Set.copyOf(pushPeers);
  }

  /** Only pulls are free, from anyone. */
  public static FreePolicy pulls() {
    return new FreePolicy(Mode.PULLS, Set.of());
  }

  /** Nothing is free. */
  public static FreePolicy off() {
    return new FreePolicy(Mode.OFF, Set.of());
  }

  /** Whether a free pull by {@code peer} is served. */
  public boolean servesPull(PeerId peer) {
    return mode != Mode.OFF;
  }

  /** Whether a free push by {@code peer} is accepted. */
  public boolean acceptsPush(PeerId peer) {
    return mode == Mode.PULLS_AND_PUSHES && (pushPeers.isEmpty() || pushPeers.contains(peer));
  }
}
