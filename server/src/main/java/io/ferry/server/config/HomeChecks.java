package io.ferry.server.config;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a node checks of its home directory before it starts: that a journal is never opened under
 * an identity other than the one that wrote it, and that what lives there (key, token, journal,
 * ledgers, blocks) is readable by its owner only.
 */
public final class HomeChecks {
  private static final Set<PosixFilePermission> OWNER_DIR =
      PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> OWNER_FILE =
      PosixFilePermissions.fromString("rw-------");

  private HomeChecks() {}

  /**
   * Refuses a home that has a channel journal (or ledgers) but no node key: a new key would be a
   * new identity, and the channels and payments on record belong to the old one.
   *
   * @throws IllegalStateException saying what is missing and what to do
   */
  public static void requireIdentityForJournal(Path home, Path keyFile) {
    if (Files.exists(keyFile)) {
      return;
    }
    for (String kept : new String[] {"journal", "validators"}) {
      Path dir = home.resolve(kept);
      if (hasFiles(dir)) {
        throw new IllegalStateException(
            "the home "
                + home
                + " has a "
                + (kept.equals("journal") ? "channel journal" : "payment ledger")
                + " ("
                + dir
                + ") but no node key ("
                + keyFile
                + "): they belong to the identity that wrote them, and a new key would be a"
                + " different node. Restore the key from a backup, or start with an empty home");
      }
    }
  }

  /**
   * Makes every directory under {@code home} (and {@code home} itself) 700 and every file 600,
   * where the file system has POSIX permissions.
   *
   * @return how many permissions were tightened
   */
  public static int restrictToOwner(Path home) throws IOException {
    if (!Files.isDirectory(home)
        || Files.getFileAttributeView(home, PosixFileAttributeView.class) == null) {
      return 0;
    }
    int[] changed = {0};
    Files.walkFileTree(
        home,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            tighten(dir, OWNER_DIR, changed);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            if (attrs.isRegularFile()) {
              tighten(file, OWNER_FILE, changed);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    return changed[0];
  }

  /**
   * A warning when the API listens beyond this machine: it controls the node and speaks plain HTTP,
   * so only something adding TLS should stand between it and a network. Empty for loopback.
   */
  public static Optional<String> apiExposure(ApiAddress address) {
    InetAddress bound;
    try {
      bound = InetAddress.getByName(address.host());
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
    if (bound.isLoopbackAddress()) {
      return Optional.empty();
    }
    return Optional.of(
        "the HTTP API listens on "
            + address
            + ", beyond this machine: it controls the node with a bearer token over plain HTTP."
            + " Put a TLS proxy in front of it, or listen on 127.0.0.1");
  }

  private static void tighten(Path p, Set<PosixFilePermission> wanted, int[] changed)
      throws IOException {
    if (!Files.getPosixFilePermissions(p).equals(wanted)) {
      Files.setPosixFilePermissions(p, wanted);
      changed[0]++;
    }
  }

  private static boolean hasFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return false;
    }
    try (Stream<Path> entries = Files.walk(dir)) {
      return entries.anyMatch(Files::isRegularFile);
    } catch (IOException e) {
      return true;
    }
  }
}
