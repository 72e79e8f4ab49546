package io.ferry.ipld.selector;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An IPLD selector, as the IPLD selector schema defines it (keyed union: {@code "."} matcher,
 * {@code "a"} explore-all, {@code "f"} explore-fields, {@code "i"} explore-index, {@code "r"}
 * explore-range, {@code "R"} explore-recursive, {@code "|"} explore-union, {@code "@"}
 * explore-recursive-edge). A selector is a plain value; {@link io.ferry.ipld.traversal.Traversal}
 * interprets it.
 */
public sealed interface Selector
    permits Selector.Matcher,
        Selector.ExploreAll,
        Selector.ExploreFields,
        Selector.ExploreIndex,
        Selector.ExploreRange,
        Selector.ExploreRecursive,
        Selector.ExploreRecursiveEdge,
        Selector.ExploreUnion {

  /** Matches the node it is applied to; explores nothing further. */
  record Matcher(Optional<String> label) implements Selector {
    public Matcher {
      Objects.requireNonNull(label, "label");
    }

    public Matcher() {
      this(Optional.empty());
    }
  }

  /** Applies {@code next} to every child of a map or list. */
  record ExploreAll(Selector next) implements Selector {
    public ExploreAll {
      Objects.requireNonNull(next, "next");
    }
  }

  /** Applies a selector to each named field, in the order given here. */
  record ExploreFields(Map<String, Selector> fields) implements Selector {
    public ExploreFields {
      fields = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }
  }

  /** Applies {@code next} to the list element (or map key) at {@code index}. */
  record ExploreIndex(long index, Selector next) implements Selector {
    public ExploreIndex {
      Objects.requireNonNull(next, "next");
      if (index < 0) {
        throw new IllegalArgumentException("explore-index index is negative: " + index);
      }
    }
  }

  /** Applies {@code next} to list elements {@code start} (inclusive) to {@code end} (exclusive). */
  record ExploreRange(long start, long end, Selector next) implements Selector {
    public ExploreRange {
      Objects.requireNonNull(next, "next");
      if (start < 0 || end <= start) {
        throw new IllegalArgumentException(
            "explore-range needs 0 <= start < end, got start " + start + ", end " + end);
      }
    }
  }

  /**
   * Applies {@code sequence} repeatedly: where it reaches an {@link ExploreRecursiveEdge}, the
   * sequence starts again, until {@code limit} is reached.
   */
  record ExploreRecursive(Selector sequence, RecursionLimit limit) implements Selector {
    public ExploreRecursive {
      Objects.requireNonNull(sequence, "sequence");
      Objects.requireNonNull(limit, "limit");
    }
  }

  /** Where an enclosing {@link ExploreRecursive} starts its sequence again. */
  record ExploreRecursiveEdge() implements Selector {}

  /** Applies every member selector. */
  record ExploreUnion(List<Selector> members) implements Selector {
    public ExploreUnion {
      members = List.copyOf(members);
      if (members.isEmpty()) {
        throw new IllegalArgumentException("explore-union needs at least one member");
      }
    }
  }

  /** How deep an {@link ExploreRecursive} may go. */
  sealed interface RecursionLimit permits RecursionLimit.None, RecursionLimit.Depth {
    /** No limit. */
    record None() implements RecursionLimit {}

    /** At most {@code depth} levels of nodes, counting the node the recursion starts at. */
    record Depth(long depth) implements RecursionLimit {
      public Depth {
        if (depth < 0) {
          throw new IllegalArgumentException("recursion depth is negative: " + depth);
        }
      }
    }
  }

  /** Reads a selector from its dag-json encoding. */
  static Selector fromDagJson(String json) {
    return SelectorCodec.fromNode(io.ferry.ipld.codec.DagJson.decode(json));
  }

  /** This selector in dag-json. */
  default String toDagJson() {
    return io.ferry.ipld.codec.DagJson.encodeToString(SelectorCodec.toNode(this));
  }

  /** Reads a selector from its dag-cbor encoding. */
  static Selector fromDagCbor(byte[] cbor) {
    return SelectorCodec.fromNode(io.ferry.ipld.codec.DagCbor.decode(cbor));
  }

  /** This selector in dag-cbor. */
  default byte[] toDagCbor() {
    return io.ferry.ipld.codec.DagCbor.encode(SelectorCodec.toNode(this));
  }
}
