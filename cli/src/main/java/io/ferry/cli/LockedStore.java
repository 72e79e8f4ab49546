package io.ferry.cli;

import java.nio.file.Path;

/**
 * LevelDB lets one process open a database: a second node, or a command opening the block store
 * while a node runs, fails with LevelDB's lock error. This says what it means instead.
 */
final class LockedStore {
  private LockedStore() {}

  /** Whether {@code t} (or a cause) is LevelDB's "lock ... already held" error. */
  static boolean isLocked(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("/LOCK") || m.contains("lock ") && m.contains("held")) {
        return true;
      }
    }
    return false;
  }

  /** The user's words for a locked store under {@code home}. */
  static String message(Path home) {
    return "another node is running with home "
        + home
        + " (its block store is locked); stop it first, or use another --home";
  }

  /** The user's words for a locked store, the home taken from the error. */
  static String message(Throwable t) {
    String m = String.valueOf(t.getMessage());
    int at = m.indexOf(" at ");
    int blocks = m.indexOf("/blocks");
    if (at >= 0 && blocks > at) {
      return message(Path.of(m.substring(at + 4, blocks)));
    }
    return "another node is running with this home (its block store is locked); stop it first,"
        + " or use another --home";
  }
}
