package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code ferry demo} for real: two child node JVMs, a paid pull over TCP, the events of both over
 * SSE, a verified copy, and nothing left behind (the two processes and the working directory).
 */
class DemoCommandTest {
  private record Run(int exit, String out, String err) {}

  private static Run demo(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = FerryCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void theDemoPaysForAPullBetweenTwoNodeProcessesVerifiesTheBytesAndLeavesNothingBehind() {
    Run r =
        demo(
            "demo",
            "--size",
            "3MiB",
            "--node-jvm-options",
            "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1");

    assertThat(r.exit()).as("exit code; stdout:%n%s%nstderr:%n%s", r.out(), r.err()).isZero();
    String text = r.out();
    assertThat(text)
        .containsPattern("verified: 3\\.0 MiB exported by the client, sha-256 [0-9a-f]{64}");
    assertThat(text).containsPattern("payments: [1-9]\\d* vouchers paid [1-9]\\d* in all");
    for (String node : List.of("provider", "client  ")) {
      assertThat(text).containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}  " + node + "  Open");
      assertThat(text).containsPattern(node + "  NewVoucher ");
      assertThat(text).containsPattern(node + "  CleanupComplete");
    }
    List<Long> pids =
        all(Pattern.compile("pid (\\d+)"), text).stream().map(Long::parseLong).toList();
    assertThat(pids).hasSize(2);
    for (long pid : pids) {
      assertThat(ProcessHandle.of(pid).filter(ProcessHandle::isAlive))
          .as("node process %d after the demo", pid)
          .isEmpty();
    }
    List<String> dirs = all(Pattern.compile("working directory (\\S+)"), text);
    assertThat(dirs).hasSize(1);
    assertThat(Path.of(dirs.get(0))).doesNotExist();
    assertThat(text).contains("removed " + dirs.get(0));
  }

  @Test
  void aSizeThatIsNotANumberOfBytesIsRefusedByNameBeforeAnythingStarts() {
    Run r = demo("demo", "--size", "lots");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("--size", "'lots'");
    assertThat(r.out()).doesNotContain("working directory");
  }

  @Test
  void sizesTakeBinaryUnits() {
    assertThat(DemoCommand.parseSize("1500000")).isEqualTo(1_500_000L);
    assertThat(DemoCommand.parseSize("64MiB")).isEqualTo(64L << 20);
    assertThat(DemoCommand.parseSize("512 kib")).isEqualTo(512L << 10);
    assertThat(DemoCommand.parseSize("2GiB")).isEqualTo(2L << 30);
  }

  private static List<String> all(Pattern p, String text) {
    Matcher m = p.matcher(text);
    List<String> found = new java.util.ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
