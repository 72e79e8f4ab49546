package io.ferry.node.engine;

import static io.ferry.channels.EventCode.*;

import io.ferry.channels.EventCode;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

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
}
