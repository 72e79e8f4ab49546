package io.ferry.ipld.selector;

import io.ferry.ipld.codec.CodecException;
import io.ferry.ipld.model.Node;
import io.ferry.ipld.selector.Selector.ExploreAll;
import io.ferry.ipld.selector.Selector.ExploreFields;
import io.ferry.ipld.selector.Selector.ExploreIndex;
import io.ferry.ipld.selector.Selector.ExploreRange;
import io.ferry.ipld.selector.Selector.ExploreRecursive;
import io.ferry.ipld.selector.Selector.ExploreRecursiveEdge;
import io.ferry.ipld.selector.Selector.ExploreUnion;
import io.ferry.ipld.selector.Selector.Matcher;
import io.ferry.ipld.selector.Selector.RecursionLimit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The selector schema's keyed-union representation, to and from data model nodes. Rejects what
 * go-ipld-prime's parser rejects (unknown keys in the union, an explore-recursive without an edge,
 * an edge outside a recursion, a range with end not above start), with a message naming the
 * selector and field.
 */
final class SelectorCodec {
  private SelectorCodec() {}

  static Selector fromNode(Node node) {
    return parse(node, 0);
  }

  private static Selector parse(Node node, int recursionDepth) {
    Node.MapNode union = asMap(node, "selector");
    if (union.entries().size() != 1) {
      throw bad("a selector is a keyed union: a map with exactly one key, got " + keys(union));
    }
    Map.Entry<String, Node> only = union.entries().entrySet().iterator().next();
    String kind = only.getKey();
    Node body = only.getValue();
    switch (kind) {
      case ".":
        {
          Node.MapNode m = asMap(body, "matcher");
          Optional<String> label = Optional.empty();
          for (String k : m.entries().keySet()) {
            if (k.equals("l")) {
              label = Optional.of(asString(m.get("l"), "matcher label \"l\""));
            } else {
              throw bad("matcher field \"" + k + "\" is not supported");
            }
          }
          return new Matcher(label);
        }
      case "a":
        return new ExploreAll(parse(field(body, "explore-all", ">"), recursionDepth));
      case "f":
        {
          Node.MapNode fields = asMap(field(body, "explore-fields", "f>"), "explore-fields \"f>\"");
          Map<String, Selector> parsed = new LinkedHashMap<>();
          for (Map.Entry<String, Node> e : fields.entries().entrySet()) {
            parsed.put(e.getKey(), parse(e.getValue(), recursionDepth));
          }
          return new ExploreFields(parsed);
        }
      case "i":
        {
          long index = asInt(field(body, "explore-index", "i"), "explore-index \"i\"");
          if (index < 0) {
            throw bad("explore-index \"i\" is negative: " + index);
          }
          return new ExploreIndex(index, parse(field(body, "explore-index", ">"), recursionDepth));
        }
      case "r":
        {
          long start = asInt(field(body, "explore-range", "^"), "explore-range start \"^\"");
          long end = asInt(field(body, "explore-range", "$"), "explore-range end \"$\"");
          if (start < 0 || end <= start) {
            throw bad("explore-range needs 0 <= start < end, got ^=" + start + ", $=" + end);
          }
          return new ExploreRange(
              start, end, parse(field(body, "explore-range", ">"), recursionDepth));
        }
      case "R":
        {
          Node.MapNode m = asMap(body, "explore-recursive");
          if (m.get("!") != null) {
            throw bad("explore-recursive stop-at conditions (\"!\") are not supported");
          }
          RecursionLimit limit = parseLimit(field(body, "explore-recursive", "l"));
          Selector sequence = parse(field(body, "explore-recursive", ":>"), recursionDepth + 1);
          if (!hasEdge(sequence)) {
            throw bad("explore-recursive sequence must contain an explore-recursive-edge (\"@\")");
          }
          return new ExploreRecursive(sequence, limit);
        }
      case "@":
        if (recursionDepth == 0) {
          throw bad("explore-recursive-edge (\"@\") outside an explore-recursive");
        }
        asMap(body, "explore-recursive-edge");
        return new ExploreRecursiveEdge();
      case "|":
        {
          if (!(body instanceof Node.ListNode list)) {
            throw bad("explore-union (\"|\") must be a list of selectors");
          }
          List<Selector> members = new ArrayList<>();
          for (Node item : list.items()) {
            members.add(parse(item, recursionDepth));
          }
          return new ExploreUnion(members);
        }
      default:
        throw bad("unknown or unsupported selector kind \"" + kind + "\"");
    }
  }

  private static RecursionLimit parseLimit(Node node) {
    Node.MapNode m = asMap(node, "explore-recursive limit \"l\"");
    if (m.entries().size() != 1) {
      throw bad("recursion limit must have exactly one key (\"none\" or \"depth\")");
    }
    if (m.get("none") != null) {
      asMap(m.get("none"), "recursion limit \"none\"");
      return new RecursionLimit.None();
    }
    if (m.get("depth") != null) {
      long depth = asInt(m.get("depth"), "recursion limit \"depth\"");
      if (depth < 0) {
        throw bad("recursion depth is negative: " + depth);
      }
      return new RecursionLimit.Depth(depth);
    }
    throw bad("unknown recursion limit " + keys(m));
  }

  private static boolean hasEdge(Selector s) {
    if (s instanceof ExploreRecursiveEdge) {
      return true;
    } else if (s instanceof ExploreAll a) {
      return hasEdge(a.next());
    } else if (s instanceof ExploreFields f) {
      return f.fields().values().stream().anyMatch(SelectorCodec::hasEdge);
    } else if (s instanceof ExploreIndex i) {
      return hasEdge(i.next());
    } else if (s instanceof ExploreRange r) {
      return hasEdge(r.next());
    } else if (s instanceof ExploreUnion u) {
      return u.members().stream().anyMatch(SelectorCodec::hasEdge);
    }
    return false;
  }

  static Node toNode(Selector s) {
    if (s instanceof Matcher m) {
      Map<String, Node> body = new LinkedHashMap<>();
      m.label().ifPresent(l -> body.put("l", new Node.StringNode(l)));
      return keyed(".", new Node.MapNode(body));
    } else if (s instanceof ExploreAll a) {
      return keyed("a", Node.map(">", toNode(a.next())));
    } else if (s instanceof ExploreFields f) {
      Map<String, Node> fields = new LinkedHashMap<>();
      f.fields().forEach((k, v) -> fields.put(k, toNode(v)));
      return keyed("f", Node.map("f>", new Node.MapNode(fields)));
    } else if (s instanceof ExploreIndex i) {
      return keyed("i", Node.map("i", Node.integer(i.index()), ">", toNode(i.next())));
    } else if (s instanceof ExploreRange r) {
      return keyed(
          "r",
          Node.map(
              "^", Node.integer(r.start()), "$", Node.integer(r.end()), ">", toNode(r.next())));
    } else if (s instanceof ExploreRecursive r) {
      Node limit =
          r.limit() instanceof RecursionLimit.Depth d
              ? Node.map("depth", Node.integer(d.depth()))
              : Node.map("none", Node.map());
      return keyed("R", Node.map("l", limit, ":>", toNode(r.sequence())));
    } else if (s instanceof ExploreRecursiveEdge) {
      return keyed("@", Node.map());
    } else {
      ExploreUnion u = (ExploreUnion) s;
      List<Node> members = new ArrayList<>();
      u.members().forEach(m -> members.add(toNode(m)));
      return keyed("|", new Node.ListNode(members));
    }
  }

  private static Node keyed(String key, Node body) {
    return Node.map(key, body);
  }

  private static Node field(Node body, String selector, String key) {
    Node.MapNode m = asMap(body, selector);
    Node v = m.get(key);
    if (v == null) {
      throw bad(selector + " is missing its field \"" + key + "\"");
    }
    return v;
  }

  private static Node.MapNode asMap(Node node, String what) {
    if (node instanceof Node.MapNode m) {
      return m;
    }
    throw bad(what + " must be a map, got " + node.kind());
  }

  private static long asInt(Node node, String what) {
    if (node instanceof Node.IntNode i) {
      return i.value();
    }
    throw bad(what + " must be an integer, got " + node.kind());
  }

  private static String asString(Node node, String what) {
    if (node instanceof Node.StringNode s) {
      return s.value();
    }
    throw bad(what + " must be a string, got " + node.kind());
  }

  private static String keys(Node.MapNode m) {
    return m.entries().keySet().toString();
  }

  private static CodecException bad(String reason) {
    return new CodecException("invalid selector: " + reason);
  }
}
