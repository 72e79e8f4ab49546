package io.ferry.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code ferry} command: the entry point of {@code bin/ferry}. */
@Command(
    name = "ferry",
    mixinStandardHelpOptions = true,
    version = "ferry " + FerryCli.VERSION,
    description =
        "Moves content-addressed data between peers through persistent transfer channels.")
public final class FerryCli implements Runnable {
  /** Ferry's version, as {@code -V} and the {@code ferry_build_info} metric show it. */
  public static final String VERSION = "0.1.0";

  /** Every subcommand, in the order {@code ferry --help} lists them. Add new commands here. */
  static List<Object> subcommands() {
    return List.of(
        new NodeCommand(),
        new InitCommand(),
        new IdCommand(),
        new PullCommand(),
        new PushCommand(),
        new ChannelsCommand(),
        new EventsCommand(),
        new PeersCommand(),
        new ClusterCommand(),
        new ImportCommand(),
        new ExportCommand(),
        new CatCommand(),
        new FetchCommand(),
        new CarCommand(),
        new FsmCommand(),
        new DemoCommand());
  }

  @Spec CommandSpec spec;

  /** Bare {@code ferry}: the list of commands. */
  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Builds the command line with every subcommand registered. */
  public static CommandLine commandLine() {
    CommandLine cl = new CommandLine(new FerryCli());
    for (Object sub : subcommands()) {
      cl.addSubcommand(sub);
    }
    cl.setExecutionExceptionHandler(new Failures());
    giveEveryCommandTheVersion(cl, cl.getCommandSpec().version());
    tidyDescriptions(cl);
    cl.setUsageHelpAutoWidth(true);
    return cl;
  }

  /** So that {@code -V} on any subcommand prints the version, as on {@code ferry} itself. */
  private static void giveEveryCommandTheVersion(CommandLine cl, String[] version) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      if (sub.getCommandSpec().version().length == 0) {
        sub.getCommandSpec().version(version);
      }
      giveEveryCommandTheVersion(sub, version);
    }
  }

  /**
   * Descriptions are written as source lines of one paragraph; picocli would print each as its own
   * line, and the list of commands would show the first line cut mid-sentence. Each becomes its
   * first sentence (what the list of commands shows) and then the rest as one paragraph, which
   * picocli wraps to the terminal's width.
   */
  private static void tidyDescriptions(CommandLine cl) {
    for (CommandLine sub : cl.getSubcommands().values()) {
      var usage = sub.getCommandSpec().usageMessage();
      usage.description(summaryAndRest(String.join(" ", usage.description())));
      tidyDescriptions(sub);
    }
  }

  /** {@code ["First sentence.", "The rest."]}, or the one sentence alone. */
  static String[] summaryAndRest(String text) {
    String t = text.strip().replaceAll("\\s+", " ");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("(?<=[A-Za-z0-9)\\]'\"]\\.)\\s+(?=[A-Z(])").matcher(t);
    if (!m.find()) {
      return new String[] {t};
    }
    return new String[] {t.substring(0, m.start()), t.substring(m.end())};
  }

  private static final String COMMON_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) {
    // A node run stops its parts in order from its own shutdown hook; Pekko's hooks, registered
    // when a stopping system first touches CoordinatedShutdown, only warned "Could not
    // addJvmShutdownHook, due to: Shutdown in progress" at every stop.
    System.setProperty("pekko.coordinated-shutdown.run-by-jvm-shutdown-hook", "off");
    // Every Pekko ask seen from Java is a Scala CompletionStage, which runs each dependent stage
    // asynchronously on the common pool. On 2 cores that pool has parallelism 1, and the JDK then
    // starts a new thread per stage instead: 4,000 thread starts for 1,000 one-block channels.
    if (System.getProperty(COMMON_PARALLELISM) == null) {
      System.setProperty(
          COMMON_PARALLELISM,
          String.valueOf(Math.max(2, Runtime.getRuntime().availableProcessors() - 1)));
    }
    System.exit(commandLine().execute(args));
  }
}
