package io.ferry.ipld.trustless;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * An {@code entity-bytes=from:to} request parameter: byte offsets into a file, inclusive, where a
 * negative number counts from the end of the file and {@code to} may be {@code *} for the end.
 *
 * @param from the first byte; negative counts back from the end
 * @param to the last byte, inclusive; negative counts back from the end; empty for {@code *}
 */
public record EntityBytes(long from, OptionalLong to) {
  /**
   * Parses {@code from:to}.
   *
   * @throws IllegalArgumentException saying what is wrong, in the parameter's terms
   */
  public static EntityBytes parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0 || colon == text.length() - 1 || text.indexOf(':', colon + 1) >= 0) {
      throw new IllegalArgumentException(
          "entity-bytes must be from:to (e.g. 0:1023, 512:*, -1024:*), was '" + text + "'");
    }
    long from = number(text, text.substring(0, colon));
    String toText = text.substring(colon + 1);
    OptionalLong to =
        toText.equals("*") ? OptionalLong.empty() : OptionalLong.of(number(text, toText));
    if (from >= 0 && to.isPresent() && to.getAsLong() >= 0 && to.getAsLong() < from) {
      throw new IllegalArgumentException("entity-bytes '" + text + "' ends before it starts");
    }
    return new EntityBytes(from, to);
  }

  private static long number(String whole, String part) {
    try {
      return Long.parseLong(part);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "entity-bytes '" + whole + "': '" + part + "' is not a whole number or *");
    }
  }

  /**
   * The byte range this names in an entity of {@code size} bytes, clamped to it; empty when it
   * selects no byte at all (starts at or past the end, or ends before it starts).
   */
  public Optional<Range> within(long size) {
    long start = from < 0 ? Math.max(0, size + from) : from;
    long end =
        to.isEmpty() ? size - 1 : to.getAsLong() < 0 ? size + to.getAsLong() : to.getAsLong();
    end = Math.min(end, size - 1);
    if (start >= size || end < start) {
      return Optional.empty();
    }
    return Optional.of(new Range(start, end));
  }

  /** An inclusive range of byte offsets, {@code first <= last}. */
  public record Range(long first, long last) {
    /** Whether the {@code length} bytes from {@code start} on share a byte with this range. */
    public boolean overlaps(long start, long length) {
      return length > 0 && start <= last && start + length - 1 >= first;
    }
  }

  @Override
  public String toString() {
    return from + ":" + (to.isEmpty() ? "*" : String.valueOf(to.getAsLong()));
  }
}
