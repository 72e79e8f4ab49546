package io.ferry.bench.transport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A benchmark JVM started by {@link TransportBench}, read and written line by line. Extra JVM
 * options for every child (e.g. a flight recording) come from the system property {@code
 * bench.child.jvm}, space-separated; {@code %p} in them becomes the child's main class name.
 */
final class Child implements AutoCloseable {
  static final List<String> JVM =
      List.of("-Xms3g", "-Xmx3g", "-XX:+UseG1GC", "-XX:G1HeapRegionSize=8m");

  private final Process process;
  private final BufferedReader out;
  private final PrintWriter in;

  Child(Class<?> main, String... args) throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM);
    String extra = System.getProperty("bench.child.jvm", "").strip();
    if (!extra.isEmpty()) {
      for (String o : extra.split("\\s+")) {
        cmd.add(o.replace("%p", main.getSimpleName()));
      }
    }
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(main.getName());
    cmd.addAll(List.of(args));
    process = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
  }

  /** The next line that starts with {@code prefix} (others are echoed). */
  String await(String prefix) throws IOException {
    for (String l = out.readLine(); l != null; l = out.readLine()) {
      if (l.startsWith(prefix)) {
        return l;
      }
      System.out.println("  [child] " + l);
    }
    throw new IOException("child exited before printing " + prefix);
  }

  String call(String command, String prefix) throws IOException {
    in.println(command);
    return await(prefix);
  }

  /** CPU time the child has used so far, in nanoseconds. */
  long cpuNanos() {
    return process.info().totalCpuDuration().map(d -> d.toNanos()).orElse(0L);
  }

  int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  @Override
  public void close() throws InterruptedException {
    in.println("quit");
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly();
    }
  }
}
