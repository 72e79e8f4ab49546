package io.ferry.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;

/**
 * Reads a number that must lie in a range; a value outside it fails with the key, the bound and the
 * file and line it came from.
 */
final class Bounded {
  private Bounded() {}

  static int positive(Config c, String key) {
    int v = c.getInt(key);
    if (v <= 0) {
      throw new ConfigException.BadValue(c.getValue(key).origin(), key, "must be > 0, was " + v);
    }
    return v;
  }

  static long nonNegative(Config c, String key) {
    long v = c.getLong(key);
    if (v < 0) {
      throw new ConfigException.BadValue(c.getValue(key).origin(), key, "must be >= 0, was " + v);
    }
    return v;
  }

  static long positiveBytes(Config c, String key) {
    long v = c.getBytes(key);
    if (v <= 0) {
      throw new ConfigException.BadValue(c.getValue(key).origin(), key, "must be > 0, was " + v);
    }
    return v;
  }

  static long nonNegativeBytes(Config c, String key) {
    long v = c.getBytes(key);
    if (v < 0) {
      throw new ConfigException.BadValue(c.getValue(key).origin(), key, "must be >= 0, was " + v);
    }
    return v;
  }

  /**
   * A share of this JVM's maximum heap: {@code "50%"}, or a size ({@code "256 MiB"}); at least
   * {@code min} bytes.
   */
  /** A percentage above 0% and at most 100% ({@code "25%"}), as a fraction. */
  static double percentage(Config c, String key) {
    String raw = c.getString(key).trim();
    double percent = Double.NaN;
    if (raw.endsWith("%")) {
      try {
        percent = Double.parseDouble(raw.substring(0, raw.length() - 1).trim());
      } catch (NumberFormatException e) {
        // refused below
      }
    }
    if (!(percent > 0 && percent <= 100)) {
      throw new ConfigException.BadValue(
          c.getValue(key).origin(),
          key,
          "must be a percentage above 0% and at most 100%, was " + raw);
    }
    return percent / 100;
  }

  static long heapShare(Config c, String key, long min) {
    String raw = c.getString(key).trim();
    long v;
    if (raw.endsWith("%")) {
      double percent;
      try {
        percent = Double.parseDouble(raw.substring(0, raw.length() - 1).trim());
      } catch (NumberFormatException e) {
        throw new ConfigException.BadValue(
            c.getValue(key).origin(),
            key,
            "must be a percentage of the heap or a size, was " + raw);
      }
      if (percent <= 0 || percent > 100) {
        throw new ConfigException.BadValue(
            c.getValue(key).origin(), key, "must be between 0% and 100% of the heap, was " + raw);
      }
      v = (long) (Runtime.getRuntime().maxMemory() * percent / 100);
    } else {
      v = c.getBytes(key);
    }
    if (v < min) {
      throw new ConfigException.BadValue(
          c.getValue(key).origin(),
          key,
          "must be at least " + (min >> 20) + " MiB, was " + raw + " (" + (v >> 20) + " MiB)");
    }
    return v;
  }
}
