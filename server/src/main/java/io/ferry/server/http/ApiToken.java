package io.ferry.server.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API's bearer token: 32 random bytes, base64url, kept in a file only its owner can read.
 * Created on the node's first start; rotated by deleting the file and restarting the node.
 */
public final class ApiToken {
  private static final Logger log = LoggerFactory.getLogger(ApiToken.class);
  private static final Set<PosixFilePermission> OWNER_ONLY =
      PosixFilePermissions.fromString("rw-------");

  private final String value;

  private ApiToken(String value) {
    this.value = value;
  }

  /** A token with this value (e.g. read by a client). */
  public static ApiToken of(String value) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("an API token must not be empty");
    }
    return new ApiToken(value.strip());
  }

  /**
   * Reads the token from {@code file}, or creates one there with owner-only permissions. An
   * existing file that others can read is tightened to owner-only, with a warning.
   */
  public static ApiToken loadOrCreate(Path file) {
    try {
      if (Files.exists(file)) {
        tighten(file);
        return of(Files.readString(file, StandardCharsets.US_ASCII));
      }
      Files.createDirectories(file.toAbsolutePath().getParent());
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      String token = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
      writeOwnerOnly(file, token + "\n");
      return new ApiToken(token);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read or create the API token " + file, e);
    }
  }

  /**
   * Reads the token a node wrote, for a client.
   *
   * @return empty when the file does not exist
   */
  public static Optional<ApiToken> read(Path file) {
    try {
      return Files.exists(file)
          ? Optional.of(of(Files.readString(file, StandardCharsets.US_ASCII)))
          : Optional.empty();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the API token " + file, e);
    }
  }

  /**
   * Writes {@code text} to {@code file} atomically, readable and writable by the owner only (on
   * file systems with POSIX permissions).
   */
  public static void writeOwnerOnly(Path file, String text) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    Path tmp = dir.resolve("." + file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    if (isPosix(dir)) {
      try {
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
      } catch (FileAlreadyExistsException e) {
        throw new IOException("another process is writing " + file, e);
      }
    } else {
      Files.createFile(tmp);
    }
    Files.writeString(tmp, text, StandardCharsets.US_ASCII);
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static boolean isPosix(Path p) {
    return Files.getFileAttributeView(p, PosixFileAttributeView.class) != null;
  }

  private static void tighten(Path file) throws IOException {
    if (!isPosix(file)) {
      return;
    }
    Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
    if (!OWNER_ONLY.containsAll(perms)) {
      log.warn(
          "API token file {} was readable by others ({}); restricting it to its owner",
          file,
          PosixFilePermissions.toString(perms));
      Files.setPosixFilePermissions(file, OWNER_ONLY);
    }
  }

  /** Whether an {@code Authorization} header value carries this token (constant-time). */
  public boolean accepts(String authorizationHeader) {
    if (authorizationHeader == null) {
      return false;
    }
    String h = authorizationHeader.strip();
    if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    byte[] given = h.substring(7).strip().getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(given, value.getBytes(StandardCharsets.US_ASCII));
  }

  /** The {@code Authorization} header value a client sends. */
  public String header() {
    return "Bearer " + value;
  }

  /** The token itself. */
  public String value() {
    return value;
  }

  @Override
  public String toString() {
    return "ApiToken(****)";
  }
}
