package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.fsm.LifecycleDiagram;
import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class FsmCommandTest {

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    CommandLine cl = FerryCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  @Test
  void fsmPrintsTheMermaidDiagramByDefault() {
    Run r = run("fsm");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(LifecycleDiagram.mermaid()).startsWith("stateDiagram-v2");
  }

  @Test
  void fsmPrintsTheTsvListingWhenAsked() {
    Run r = run("fsm", "--format", "tsv");

    assertThat(r.exit()).isZero();
    assertThat(r.out()).isEqualTo(LifecycleDiagram.tsv()).startsWith("event\tfrom\tto\n");
  }

  @Test
  void fsmRejectsAnUnknownFormatNamingTheChoices() {
    Run r = run("fsm", "--format", "dot");

    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("dot").contains("mermaid").contains("tsv");
  }
}
