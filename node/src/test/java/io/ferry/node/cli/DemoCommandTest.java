package io.ferry.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DemoCommandTest {
  @Test
  void theDemoPullsAFileBetweenTwoNodesPrintsEveryEventAndVerifiesTheBytes() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cl = FerryCli.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));

    int exit = cl.execute("demo", "--size", "1500000");

    assertThat(exit).as("exit code; stderr: %s", err).isZero();
    String text = out.toString();
    assertThat(text).contains("verified: 1.4 MiB received");
    assertThat(text.lines().filter(l -> l.contains("client ") && l.contains("DataReceived ")))
        .isNotEmpty();
    assertThat(text.lines().filter(l -> l.contains("provider") && l.contains("DataSent ")))
        .isNotEmpty();
    assertThat(text.lines().filter(l -> l.contains("CleanupComplete") && l.contains("Completed")))
        .hasSize(2);
  }
}
