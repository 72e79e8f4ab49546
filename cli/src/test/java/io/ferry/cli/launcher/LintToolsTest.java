package io.ferry.cli.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.server.metrics.ChannelMetrics;
import io.ferry.server.metrics.JvmMetrics;
import io.ferry.server.metrics.MetricRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The node's metrics pass {@code promtool check metrics} and its OpenAPI document passes {@code
 * redocly lint} with the recommended rules, both with no error and no warning. The tools come from
 * {@code scripts/lint-tools.sh}, which {@code bin/test} runs first.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@ResourceLock("bin-ferry")
class LintToolsTest {
  private final Map<String, String> tools = new HashMap<>();

  @BeforeAll
  void findTheTools() throws Exception {
    Run r = run(null, Launcher.ROOT.resolve("scripts/lint-tools.sh").toString());
    assertThat(r.exit()).as("scripts/lint-tools.sh: " + r.err()).isZero();
    r.out()
        .lines()
        .filter(l -> l.contains("="))
        .forEach(
            l -> {
              int i = l.indexOf('=');
              tools.put(l.substring(0, i), l.substring(i + 1));
            });
  }

  @Test
  void theMetricsPassPromtoolWithoutAWarning() throws Exception {
    MetricRegistry registry = new MetricRegistry();
    new ChannelMetrics(registry);
    JvmMetrics.register(registry, "test");

    Run r = run(registry.scrape(), tools.get("PROMTOOL"), "check", "metrics");

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out() + r.err()).isBlank();
  }

  @Test
  void theOpenApiDocumentPassesRedoclysRecommendedRulesWithoutAWarning() throws Exception {
    Path openApi =
        Launcher.ROOT.resolve("server/src/main/resources/io/ferry/server/http/openapi.json");

    Run r =
        run(
            null,
            tools.get("REDOCLY"),
            "lint",
            "--extends=recommended",
            "--format=stylish",
            openApi.toString());

    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat((r.out() + r.err()).toLowerCase()).doesNotContain("warning").doesNotContain("error");
  }

  private record Run(int exit, String out, String err) {}

  private static Run run(String stdin, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("lint-out", ".txt");
    Path err = Files.createTempFile("lint-err", ".txt");
    Path in = Files.createTempFile("lint-in", ".txt");
    try {
      Files.writeString(in, stdin == null ? "" : stdin, StandardCharsets.UTF_8);
      ProcessBuilder b =
          new ProcessBuilder(List.of(command))
              .redirectInput(in.toFile())
              .redirectOutput(out.toFile())
              .redirectError(err.toFile());
      b.environment().put("REDOCLY_TELEMETRY", "off");
      b.environment().put("REDOCLY_SUPPRESS_UPDATE_NOTICE", "true");
      Process p = b.start();
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError(String.join(" ", command) + " did not end in 10 minutes");
      }
      return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
      Files.deleteIfExists(in);
    }
  }
}
