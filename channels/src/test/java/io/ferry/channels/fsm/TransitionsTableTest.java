package io.ferry.channels.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every (status, event) pair against {@code fsm-expected.tsv}, an expectation written by hand from
 * go-data-transfer's table and Ferry's documented deviations. A table edit that is not made in the
 * expectation file as well fails here.
 */
class TransitionsTableTest {

  /** One line of the expectation file. */
  record Expected(String outcome, String to) {}

  private static final Map<String, Expected> EXPECTED = load();

  private static Map<String, Expected> load() {
    try (InputStream in = TransitionsTableTest.class.getResourceAsStream("/fsm-expected.tsv")) {
      assertThat(in).as("fsm-expected.tsv on the test classpath").isNotNull();
      Map<String, Expected> expected = new HashMap<>();
      int lineNo = 0;
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\t");
        if (f.length != 4) {
          throw new IllegalStateException("fsm-expected.tsv line " + lineNo + ": " + line);
        }
        // Fail on unknown names right away rather than as a missing pair later.
        EventCode.valueOf(f[0]);
        Status.valueOf(f[1]);
        if (expected.put(f[0] + "/" + f[1], new Expected(f[2], f[3])) != null) {
          throw new IllegalStateException("fsm-expected.tsv line " + lineNo + " repeats a pair");
        }
      }
      return expected;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Stream<Arguments> everyPair() {
    List<Arguments> pairs = new ArrayList<>();
    for (Status s : Status.values()) {
      for (EventCode e : EventCode.values()) {
        pairs.add(Arguments.of(s, e));
      }
    }
    return pairs.stream();
  }

  @ParameterizedTest(name = "{1} in {0}")
  @MethodSource("everyPair")
  void eachEventInEachStatusHasTheExpectedOutcome(Status status, EventCode event) {
    Outcome actual = Transitions.decide(status, event);

    if (status == Status.ChannelNotFoundError) {
      assertThat(actual).isInstanceOf(Outcome.Refused.class);
      return;
    }
    Expected expected = EXPECTED.get(event + "/" + status);
    assertThat(expected).as("fsm-expected.tsv has a line for %s in %s", event, status).isNotNull();
    switch (expected.outcome()) {
      case "moved" ->
          assertThat(actual)
              .isEqualTo(new Outcome.Moved(status, Status.valueOf(expected.to()), false));
      case "reentered" -> assertThat(actual).isEqualTo(new Outcome.Moved(status, status, true));
      case "recorded" -> assertThat(actual).isEqualTo(new Outcome.Recorded(status));
      case "refused" -> assertThat(actual).isInstanceOf(Outcome.Refused.class);
      default -> throw new IllegalStateException("unknown outcome " + expected.outcome());
    }
    String to = actual.isApplied() ? actual.resultingStatus().name() : "-";
    assertThat(to).isEqualTo(expected.to());
  }

  @Test
  void theExpectationFileCoversExactlyTheStoredStatusesAndEveryEvent() {
    int stored = Status.values().length - 1; // ChannelNotFoundError is never stored
    assertThat(EXPECTED).hasSize(stored * EventCode.values().length);
  }
}
