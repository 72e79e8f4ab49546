package io.ferry.ipld.car;

import io.ferry.ipld.Cid;
import io.ferry.ipld.codec.CodecException;
import io.ferry.ipld.codec.DagCbor;
import io.ferry.ipld.model.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * A CARv1 header: {@code {"roots": [cid, ...], "version": 1}} in dag-cbor.
 *
 * @param version 1, or 2 for the pragma that opens a CARv2
 * @param roots the root CIDs the archive names
 */
public record CarHeader(int version, List<Cid> roots) {
  public CarHeader {
    roots = List.copyOf(roots);
  }

  byte[] encode() {
    List<Node> links = new ArrayList<>();
    roots.forEach(r -> links.add(Node.link(r)));
    return DagCbor.encode(
        Node.map("roots", new Node.ListNode(links), "version", Node.integer(version)));
  }

  /** Decodes a header; a CARv2 pragma decodes as version 2 with no roots. */
  static CarHeader decode(byte[] cbor) {
    Node node;
    try {
      node = DagCbor.decode(cbor);
    } catch (CodecException e) {
      throw new CodecException("invalid CAR header: " + e.getMessage(), e);
    }
    if (!(node instanceof Node.MapNode map)) {
      throw new CodecException("invalid CAR header: expected a map, got " + node.kind());
    }
    if (!(map.get("version") instanceof Node.IntNode v)) {
      throw new CodecException(
          "invalid CAR header: no integer \"version\" (keys " + map.entries().keySet() + ")");
    }
    if (v.value() == 2) {
      return new CarHeader(2, List.of());
    }
    if (v.value() != 1) {
      throw new CodecException("invalid CAR header: unsupported CAR version " + v.value());
    }
    if (!(map.get("roots") instanceof Node.ListNode list)) {
      throw new CodecException("invalid CAR header: no \"roots\" list");
    }
    List<Cid> roots = new ArrayList<>();
    for (Node n : list.items()) {
      if (!(n instanceof Node.LinkNode l)) {
        throw new CodecException(
            "invalid CAR header: root " + roots.size() + " is a " + n.kind() + ", not a link");
      }
      roots.add(l.cid());
    }
    return new CarHeader(1, roots);
  }
}
