package io.ferry.ipld.model;

import io.ferry.ipld.Cid;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A value in the IPLD data model. Maps keep their entries in the order they were built or decoded
 * (traversal visits them in that order); map keys are strings. Integers are 64-bit signed.
 */
public sealed interface Node
    permits Node.MapNode,
        Node.ListNode,
        Node.StringNode,
        Node.BytesNode,
        Node.IntNode,
        Node.FloatNode,
        Node.BoolNode,
        Node.NullNode,
        Node.LinkNode {

  /** The data model kind of this node. */
  Kind kind();

  /** The data model kinds. */
  enum Kind {
    MAP,
    LIST,
    STRING,
    BYTES,
    INT,
    FLOAT,
    BOOL,
    NULL,
    LINK
  }

  /**
   * The child at a path segment: a map entry by key, or a list element by decimal index; empty for
   * scalars and for absent children.
   */
  default Optional<Node> lookup(String segment) {
    return Optional.empty();
  }

  /** A map; entries keep their given order. */
  record MapNode(Map<String, Node> entries) implements Node {
    public MapNode {
      entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
    }

    @Override
    public Kind kind() {
      return Kind.MAP;
    }

    @Override
    public Optional<Node> lookup(String segment) {
      return Optional.ofNullable(entries.get(segment));
    }

    public Node get(String key) {
      return entries.get(key);
    }
  }

  /** A list. */
  record ListNode(List<Node> items) implements Node {
    public ListNode {
      items = List.copyOf(items);
    }

    @Override
    public Kind kind() {
      return Kind.LIST;
    }

    @Override
    public Optional<Node> lookup(String segment) {
      try {
        long i = Long.parseLong(segment);
        return i >= 0 && i < items.size() ? Optional.of(items.get((int) i)) : Optional.empty();
      } catch (NumberFormatException e) {
        return Optional.empty();
      }
    }
  }

  /** A UTF-8 string. */
  record StringNode(String value) implements Node {
    @Override
    public Kind kind() {
      return Kind.STRING;
    }
  }

  /** A byte string; equal by content. */
  record BytesNode(byte[] value) implements Node {
    public BytesNode {
      value = value.clone();
    }

    @Override
    public byte[] value() {
      return value.clone();
    }

    @Override
    public Kind kind() {
      return Kind.BYTES;
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BytesNode other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
      return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
      return "BytesNode[" + HexFormat.of().formatHex(value) + "]";
    }
  }

  /** A 64-bit signed integer. */
  record IntNode(long value) implements Node {
    @Override
    public Kind kind() {
      return Kind.INT;
    }
  }

  /** A 64-bit float; NaN and infinities are not IPLD data and are refused. */
  record FloatNode(double value) implements Node {
    public FloatNode {
      if (Double.isNaN(value) || Double.isInfinite(value)) {
        throw new IllegalArgumentException("IPLD floats cannot be NaN or infinite: " + value);
      }
    }

    @Override
    public Kind kind() {
      return Kind.FLOAT;
    }
  }

  /** A boolean. */
  record BoolNode(boolean value) implements Node {
    @Override
    public Kind kind() {
      return Kind.BOOL;
    }
  }

  /** Null. */
  record NullNode() implements Node {
    @Override
    public Kind kind() {
      return Kind.NULL;
    }
  }

  /** A link to another block. */
  record LinkNode(Cid cid) implements Node {
    @Override
    public Kind kind() {
      return Kind.LINK;
    }
  }

  static Node string(String s) {
    return new StringNode(s);
  }

  static Node integer(long v) {
    return new IntNode(v);
  }

  static Node link(Cid cid) {
    return new LinkNode(cid);
  }

  static Node bytes(byte[] b) {
    return new BytesNode(b);
  }

  static Node list(Node... items) {
    return new ListNode(List.of(items));
  }

  /** A map from alternating keys and values: {@code map("a", x, "b", y)}. */
  static Node map(Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("map needs key/value pairs");
    }
    Map<String, Node> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], (Node) keysAndValues[i + 1]);
    }
    return new MapNode(m);
  }

  /** Every link in this node and its children, in node order. */
  default List<Cid> links() {
    List<Cid> out = new ArrayList<>();
    collectLinks(this, out);
    return out;
  }

  private static void collectLinks(Node node, List<Cid> out) {
    if (node instanceof LinkNode l) {
      out.add(l.cid());
    } else if (node instanceof MapNode m) {
      m.entries().values().forEach(v -> collectLinks(v, out));
    } else if (node instanceof ListNode l) {
      l.items().forEach(v -> collectLinks(v, out));
    }
  }
}
