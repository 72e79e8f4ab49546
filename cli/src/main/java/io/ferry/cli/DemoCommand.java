package io.ferry.cli;

import io.ferry.cli.demo.Demo;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry demo}: two real nodes in two child processes with fresh homes, a paid retrieval of a
 * generated file between them over TCP, with progress and live events, verified byte for byte (see
 * {@link Demo}).
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Starts two nodes as separate processes with fresh homes (a provider that sells",
      "retrievals and a client with a budget), imports a generated file on the provider,",
      "pulls it to the client over TCP with a paid-retrieval voucher while showing progress",
      "and the events of both nodes, verifies the bytes (SHA-256), prints a summary, and",
      "stops both nodes and removes their homes. Exit code 0 only on a verified transfer."
    })
public final class DemoCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--size",
      paramLabel = "BYTES",
      defaultValue = "64MiB",
      description = "Size of the generated file: bytes, or with KiB, MiB or GiB (default: 64MiB).")
  String size;

  @Option(
      names = "--keep",
      description = "Keep the working directory (homes, logs, both files) instead of deleting it.")
  boolean keep;

  @Option(
      names = "--node-jvm-options",
      paramLabel = "OPTS",
      defaultValue = "-Xmx1g -XX:G1HeapRegionSize=8m",
      description = "Options of the two node JVMs, space-separated (default: ${DEFAULT-VALUE}).")
  String nodeJvmOptions;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "600",
      description = "How long the pull may take, in seconds (default: ${DEFAULT-VALUE}).")
  long timeoutSeconds;

  @Override
  public Integer call() {
    Demo.Options options;
    try {
      options =
          new Demo.Options(
              parseSize(size),
              keep,
              List.copyOf(
                  Arrays.stream(nodeJvmOptions.trim().split("\\s+"))
                      .filter(s -> !s.isEmpty())
                      .toList()),
              Duration.ofSeconds(timeoutSeconds));
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("ferry demo: " + e.getMessage());
      spec.commandLine().getErr().flush();
      return 2;
    }
    return Demo.run(
        options,
        spec.commandLine().getOut(),
        spec.commandLine().getErr(),
        ProgressBar.onTerminal());
  }

  /** {@code 1500000}, {@code 64MiB}, {@code 512KiB}, {@code 1GiB} (case-insensitive). */
  static long parseSize(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    for (String[] u : new String[][] {{"kib", "1024"}, {"mib", "1048576"}, {"gib", "1073741824"}}) {
      if (t.endsWith(u[0])) {
        unit = Long.parseLong(u[1]);
        t = t.substring(0, t.length() - 3).trim();
        break;
      }
    }
    try {
      long n = Long.parseLong(t);
      if (n <= 0 || n > Long.MAX_VALUE / unit) {
        throw new NumberFormatException();
      }
      return n * unit;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--size must be a positive number of bytes, optionally with KiB, MiB or GiB, was '"
              + text
              + "'");
    }
  }
}
