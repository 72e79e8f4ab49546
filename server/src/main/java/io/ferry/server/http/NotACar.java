package io.ferry.server.http;

import java.nio.file.Path;

/**
 * A file given to be imported as a CAR that is not one: the CAR reader's words for it ("invalid
 * dag-cbor at byte 1", "CAR header declares ... bytes") describe bytes, not the user's mistake.
 */
public final class NotACar {
  private NotACar() {}

  /**
   * The user's words when {@code error}, from reading {@code file} as a CAR, says its very first
   * section is no CAR header; empty for other errors (a damaged block, a truncated CAR).
   */
  public static java.util.Optional<String> describe(Path file, Throwable error) {
    String m = String.valueOf(error.getMessage());
    boolean noHeader =
        m.startsWith("invalid CAR header: invalid dag-cbor")
            || m.startsWith("invalid CAR header: expected a map")
            || m.startsWith("CAR header ")
            || m.startsWith("not a CAR");
    if (!noHeader) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        file
            + " is not a CAR file (it does not begin with a CAR header); 'ferry import' imports"
            + " files and directories");
  }
}
