package io.ferry.engine.scenarios;

import static io.ferry.channels.EventCode.*;

import io.ferry.channels.EventCode;
import io.ferry.engine.testing.TestNetwork;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.assertj.core.api.Assertions;

/** Builds the exact event sequences the behaviour tests expect. */
final class Expect {
  private Expect() {}

  static final Set<EventCode> DATA =
      EnumSet.of(
          DataQueued,
          DataQueuedProgress,
          DataSent,
          DataSentProgress,
          DataReceived,
          DataReceivedProgress);

  /** The data events of {@code batches} first-time batches on the sending side. */
  static List<EventCode> sent(int batches) {
    List<EventCode> out = new ArrayList<>();
    for (int i = 0; i < batches; i++) {
      Collections.addAll(out, DataQueuedProgress, DataQueued, DataSentProgress, DataSent);
    }
    return out;
  }

  /** The data events of {@code batches} first-time batches on the receiving side. */
  static List<EventCode> received(int batches) {
    List<EventCode> out = new ArrayList<>();
    for (int i = 0; i < batches; i++) {
      Collections.addAll(out, DataReceivedProgress, DataReceived);
    }
    return out;
  }

  /** Concatenates codes and lists of codes. */
  static List<EventCode> seq(Object... parts) {
    List<EventCode> out = new ArrayList<>();
    for (Object p : parts) {
      if (p instanceof EventCode c) {
        out.add(c);
      } else {
        for (Object o : (List<?>) p) {
          out.add((EventCode) o);
        }
      }
    }
    return out;
  }

  /**
   * How many progress batches {@code blocks} first-time blocks make on {@code network}: exact on
   * the local network; on a network whose reports also fall on timers any count gives the same
   * {@link #shape}, so one.
   */
  static int batches(TestNetwork network, long blocks) {
    int per = network.blocksPerProgress().orElse(Integer.MAX_VALUE);
    return (int) Math.max(1, (blocks + per - 1) / per);
  }

  /**
   * Asserts a channel's events: exactly {@code expected} where the network's batches are exact;
   * elsewhere the same control events in the same order, data events where {@code expected} has
   * them (each run of data events as one) and of the same kinds.
   */
  static void assertEvents(
      TestNetwork network, String who, List<EventCode> actual, List<EventCode> expected) {
    if (network.blocksPerProgress().isPresent()) {
      Assertions.assertThat(actual).as("%s's events", who).containsExactlyElementsOf(expected);
      return;
    }
    Assertions.assertThat(shape(actual))
        .as("%s's events, each run of data events as one", who)
        .containsExactlyElementsOf(shape(expected));
    Assertions.assertThat(dataKinds(actual))
        .as("%s's kinds of data events", who)
        .isEqualTo(dataKinds(expected));
  }

  /** The codes with every run of data events shown as one {@code "data"}. */
  static List<String> shape(List<EventCode> codes) {
    List<String> out = new ArrayList<>();
    for (EventCode c : codes) {
      String name = DATA.contains(c) ? "data" : c.name();
      if (!(name.equals("data") && !out.isEmpty() && out.get(out.size() - 1).equals("data"))) {
        out.add(name);
      }
    }
    return out;
  }

  private static Set<EventCode> dataKinds(List<EventCode> codes) {
    return codes.stream().filter(DATA::contains).collect(Collectors.toSet());
  }
}
