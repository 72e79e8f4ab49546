package io.ferry.cli.cluster;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server of a test's own, started and stopped with the project's {@code
 * scripts/postgres.sh} (its data directory and port given through {@code FERRY_PG_DIR} and {@code
 * FERRY_PG_PORT}): the shared instance other tests use is never stopped. {@link #stop()} and {@link
 * #start()} are what an outage looks like to the nodes; the data survives them.
 */
final class PrivatePostgres implements AutoCloseable {
  private final Path dir;
  private final int port;
  private String url;

  private PrivatePostgres(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /** A new server in {@code dir} on a free port, started. */
  static PrivatePostgres startIn(Path dir) throws IOException, InterruptedException {
    Assumptions.assumeFalse(
        Boolean.getBoolean("ferry.skipPostgres"),
        "PostgreSQL tests skipped: -Dferry.skipPostgres=true");
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    PrivatePostgres pg = new PrivatePostgres(dir, port);
    pg.start();
    return pg;
  }

  /** {@code scripts/postgres.sh start}; returns the JDBC URL. */
  String start() throws IOException, InterruptedException {
    url = run("start");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new AssertionError("scripts/postgres.sh start printed '" + url + "'");
    }
    return url;
  }

  /** {@code scripts/postgres.sh stop} (a fast shutdown: connections are cut). */
  void stop() throws IOException, InterruptedException {
    run("stop");
  }

  String url() {
    return url;
  }

  String user() {
    return "ferry";
  }

  String password() {
    return "ferry";
  }

  private String run(String verb) throws IOException, InterruptedException {
    Path script = projectRoot().resolve("scripts/postgres.sh");
    Path log = Files.createTempFile("ferry-pg", ".log");
    ProcessBuilder pb =
        new ProcessBuilder(List.of("bash", script.toString(), verb))
            .redirectError(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    Map<String, String> env = pb.environment();
    env.put("FERRY_PG_DIR", dir.toString());
    env.put("FERRY_PG_PORT", Integer.toString(port));
    env.put("FERRY_PG_USER", user());
    env.put("FERRY_PG_PASSWORD", password());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError(
          "scripts/postgres.sh " + verb + " failed: " + Files.readString(log).strip());
    }
    Files.deleteIfExists(log);
    return out;
  }

  static Path projectRoot() {
    String configured = System.getProperty("ferry.project.root");
    if (configured != null && Files.isRegularFile(Path.of(configured, "scripts/postgres.sh"))) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("scripts/postgres.sh"))) {
        return p;
      }
    }
    throw new AssertionError("scripts/postgres.sh not found above " + Path.of("").toAbsolutePath());
  }

  /** Deletes the server's directory and lock file (after {@link #stop()}). */
  void delete() throws IOException {
    if (Files.exists(dir)) {
      try (var files = Files.walk(dir)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
    Files.deleteIfExists(Path.of(dir + ".lock"));
  }

  @Override
  public void close() throws IOException, InterruptedException {
    stop();
  }
}
