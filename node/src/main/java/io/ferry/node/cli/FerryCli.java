package io.ferry.node.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ferry} command: the entry point of {@code bin/ferry}. */
@Command(
    name = "ferry",
    mixinStandardHelpOptions = true,
    version = "ferry 0.1.0",
    description =
        "Moves content-addressed data between peers through persistent transfer channels.")
public final class FerryCli implements Runnable {

  /** Every subcommand, in the order {@code ferry --help} lists them. Add new commands here. */
  static List<Object> subcommands() {
    return List.of(
        new NodeCommand(),
        new IdCommand(),
        new PullCommand(),
        new PushCommand(),
        new ChannelsCommand(),
        new EventsCommand(),
        new PeersCommand(),
        new ImportCommand(),
        new ExportCommand(),
        new CarCommand(),
        new FsmCommand(),
        new DemoCommand());
  }

  @Override
  public void run() {
    new CommandLine(this).usage(System.out);
  }

  /** Builds the command line with every subcommand registered. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new FerryCli());
    for (Object sub : subcommands()) {
      cl.addSubcommand(sub);
    }
    return cl;
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }
}
