package io.ferry.server.http;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.UUID;

/**
 * Writes an export beside its target under a temporary name and renames it into place once it is
 * whole, so a failed export (a block missing, the disk full, the node stopping) leaves no partial
 * file under the name the caller asked for, and nothing at all once it is cleaned up.
 */
final class PartialExport {
  private PartialExport() {}

  /** Writes the file (or directory) at the path it is given. */
  @FunctionalInterface
  interface Writer {
    void writeTo(Path target) throws IOException;
  }

  /**
   * Runs {@code writer} on a temporary sibling of {@code out} and renames the result to {@code
   * out}; on failure deletes what was written and rethrows.
   */
  static void exportThenRename(Path out, Writer writer) throws IOException {
    Path parent = out.toAbsolutePath().getParent();
    Path tmp = parent.resolve("." + out.getFileName() + ".partial-" + UUID.randomUUID());
    try {
      writer.writeTo(tmp);
      try {
        Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, out);
      }
    } catch (IOException | RuntimeException e) {
      deleteTree(tmp);
      throw e;
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                throws IOException {
              Files.delete(file);
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException exc)
                throws IOException {
              Files.delete(dir);
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // What cannot be deleted stays under its hidden temporary name, never under the target's.
    }
  }
}
