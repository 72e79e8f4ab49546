package io.ferry.channels.fsm;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class LifecycleDiagramTest {

  @Test
  void tsvListsEveryEventInEveryStoredStatusInEnumOrder() {
    List<String> lines = LifecycleDiagram.tsv().lines().toList();

    assertThat(lines.get(0)).isEqualTo("event\tfrom\tto");
    List<String> expectedKeys = new ArrayList<>();
    for (EventCode e : EventCode.values()) {
      for (Status s : Status.values()) {
        if (s != Status.ChannelNotFoundError) {
          expectedKeys.add(e + "\t" + s);
        }
      }
    }
    List<String> keys =
        lines.stream().skip(1).map(l -> l.substring(0, l.lastIndexOf('\t'))).toList();
    assertThat(keys).containsExactlyElementsOf(expectedKeys);
  }

  @Test
  void tsvSaysWhereEachEventLeadsOrDashWhenRefused() {
    for (String line : LifecycleDiagram.tsv().lines().skip(1).toList()) {
      String[] f = line.split("\t");
      Outcome o = Transitions.decide(Status.valueOf(f[1]), EventCode.valueOf(f[0]));
      assertThat(f[2]).as(line).isEqualTo(o.isApplied() ? o.resultingStatus().name() : "-");
    }
    assertThat(LifecycleDiagram.tsv()).contains("Accept\tRequested\tQueued\n");
    assertThat(LifecycleDiagram.tsv()).contains("DataReceived\tOngoing\tOngoing\n");
    assertThat(LifecycleDiagram.tsv()).contains("Cancel\tCompleted\t-\n");
  }

  @Test
  void mermaidDrawsExactlyTheMovesOfTheTable() {
    Set<String> drawn = edgesOf(LifecycleDiagram.mermaid());

    Set<String> moves = new HashSet<>();
    for (Status s : Status.values()) {
      for (EventCode e : EventCode.values()) {
        if (Transitions.decide(s, e) instanceof Outcome.Moved m) {
          moves.add(s + " -" + e + "-> " + m.to());
        }
      }
    }
    assertThat(drawn).containsExactlyInAnyOrderElementsOf(moves);
  }

  @Test
  void mermaidIsAStateDiagramWithTheLifecycleStartAndEnds() {
    String mermaid = LifecycleDiagram.mermaid();
    assertThat(mermaid).startsWith("stateDiagram-v2\n");
    assertThat(mermaid).contains("Completed --> [*]", "Failed --> [*]", "Cancelled --> [*]");
    assertThat(mermaid).doesNotContain("ChannelNotFoundError");
    assertThat(mermaid).isEqualTo(LifecycleDiagram.mermaid());
  }

  private static final Pattern EDGE = Pattern.compile("^(\\S+) --> (\\S+)(?: : (.*))?$");
  private static final Pattern OPEN = Pattern.compile("^state (\\w+) \\{$");

  /**
   * Reads the diagram back as (status, event, status) moves: an edge from a composite stands for
   * every status inside it; an edge into a composite enters its initial status.
   */
  private static Set<String> edgesOf(String mermaid) {
    Map<String, List<String>> members = new HashMap<>();
    Map<String, String> initial = new HashMap<>();
    Deque<String> open = new ArrayDeque<>();
    List<String[]> edges = new ArrayList<>();
    for (String raw : mermaid.lines().skip(1).toList()) {
      String line = raw.trim();
      Matcher m;
      if ((m = OPEN.matcher(line)).matches()) {
        if (!open.isEmpty()) {
          members.get(open.peek()).add(m.group(1));
        }
        open.push(m.group(1));
        members.put(m.group(1), new ArrayList<>());
      } else if (line.equals("}")) {
        open.pop();
      } else if ((m = EDGE.matcher(line)).matches()) {
        if (m.group(1).equals("[*]") && !open.isEmpty()) {
          initial.put(open.peek(), m.group(2));
        } else if (m.group(3) != null) {
          edges.add(new String[] {m.group(1), m.group(2), m.group(3)});
        }
      } else if (!line.isEmpty() && !open.isEmpty()) {
        members.get(open.peek()).add(line);
      }
    }
    Set<String> moves = new LinkedHashSet<>();
    for (String[] e : edges) {
      String to = e[1];
      while (initial.containsKey(to)) {
        to = initial.get(to);
      }
      for (String from : leaves(e[0], members)) {
        for (String event : e[2].split(", ")) {
          moves.add(from + " -" + event + "-> " + to);
        }
      }
    }
    return moves;
  }

  private static List<String> leaves(String node, Map<String, List<String>> members) {
    if (!members.containsKey(node)) {
      return List.of(node);
    }
    List<String> all = new ArrayList<>();
    for (String m : members.get(node)) {
      all.addAll(leaves(m, members));
    }
    return all;
  }
}
