package io.ferry.cli;

import io.ferry.server.RunningNode;
import io.ferry.server.config.FerryConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code ferry node}: run a node. */
@Command(
    name = "node",
    mixinStandardHelpOptions = true,
    description = "Runs a Ferry node.",
    subcommands = {NodeCommand.Run.class})
public final class NodeCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code ferry node run}. */
  @Command(
      name = "run",
      mixinStandardHelpOptions = true,
      description = {
        "Runs a node in the foreground until SIGINT or SIGTERM.",
        "Writes the API address to <home>/api.addr and the API token to <home>/api.token",
        "(created on first start, owner-only), so other ferry commands find the node.",
        "Configuration: reference.conf < --config FILE < FERRY_HOME/FERRY_LISTEN/FERRY_API",
        "< -Dferry.* < flags (see docs/operations.md)."
      })
  static final class Run implements Callable<Integer> {
    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--home",
        paramLabel = "DIR",
        description = "Data directory (default: $FERRY_HOME, else ~/.ferry).")
    Path home;

    @Option(
        names = "--listen",
        paramLabel = "MULTIADDR",
        description = "Peer listen address, e.g. /ip4/0.0.0.0/tcp/7770.")
    String listen;

    @Option(
        names = "--api",
        paramLabel = "HOST:PORT",
        description = "HTTP API address (default 127.0.0.1:7771).")
    String api;

    @Option(
        names = "--gateway",
        paramLabel = "HOST:PORT",
        description =
            "Also serve the IPFS trustless gateway here (read-only, no token; docs/gateway.md).")
    String gateway;

    @Option(names = "--config", paramLabel = "FILE", description = "A HOCON configuration file.")
    Path config;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      FerryConfig cfg;
      try {
        cfg =
            FerryConfig.load(
                new FerryConfig.Flags(
                    Optional.ofNullable(config),
                    Optional.ofNullable(home),
                    Optional.ofNullable(listen),
                    Optional.ofNullable(api),
                    Optional.ofNullable(gateway)));
      } catch (IllegalArgumentException e) {
        throw CliError.badInput(e.getMessage());
      }
      RunningNode node;
      try {
        node = RunningNode.start(cfg, FerryCli.VERSION);
      } catch (Exception e) {
        Throwable cause =
            e.getCause() != null && e instanceof java.util.concurrent.ExecutionException
                ? e.getCause()
                : e;
        if (LockedStore.isLocked(cause)) {
          throw CliError.failed(LockedStore.message(cfg.home()));
        }
        throw new CliError(
            ExitCodes.FAILED,
            "cannot start the node in " + cfg.home() + ": " + cause.getMessage(),
            cause);
      }
      CountDownLatch stopped = new CountDownLatch(1);
      java.util.concurrent.atomic.AtomicBoolean signalled =
          new java.util.concurrent.atomic.AtomicBoolean();
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    signalled.set(true);
                    node.close();
                    stopped.countDown();
                  },
                  "ferry-shutdown"));
      out.println("ferry node " + node.node().peerId());
      out.println("  home:   " + cfg.home());
      out.println("  peers:  " + node.listenAddress());
      out.println("  api:    " + node.apiUrl() + " (token in " + cfg.api().tokenFile() + ")");
      node.gatewayUrl()
          .ifPresent(g -> out.println("  gateway: " + g + " (IPFS trustless, read-only)"));
      out.flush();
      // A cluster member that the others removed (downed) stops its actor system: the process
      // then ends too, so that whatever supervises it starts it again.
      node.node().system().getWhenTerminated().thenRun(stopped::countDown);
      stopped.await();
      if (!signalled.get()) {
        PrintWriter err = spec.commandLine().getErr();
        err.println(
            "ferry node run: the node stopped by itself (removed from its cluster); exiting");
        err.flush();
        return 1;
      }
      return 0;
    }
  }
}
