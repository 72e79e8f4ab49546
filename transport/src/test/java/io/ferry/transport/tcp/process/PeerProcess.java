package io.ferry.transport.tcp.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/** A {@link TransportPeerMain} in a child JVM, driven through its standard input and output. */
final class PeerProcess implements AutoCloseable {
  final Path home;
  private final List<String> extraArgs;
  private final String name;
  private Process process;
  private PrintWriter in;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private String address;
  private String peerId;

  PeerProcess(String name, Path home, String... extraArgs) {
    this.name = name;
    this.home = home;
    this.extraArgs = List.of(extraArgs);
  }

  /** Starts the JVM (again, after {@link #kill}) and waits until it listens. */
  PeerProcess start() throws IOException {
    Files.createDirectories(home);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx768m");
    cmd.add("-XX:+UseG1GC");
    cmd.add("-XX:G1HeapRegionSize=8m");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(TransportPeerMain.class.getName());
    cmd.add("--home");
    cmd.add(home.toString());
    cmd.addAll(extraArgs);
    process =
        new ProcessBuilder(cmd)
            .redirectError(ProcessBuilder.Redirect.appendTo(home.resolve("stderr.log").toFile()))
            .start();
    in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
    int from = lines.size();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String l = r.readLine(); l != null; l = r.readLine()) {
                  lines.add(l);
                }
              } catch (IOException e) {
                lines.add("reader-failed " + e.getMessage());
              }
            },
            name + "-stdout");
    reader.setDaemon(true);
    reader.start();
    // A JVM with Pekko, TLS and LevelDB to load: on a machine at load 50 it took over a minute.
    String[] ready = await(from, l -> l.startsWith("ready "), Duration.ofMinutes(3)).split(" ");
    address = ready[1];
    peerId = ready[2];
    return this;
  }

  String address() {
    return address;
  }

  String peerId() {
    return peerId;
  }

  /** The number of lines printed so far: later awaits may start from here. */
  int mark() {
    return lines.size();
  }

  void send(String command) {
    in.println(command);
  }

  /** Sends {@code command} and waits for its answer, a line starting with {@code answer}. */
  String call(String command, String answer, Duration timeout) {
    int from = mark();
    send(command);
    return await(from, l -> l.startsWith(answer) || l.startsWith("error"), timeout);
  }

  /** The first line from index {@code from} on that matches, waiting up to {@code timeout}. */
  String await(int from, Predicate<String> match, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    int i = from;
    while (true) {
      while (i < lines.size()) {
        String l = lines.get(i++);
        if (match.test(l)) {
          return l;
        }
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            name + ": no matching line within " + timeout + "; last lines: " + tail(15) + stderr());
      }
      if (process != null && !process.isAlive() && i >= lines.size()) {
        throw new AssertionError(name + " exited; last lines: " + tail(15) + stderr());
      }
      LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
    }
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  /**
   * Sum of the bytes (or blocks) in progress lines of a transfer and direction, from {@code from}.
   */
  long progress(long transferId, String direction, boolean bytes, int from) {
    long sum = 0;
    List<String> all = lines();
    for (int i = from; i < all.size(); i++) {
      String[] w = all.get(i).split(" ");
      if (w[0].equals("progress")
          && w[1].equals(Long.toString(transferId))
          && w[2].equals(direction)) {
        sum += Long.parseLong(bytes ? w[4] : w[3]);
      }
    }
    return sum;
  }

  String stderr() {
    try {
      String all = Files.readString(home.resolve("stderr.log"));
      return "\n--- stderr of " + name + " ---\n" + all.substring(Math.max(0, all.length() - 4000));
    } catch (IOException e) {
      return "";
    }
  }

  private String tail(int n) {
    List<String> all = lines();
    return all.subList(Math.max(0, all.size() - n), all.size()).toString();
  }

  /** Ends the JVM at once (SIGKILL): nothing is flushed or closed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process != null && process.isAlive()) {
      in.println("quit");
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(15, TimeUnit.SECONDS);
      }
    }
  }
}
