package io.ferry.cli;

import io.ferry.transport.identity.NodeIdentity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A node's home as every command but {@code ferry node run} sees it: it must exist already, holding
 * the node key that {@code node run} creates on first start. No other command creates a home or an
 * identity, so a mistyped {@code --home} is an error naming the path, not a new empty node.
 */
final class NodeHome {
  private NodeHome() {}

  /** {@code home}, when a node has been started there; otherwise a {@link CliError}. */
  static Path existing(Path home) {
    if (!Files.isRegularFile(home.resolve(NodeIdentity.KEY_FILE))) {
      String what = Files.isDirectory(home) ? "has no node key" : "does not exist";
      throw CliError.badInput(
          "no Ferry node at "
              + home
              + " ("
              + home
              + " "
              + what
              + "): is --home (or $FERRY_HOME) mistyped? 'ferry node run --home "
              + home
              + "' creates a node there");
    }
    return home;
  }

  /** The identity of the node at {@code home} (which must exist), never creating one. */
  static NodeIdentity identity(Path home) {
    Path file = existing(home).resolve(NodeIdentity.KEY_FILE);
    try {
      return NodeIdentity.load(file);
    } catch (IOException e) {
      throw CliError.failed("cannot read the node key " + file + ": " + e.getMessage());
    }
  }
}
