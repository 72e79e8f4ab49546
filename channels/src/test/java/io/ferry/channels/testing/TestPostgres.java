package io.ferry.channels.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * PostgreSQL for the clustered-mode tests: runs {@code scripts/postgres.sh} (which installs
 * PostgreSQL from Debian when it is missing and starts Ferry's private cluster on 127.0.0.1), then
 * hands each test a throwaway database of its own, so runs never see each other's channels.
 *
 * <p>When PostgreSQL cannot be had the test FAILS, naming why. A developer without PostgreSQL may
 * opt out with {@code -Dferry.skipPostgres=true}, which skips these tests instead.
 */
public final class TestPostgres {
  /** The opt-out: {@code -Dferry.skipPostgres=true} skips the PostgreSQL tests. */
  public static final String SKIP_PROPERTY = "ferry.skipPostgres";

  private static final long SCRIPT_TIMEOUT_MINUTES = 10;
  private static String serverUrl;

  private TestPostgres() {}

  /**
   * A database of its own, dropped by {@link #close()}.
   *
   * @param url JDBC URL of the database
   * @param user role that owns it
   * @param password that role's password
   */
  public record Database(String url, String user, String password, String name)
      implements AutoCloseable {
    @Override
    public void close() throws SQLException {
      try (Connection c = DriverManager.getConnection(adminUrl(), user, password);
          Statement s = c.createStatement()) {
        s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
      }
    }
  }

  /**
   * Starts (or finds) Ferry's PostgreSQL and creates a new, empty database in it.
   *
   * @throws AssertionError when PostgreSQL cannot be installed or started (the message says why)
   */
  public static Database freshDatabase() throws SQLException {
    Assumptions.assumeFalse(
        Boolean.getBoolean(SKIP_PROPERTY),
        "PostgreSQL tests skipped: -D" + SKIP_PROPERTY + "=true");
    String admin = adminUrl();
    String name = "ferry_t" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    try (Connection c = DriverManager.getConnection(admin, user(), password());
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + name);
    }
    String url = admin.substring(0, admin.lastIndexOf('/') + 1) + name;
    return new Database(url, user(), password(), name);
  }

  /** The role {@code scripts/postgres.sh} creates ({@code FERRY_PG_USER}, default ferry). */
  public static String user() {
    return env("FERRY_PG_USER", "ferry");
  }

  /** That role's password ({@code FERRY_PG_PASSWORD}, default ferry). */
  public static String password() {
    return env("FERRY_PG_PASSWORD", "ferry");
  }

  /** The JDBC URL of the role's own database, printed by the script (run once per JVM). */
  static synchronized String adminUrl() {
    if (serverUrl == null) {
      serverUrl = runScript();
    }
    return serverUrl;
  }

  private static String runScript() {
    Path script = projectRoot().resolve("scripts/postgres.sh");
    Path log;
    try {
      log = Files.createTempFile("ferry-postgres", ".log");
      Process p =
          new ProcessBuilder(List.of("bash", script.toString(), "start"))
              .redirectError(log.toFile())
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(SCRIPT_TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw unavailable(
            script + " did not finish in " + SCRIPT_TIMEOUT_MINUTES + " minutes", log);
      }
      String url = new String(out, StandardCharsets.UTF_8).strip();
      if (p.exitValue() != 0 || !url.startsWith("jdbc:postgresql:")) {
        throw unavailable(
            script + " exited with " + p.exitValue() + " printing '" + url + "'", log);
      }
      return url;
    } catch (IOException e) {
      throw new AssertionError("PostgreSQL is needed and " + script + " could not run: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while starting PostgreSQL", e);
    }
  }

  private static AssertionError unavailable(String what, Path log) {
    String errors;
    try {
      errors = Files.readString(log);
    } catch (IOException e) {
      errors = "(no log: " + e + ")";
    }
    return new AssertionError(
        "PostgreSQL is needed by the clustered-mode tests and could not be provided: "
            + what
            + "\n"
            + errors.strip()
            + "\nInstall PostgreSQL (apt-get install postgresql) or run the build as root so the"
            + " script can; to skip these tests instead, pass -D"
            + SKIP_PROPERTY
            + "=true.");
  }

  /** The repository root: {@code -Dferry.project.root} (set by the build) or a parent of cwd. */
  private static Path projectRoot() {
    String configured = System.getProperty("ferry.project.root");
    if (configured != null && Files.isRegularFile(Path.of(configured, "scripts/postgres.sh"))) {
      return Path.of(configured);
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("scripts/postgres.sh"))) {
        return p;
      }
    }
    throw new AssertionError(
        "PostgreSQL is needed and scripts/postgres.sh was not found above "
            + Path.of("").toAbsolutePath()
            + " (set -Dferry.project.root)");
  }

  private static String env(String name, String fallback) {
    String v = System.getenv(name);
    return v == null || v.isBlank() ? fallback : v;
  }
}
