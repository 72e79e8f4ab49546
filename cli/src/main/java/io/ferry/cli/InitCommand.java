package io.ferry.cli;

import io.ferry.server.config.FerryConfig;
import io.ferry.transport.identity.NodeIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ferry init}: creates a node's home and its key without starting it (to copy the identity
 * to the other members of a cluster, say). Besides {@code node run}, the one command that creates a
 * home.
 */
@Command(
    name = "init",
    mixinStandardHelpOptions = true,
    description = {
      "Creates a node's home directory and its key (its peer ID) without starting the node.",
      "Does nothing to a home that has a key already. 'ferry node run' does the same on first start."
    })
public final class InitCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin NodeOptions node;

  @Override
  public Integer call() throws IOException {
    FerryConfig cfg = node.config();
    boolean existed = Files.isRegularFile(cfg.home().resolve(NodeIdentity.KEY_FILE));
    NodeIdentity identity = NodeIdentity.loadOrCreate(cfg.home());
    PrintWriter out = spec.commandLine().getOut();
    out.println(
        (existed ? "already a node at " : "created a node at ")
            + cfg.home()
            + "\npeer id:   "
            + identity.peerId());
    out.flush();
    return 0;
  }
}
