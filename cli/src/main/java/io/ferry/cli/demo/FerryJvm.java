package io.ferry.cli.demo;

import io.ferry.cli.FerryCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a child {@code ferry} JVM: the java executable this process runs on, this
 * process's class path, and {@link FerryCli} as the main class (what {@code bin/ferry} runs).
 */
public final class FerryJvm {
  private FerryJvm() {}

  /** The java executable of this process (from {@code java.home} when the OS does not say). */
  public static String java() {
    Path home = Path.of(System.getProperty("java.home"), "bin", "java");
    if (Files.isExecutable(home)) {
      return home.toString();
    }
    return ProcessHandle.current().info().command().orElse("java");
  }

  /**
   * This process's class path: {@code java.class.path}, or under Maven Surefire (whose {@code
   * java.class.path} may be a booter jar) the test class path it publishes.
   */
  public static String classPath() {
    String cp = System.getProperty("surefire.test.class.path");
    return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
  }

  /** {@code java [jvmArgs] -cp <class path> io.ferry.cli.FerryCli [args]}. */
  public static List<String> command(List<String> jvmArgs, List<String> args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(java());
    cmd.addAll(jvmArgs);
    cmd.add("-cp");
    cmd.add(classPath());
    cmd.add(FerryCli.class.getName());
    cmd.addAll(args);
    return cmd;
  }
}
