package io.ferry.channels.fsm;

import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Renders {@link Transitions} for people: a Mermaid state diagram (for {@code
 * docs/channel-lifecycle.md}) and a tab-separated listing of every (event, status) outcome. Both
 * are computed from {@link Transitions#decide}, so they cannot disagree with the table.
 */
public final class LifecycleDiagram {

  /**
   * A composite state of the diagram. An event that moves every member to the same outside status
   * is drawn once, from the composite; an edge from outside into {@code initial} is drawn into the
   * composite.
   */
  private record Group(String name, Set<Status> members, Status initial, Group parent) {}

  private static final Group ACTIVE =
      new Group("Active", Transitions.ACTIVE, Status.Requested, null);
  private static final Group RUNNING =
      new Group("Running", Transitions.RUNNING, Status.Ongoing, ACTIVE);

  /** Outermost first: collapsing into the outer group happens first. */
  private static final List<Group> GROUPS = List.of(ACTIVE, RUNNING);

  /** The order states are declared and edges listed in: roughly a channel's life, top to bottom. */
  private static final List<Status> LAYOUT =
      List.of(
          Status.Requested,
          Status.Queued,
          Status.AwaitingAcceptance,
          Status.Ongoing,
          Status.InitiatorPaused,
          Status.ResponderPaused,
          Status.BothPaused,
          Status.TransferFinished,
          Status.ResponderCompleted,
          Status.ResponderFinalizing,
          Status.ResponderFinalizingTransferFinished,
          Status.Finalizing,
          Status.Completing,
          Status.Failing,
          Status.Cancelling,
          Status.Completed,
          Status.Failed,
          Status.Cancelled);

  /** Composites first (outermost first), then statuses in {@link #LAYOUT} order. */
  private static final Comparator<String> NODE_ORDER =
      Comparator.comparingInt(LifecycleDiagram::rank);

  private LifecycleDiagram() {}

  /**
   * The lifecycle as a Mermaid {@code stateDiagram-v2}: one edge per (from, to) pair, labelled with
   * its events in enum order; recorded events (no status change) are left out; re-entries ({@code
   * NoChange}) are drawn as self-loops.
   */
  public static String mermaid() {
    List<Move> moves = moves();
    Map<String, Map<String, List<EventCode>>> edges = new TreeMap<>(NODE_ORDER);
    for (Group g : GROUPS) {
      collapse(g, moves, edges);
    }
    for (Move m : moves) {
      addEdge(edges, m.from.name(), entryNode(m.from, m.to), m.event);
    }

    StringBuilder out = new StringBuilder("stateDiagram-v2\n");
    out.append("    [*] --> ").append(ACTIVE.name).append('\n');
    writeBlock(ACTIVE, 1, edges, out);
    writeEdges(null, 1, edges, out);
    for (Status s : LAYOUT) {
      if (s.isTerminal()) {
        out.append("    ").append(s.name()).append(" --> [*]\n");
      }
    }
    return out.toString();
  }

  /**
   * Every event in every status (except {@link Status#ChannelNotFoundError}), in enum order: {@code
   * event<TAB>from<TAB>to}, where {@code to} is the status after the event (the same status when
   * the event is only recorded) or {@code -} when it is refused.
   */
  public static String tsv() {
    StringBuilder out = new StringBuilder("event\tfrom\tto\n");
    for (EventCode e : EventCode.values()) {
      for (Status s : Status.values()) {
        if (s == Status.ChannelNotFoundError) {
          continue;
        }
        Outcome o = Transitions.decide(s, e);
        out.append(e.name())
            .append('\t')
            .append(s.name())
            .append('\t')
            .append(o.isApplied() ? o.resultingStatus().name() : "-")
            .append('\n');
      }
    }
    return out.toString();
  }

  // --- building the diagram ---------------------------------------------------------------------

  private record Move(Status from, Status to, EventCode event) {}

  /** Every status-changing or re-entering outcome of the table. */
  private static List<Move> moves() {
    List<Move> moves = new ArrayList<>();
    for (Status s : Status.values()) {
      for (EventCode e : EventCode.values()) {
        if (Transitions.decide(s, e) instanceof Outcome.Moved m) {
          moves.add(new Move(s, m.to(), e));
        }
      }
    }
    return moves;
  }

  /** Replaces moves shared by every member of {@code g} with one edge from the composite. */
  private static void collapse(
      Group g, List<Move> moves, Map<String, Map<String, List<EventCode>>> edges) {
    for (EventCode e : EventCode.values()) {
      for (Status to : Status.values()) {
        if (g.members.contains(to)) {
          continue;
        }
        Set<Status> movers = EnumSet.noneOf(Status.class);
        for (Move m : moves) {
          if (m.event == e && m.to == to && g.members.contains(m.from)) {
            movers.add(m.from);
          }
        }
        if (movers.equals(g.members)) {
          moves.removeIf(m -> m.event == e && m.to == to && g.members.contains(m.from));
          addEdge(edges, g.name, entryNode(g.members.iterator().next(), to), e);
        }
      }
    }
  }

  /**
   * The node an edge from {@code from} into {@code to} points at: a composite when it is entered.
   */
  private static String entryNode(Status from, Status to) {
    for (Group g : GROUPS) {
      if (g.initial == to && !g.members.contains(from)) {
        return g.name;
      }
    }
    return to.name();
  }

  private static void addEdge(
      Map<String, Map<String, List<EventCode>>> edges, String from, String to, EventCode event) {
    edges
        .computeIfAbsent(from, k -> new TreeMap<>(NODE_ORDER))
        .computeIfAbsent(to, k -> new ArrayList<>())
        .add(event);
  }

  /** Writes a composite: its own states, its nested composites, then the edges that live in it. */
  private static void writeBlock(
      Group g, int depth, Map<String, Map<String, List<EventCode>>> edges, StringBuilder out) {
    String pad = "    ".repeat(depth);
    out.append(pad).append("state ").append(g.name).append(" {\n");
    out.append(pad).append("    [*] --> ").append(g.initial.name()).append('\n');
    for (Status s : LAYOUT) {
      if (g.members.contains(s) && home(s.name()) == g) {
        out.append(pad).append("    ").append(s.name()).append('\n');
      }
    }
    for (Group inner : GROUPS) {
      if (inner.parent == g) {
        writeBlock(inner, depth + 1, edges, out);
      }
    }
    writeEdges(g, depth + 1, edges, out);
    out.append(pad).append("}\n");
  }

  /**
   * Writes the edges whose two ends both live directly in {@code block} (null = top level); every
   * edge that crosses a composite's border goes at the top level, where Mermaid keeps each state in
   * its own composite.
   */
  private static void writeEdges(
      Group block, int depth, Map<String, Map<String, List<EventCode>>> edges, StringBuilder out) {
    String pad = "    ".repeat(depth);
    for (Map.Entry<String, Map<String, List<EventCode>>> from : edges.entrySet()) {
      for (Map.Entry<String, List<EventCode>> to : from.getValue().entrySet()) {
        Group a = home(from.getKey());
        Group b = home(to.getKey());
        Group where = a == b ? a : null;
        if (where == block) {
          String label =
              to.getValue().stream()
                  .sorted()
                  .map(EventCode::name)
                  .collect(Collectors.joining(", "));
          out.append(pad)
              .append(from.getKey())
              .append(" --> ")
              .append(to.getKey())
              .append(" : ")
              .append(label)
              .append('\n');
        }
      }
    }
  }

  /** The innermost composite a node (a status or a composite's name) is drawn in; null = top. */
  private static Group home(String node) {
    for (Group g : GROUPS) {
      if (g.name.equals(node)) {
        return g.parent;
      }
    }
    Status s = Status.valueOf(node);
    Group home = null;
    for (Group g : GROUPS) { // outermost first, so the last match is the innermost
      if (g.members.contains(s)) {
        home = g;
      }
    }
    return home;
  }

  private static int rank(String node) {
    for (int i = 0; i < GROUPS.size(); i++) {
      if (GROUPS.get(i).name.equals(node)) {
        return i - GROUPS.size();
      }
    }
    return LAYOUT.indexOf(Status.valueOf(node));
  }
}
