package io.ferry.bench.node;

import io.ferry.cli.demo.ChildNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * JDK Flight Recordings of both nodes around one case, when {@code -Dbench.jfr=DIR} is set: {@code
 * jcmd PID JFR.start} (settings {@code profile}) before the case and {@code JFR.stop} into {@code
 * DIR/<case>-<node>.jfr} after it; nothing otherwise.
 */
final class Recording {
  private static final String DIR = System.getProperty("bench.jfr");

  private final String name;
  private final List<ChildNode> nodes;

  private Recording(String name, List<ChildNode> nodes) {
    this.name = name;
    this.nodes = nodes;
  }

  /** Starts recording {@code nodes} for the case {@code name} (a file-name-safe word). */
  static Recording start(String name, ChildNode... nodes) {
    Recording r = new Recording(name, List.of(nodes));
    if (DIR != null) {
      for (ChildNode n : r.nodes) {
        jcmd(n, "JFR.start", "name=" + name, "settings=profile");
      }
    }
    return r;
  }

  /** Stops the recordings and writes them. */
  void stop() {
    if (DIR == null) {
      return;
    }
    try {
      Files.createDirectories(Path.of(DIR));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + DIR, e);
    }
    for (ChildNode n : nodes) {
      Path file = Path.of(DIR, name + "-" + n.name() + ".jfr").toAbsolutePath();
      jcmd(n, "JFR.stop", "name=" + name, "filename=" + file);
      System.out.println("  recorded " + file);
    }
  }

  private static void jcmd(ChildNode node, String... command) {
    List<String> cmd =
        new java.util.ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(node.pid())));
    cmd.addAll(List.of(command));
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes());
      if (p.waitFor() != 0) {
        throw new IllegalStateException("jcmd " + String.join(" ", command) + ": " + out);
      }
    } catch (IOException e) {
      throw new IllegalStateException("jcmd " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
