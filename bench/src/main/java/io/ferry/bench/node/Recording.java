package io.ferry.bench.node;

import io.ferry.cli.demo.ChildNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Profiles of both nodes around one case. With {@code -Dbench.jfr=DIR}: JDK Flight Recordings,
 * {@code jcmd PID JFR.start} (settings {@code profile}) before the case and {@code JFR.stop} into
 * {@code DIR/<case>-<node>.jfr} after it. With {@code -Dbench.asprof=DIR}: async-profiler's CPU
 * profile of every thread, Java, JVM and native frames alike (event {@code ctimer}, which needs no
 * perf events; a sample asked per millisecond of a thread's CPU time, one per kernel tick at most:
 * ~4 ms on the project machine), loaded into the node with {@code jcmd PID JVMTI.agent_load} and
 * written as collapsed stacks to {@code DIR/<case>-<node>.collapsed}; the library is {@code
 * -Dbench.asprof-lib=PATH} ({@code bench/asprof-lib} fetches it from Maven Central and prints its
 * path). With {@code -Dbench.threads}: the CPU each node's threads used during the case, grouped
 * ({@link ThreadCpu}), printed after it. Nothing otherwise.
 */
final class Recording {
  private static final String DIR = System.getProperty("bench.jfr");
  private static final String ASPROF_DIR = System.getProperty("bench.asprof");
  private static final String ASPROF_LIB = System.getProperty("bench.asprof-lib");
  private static final boolean THREADS = Boolean.getBoolean("bench.threads");

  private final String name;
  private final List<ChildNode> nodes;
  private final List<ThreadCpu> threadsBefore;

  private Recording(String name, List<ChildNode> nodes) {
    this.name = name;
    this.nodes = nodes;
    this.threadsBefore = THREADS ? nodes.stream().map(n -> ThreadCpu.read(n.pid())).toList() : null;
  }

  /** Starts recording {@code nodes} for the case {@code name} (a file-name-safe word). */
  static Recording start(String name, ChildNode... nodes) {
    Recording r = new Recording(name, List.of(nodes));
    if (DIR != null) {
      for (ChildNode n : r.nodes) {
        jcmd(n, "JFR.start", "name=" + name, "settings=profile");
      }
    }
    if (ASPROF_DIR != null) {
      for (ChildNode n : r.nodes) {
        // Quoted: jcmd would read the '=' in the options as a name=value argument of its own.
        jcmd(n, "JVMTI.agent_load", asprofLib(), "\"start,event=ctimer,interval=1ms,threads\"");
      }
    }
    return r;
  }

  private static String asprofLib() {
    if (ASPROF_LIB == null || !Files.isRegularFile(Path.of(ASPROF_LIB))) {
      throw new IllegalStateException(
          "-Dbench.asprof needs -Dbench.asprof-lib=<libasyncProfiler.so> (bench/asprof-lib prints"
              + " it), not "
              + ASPROF_LIB);
    }
    return Path.of(ASPROF_LIB).toAbsolutePath().toString();
  }

  /** Stops the recordings and writes them. */
  void stop() {
    if (THREADS) {
      for (int i = 0; i < nodes.size(); i++) {
        ChildNode n = nodes.get(i);
        System.out.println(
            "  CPU by thread, "
                + name
                + ", "
                + n.name()
                + ": "
                + ThreadCpu.format(ThreadCpu.read(n.pid()).since(threadsBefore.get(i))));
      }
    }
    if (ASPROF_DIR != null) {
      createDirectory(ASPROF_DIR);
      for (ChildNode n : nodes) {
        Path file = Path.of(ASPROF_DIR, name + "-" + n.name() + ".collapsed").toAbsolutePath();
        jcmd(n, "JVMTI.agent_load", asprofLib(), "\"stop,collapsed,file=" + file + "\"");
        System.out.println("  profiled " + file);
      }
    }
    if (DIR == null) {
      return;
    }
    createDirectory(DIR);
    for (ChildNode n : nodes) {
      Path file = Path.of(DIR, name + "-" + n.name() + ".jfr").toAbsolutePath();
      jcmd(n, "JFR.stop", "name=" + name, "filename=" + file);
      System.out.println("  recorded " + file);
    }
  }

  private static void createDirectory(String dir) {
    try {
      Files.createDirectories(Path.of(dir));
    } catch (IOException e) {
      throw new IllegalStateException("cannot create " + dir, e);
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
      // An agent's failure comes back as its output with jcmd's own exit code 0.
      if (p.waitFor() != 0 || out.contains("[ERROR]")) {
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
