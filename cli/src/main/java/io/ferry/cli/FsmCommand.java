package io.ferry.cli;

import io.ferry.channels.fsm.LifecycleDiagram;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry fsm}: prints the channel lifecycle table, as the Mermaid diagram that goes into
 * {@code docs/channel-lifecycle.md} or as a tab-separated listing of every (event, status) outcome.
 */
@Command(
    name = "fsm",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the channel state machine generated from its transition table.",
      "mermaid: the diagram for docs/channel-lifecycle.md; tsv: event, from, to for every pair"
          + " (to = '-' when the event is refused)."
    })
public final class FsmCommand implements Callable<Integer> {

  /** The two renderings. */
  enum Format {
    mermaid,
    tsv
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--format",
      defaultValue = "mermaid",
      description = "mermaid or tsv (default: ${DEFAULT-VALUE}).")
  Format format;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    out.print(format == Format.tsv ? LifecycleDiagram.tsv() : LifecycleDiagram.mermaid());
    out.flush();
    return 0;
  }
}
