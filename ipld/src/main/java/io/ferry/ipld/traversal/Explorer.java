package io.ferry.ipld.traversal;

import io.ferry.ipld.model.Node;
import io.ferry.ipld.selector.Selector;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A selector during a traversal. It mirrors go-ipld-prime's selector semantics, including the state
 * an explore-recursive carries (its current position in the sequence and remaining depth), so that
 * Ferry visits blocks in exactly the order graphsync does.
 */
sealed interface Explorer {
  /**
   * The path segments to visit under {@code node}, in order, or null to visit all its children in
   * node order.
   */
  List<String> interests();

  /** The explorer for the child at {@code segment} of {@code parent}, or null to skip it. */
  Explorer explore(Node parent, String segment);

  static Explorer of(Selector s) {
    if (s instanceof Selector.Matcher) {
      return new Match();
    } else if (s instanceof Selector.ExploreAll a) {
      return new All(of(a.next()));
    } else if (s instanceof Selector.ExploreFields f) {
      Map<String, Explorer> fields = new LinkedHashMap<>();
      f.fields().forEach((k, v) -> fields.put(k, of(v)));
      return new Fields(fields);
    } else if (s instanceof Selector.ExploreIndex i) {
      return new Range(i.index(), i.index() + 1, of(i.next()));
    } else if (s instanceof Selector.ExploreRange r) {
      return new Range(r.start(), r.end(), of(r.next()));
    } else if (s instanceof Selector.ExploreRecursive r) {
      Explorer sequence = of(r.sequence());
      long depth =
          r.limit() instanceof Selector.RecursionLimit.Depth d ? d.depth() : Recursive.UNLIMITED;
      return new Recursive(sequence, sequence, depth);
    } else if (s instanceof Selector.ExploreRecursiveEdge) {
      return new Edge();
    } else {
      List<Explorer> members = new ArrayList<>();
      ((Selector.ExploreUnion) s).members().forEach(m -> members.add(of(m)));
      return new Union(members);
    }
  }

  /** A matcher: the node itself is selected, none of its children. */
  record Match() implements Explorer {
    @Override
    public List<String> interests() {
      return List.of();
    }

    @Override
    public Explorer explore(Node parent, String segment) {
      return null;
    }
  }

  /** Explore-all: every child, each with {@code next}. */
  record All(Explorer next) implements Explorer {
    @Override
    public List<String> interests() {
      return null;
    }

    @Override
    public Explorer explore(Node parent, String segment) {
      return next;
    }
  }

  /** Explore-fields: the named children, in the selector's order. */
  record Fields(Map<String, Explorer> fields) implements Explorer {
    @Override
    public List<String> interests() {
      return List.copyOf(fields.keySet());
    }

    @Override
    public Explorer explore(Node parent, String segment) {
      return fields.get(segment);
    }
  }

  /** Explore-index and explore-range: list elements only, {@code start} to {@code end - 1}. */
  record Range(long start, long end, Explorer next) implements Explorer {
    @Override
    public List<String> interests() {
      return new AbstractList<>() {
        @Override
        public String get(int i) {
          return Long.toString(start + i);
        }

        @Override
        public int size() {
          return (int) Math.min(Integer.MAX_VALUE, end - start);
        }
      };
    }

    @Override
    public Explorer explore(Node parent, String segment) {
      if (!(parent instanceof Node.ListNode)) {
        return null;
      }
      long index;
      try {
        index = Long.parseLong(segment);
      } catch (NumberFormatException e) {
        return null;
      }
      return index >= start && index < end ? next : null;
    }
  }

  /** Explore-recursive-edge: replaced by its recursion's sequence before it is ever explored. */
  record Edge() implements Explorer {
    @Override
    public List<String> interests() {
      return List.of();
    }

    @Override
    public Explorer explore(Node parent, String segment) {
      throw new IllegalStateException("explore-recursive-edge reached outside a recursion");
    }
  }

  /** Explore-union: every member's interests, in member order. */
  record Union(List<Explorer> members) implements Explorer {
    @Override
    public List<String> interests() {
      List<String> all = new ArrayList<>();
      for (Explorer m : members) {
        List<String> mi = m.interests();
        if (mi == null) {
          return null;
        }
        all.addAll(mi);
      }
      return all;
    }

    @Override
    public Explorer explore(Node parent, String segment) {
      List<Explorer> next = new ArrayList<>();
      for (Explorer m : members) {
        Explorer e = m.explore(parent, segment);
        if (e != null) {
          next.add(e);
        }
      }
      if (next.isEmpty()) {
        return null;
      }
      return next.size() == 1 ? next.get(0) : new Union(next);
    }
  }

  /**
   * An explore-recursive in progress: where it is in its sequence, and how deep it may still go.
   */
  record Recursive(Explorer sequence, Explorer current, long depth) implements Explorer {
    static final long UNLIMITED = -1;

    @Override
    public List<String> interests() {
      return current.interests();
    }

    @Override
    public Explorer explore(Node parent, String segment) {
      if (current instanceof Edge) {
        return null;
      }
      Explorer next = current.explore(parent, segment);
      if (next == null) {
        return null;
      }
      if (!hasEdge(next)) {
        return new Recursive(sequence, next, depth);
      }
      if (depth == UNLIMITED) {
        return new Recursive(sequence, replaceEdge(next, sequence), depth);
      }
      if (depth < 2) {
        return replaceEdge(next, null);
      }
      return new Recursive(sequence, replaceEdge(next, sequence), depth - 1);
    }

    private static boolean hasEdge(Explorer e) {
      if (e instanceof Edge) {
        return true;
      }
      return e instanceof Union u && u.members().stream().anyMatch(Recursive::hasEdge);
    }

    private static Explorer replaceEdge(Explorer e, Explorer replacement) {
      if (e instanceof Edge) {
        return replacement;
      }
      if (e instanceof Union u) {
        List<Explorer> members = new ArrayList<>();
        for (Explorer m : u.members()) {
          Explorer r = replaceEdge(m, replacement);
          if (r != null) {
            members.add(r);
          }
        }
        if (members.isEmpty()) {
          return null;
        }
        return members.size() == 1 ? members.get(0) : new Union(members);
      }
      return e;
    }
  }
}
