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
}
