package io.ferry.server.http;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the API may read files to import ({@code ferry.api.import-from}): peers can fetch whatever
 * is imported, so an API caller must not be able to import the node's own key, API token or
 * ledgers. Paths are compared after resolving symbolic links, so a link cannot lead out.
 *
 * @param home the node's home directory: never importable
 * @param directories the directories imports may come from; empty allows any directory but the home
 */
public record ImportAllowlist(Path home, List<Path> directories) {
  public ImportAllowlist {
    home = home.toAbsolutePath().normalize();
    directories = directories.stream().map(d -> d.toAbsolutePath().normalize()).toList();
  }

  /**
   * Checks that {@code path} may be imported.
   *
   * @throws IllegalArgumentException saying why it may not
   */
  public void check(Path path) {
    if (!Files.exists(path)) {
      throw new IllegalArgumentException("no such file on the node's machine: " + path);
    }
    Path real;
    try {
      real = path.toRealPath();
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage());
    }
    if (real.startsWith(realOrSelf(home)) || realOrSelf(home).startsWith(real)) {
      throw new IllegalArgumentException(
          "cannot import "
              + path
              + ": it is (or holds) the node's home directory, with its key and ledgers");
    }
    if (directories.isEmpty()) {
      return;
    }
    for (Path allowed : directories) {
      if (real.startsWith(realOrSelf(allowed))) {
        return;
      }
    }
    throw new IllegalArgumentException(
        "cannot import "
            + path
            + ": imports are allowed only from "
            + directories
            + " (ferry.api.import-from)");
  }

  private static Path realOrSelf(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p;
    }
  }
}
