package io.ferry.channels.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** {@code docs/channel-lifecycle.md} shows the diagram the table generates, not an older one. */
class LifecycleDocTest {

  private static final String DOC = "docs/channel-lifecycle.md";

  @Test
  void theDocumentedDiagramIsTheOneTheTableGenerates() throws IOException {
    Path doc = projectRoot().resolve(DOC);
    assertThat(doc).as("%s exists", DOC).exists();
    String text = Files.readString(doc, StandardCharsets.UTF_8);

    String documented = mermaidBlock(text);

    assertThat(documented)
        .as(
            "%s's ```mermaid block differs from LifecycleDiagram.mermaid(); regenerate it with"
                + " `bin/ferry fsm --format mermaid` and paste the output into the block",
            DOC)
        .isEqualTo(LifecycleDiagram.mermaid());
  }

  /** The body of the first ```mermaid fenced block, with a trailing newline. */
  static String mermaidBlock(String markdown) {
    String fence = "```mermaid\n";
    int start = markdown.indexOf(fence);
    assertThat(start).as("%s has a ```mermaid block", DOC).isNotNegative();
    int bodyStart = start + fence.length();
    int end = markdown.indexOf("\n```", bodyStart - 1);
    assertThat(end)
        .as("the ```mermaid block in %s is closed", DOC)
        .isGreaterThanOrEqualTo(bodyStart - 1);
    return markdown.substring(bodyStart, end + 1);
  }

  /**
   * The repository root: surefire's {@code ferry.project.root}, else found from the working dir.
   */
  static Path projectRoot() {
    String configured = System.getProperty("ferry.project.root");
    if (configured != null && !configured.isBlank() && Files.isDirectory(Path.of(configured))) {
      return Path.of(configured);
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isRegularFile(dir.resolve("pom.xml"))
          && Files.isDirectory(dir.resolve("channels"))) {
        return dir;
      }
    }
    throw new IllegalStateException(
        "cannot find the project root above " + Path.of("").toAbsolutePath());
  }
}
