package io.ferry.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MetricRegistryTest {
  @Test
  void aScrapeHasHelpTypeAndOneLinePerSeriesInTextFormat() {
    MetricRegistry r = new MetricRegistry();
    MetricRegistry.Metric c = r.counter("x_total", "Things.", "kind");
    c.add(2, "a");
    c.inc("b");
    r.gauge("y", "A level.").set(1.5);

    assertThat(r.scrape())
        .isEqualTo(
            """
            # HELP x_total Things.
            # TYPE x_total counter
            x_total{kind="a"} 2
            x_total{kind="b"} 1
            # HELP y A level.
            # TYPE y gauge
            y 1.5
            """);
  }

  @Test
  void labelValuesAreEscaped() {
    MetricRegistry r = new MetricRegistry();
    r.counter("e_total", "Escapes.", "v").inc("a\"b\\c\nd");

    assertThat(r.scrape()).contains("e_total{v=\"a\\\"b\\\\c\\nd\"} 1");
  }

  @Test
  void computedGaugesAreAskedAtEveryScrape() {
    MetricRegistry r = new MetricRegistry();
    int[] calls = {0};
    r.computedGauge(
        "z",
        "Computed.",
        () -> List.of(new MetricRegistry.Sample(List.of("p"), ++calls[0])),
        "peer");

    r.scrape();
    assertThat(r.scrape()).contains("z{peer=\"p\"} 2");
  }

  @Test
  void countersRefuseToGoDownAndNamesAreChecked() {
    MetricRegistry r = new MetricRegistry();
    MetricRegistry.Metric c = r.counter("c_total", "C.");

    assertThatThrownBy(() -> c.add(-1)).hasMessageContaining("cannot decrease");
    assertThatThrownBy(() -> c.set(3)).hasMessageContaining("only gauges");
    assertThatThrownBy(() -> r.counter("c_total", "again"))
        .hasMessageContaining("already registered");
    assertThatThrownBy(() -> r.counter("bad-name", "x")).hasMessageContaining("bad-name");
    assertThatThrownBy(() -> r.counter("ok_total", "x", "__reserved"))
        .hasMessageContaining("__reserved");
    assertThatThrownBy(() -> c.inc("unexpected")).hasMessageContaining("has labels []");
  }
}
