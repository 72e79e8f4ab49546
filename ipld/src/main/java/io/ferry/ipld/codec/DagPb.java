package io.ferry.ipld.codec;

import io.ferry.ipld.Cid;
import io.ferry.ipld.model.Node;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * dag-pb, as the IPLD dag-pb spec has it. A node is encoded as its links (field 2, each a PBLink of
 * Hash(1), Name(2), Tsize(3) in that order) followed by its data (field 1); the links must be
 * sorted by name bytes (a stable sort: absent names count as empty). Decoding accepts exactly that
 * layout: no unknown fields, no duplicates, no links after the data, and each link must have a Hash
 * that is a CID.
 */
public final class DagPb {
  private DagPb() {}

  /**
   * The node's canonical bytes.
   *
   * @throws CodecException when its links are not sorted by name
   */
  public static byte[] encode(PbNode node) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] previousName = null;
    for (PbLink link : node.links()) {
      byte[] name = link.name().orElse("").getBytes(StandardCharsets.UTF_8);
      if (previousName != null && Arrays.compareUnsigned(previousName, name) > 0) {
        throw new CodecException(
            "dag-pb links must be sorted by name: \""
                + link.name().orElse("")
                + "\" is out of order");
      }
      previousName = name;
      Protobuf.bytesField(out, 2, encodeLink(link));
    }
    if (node.data() != null) {
      Protobuf.bytesField(out, 1, node.data());
    }
    return out.toByteArray();
  }

  private static byte[] encodeLink(PbLink link) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Protobuf.bytesField(out, 1, link.hash().toBytes());
    link.name().ifPresent(n -> Protobuf.bytesField(out, 2, n.getBytes(StandardCharsets.UTF_8)));
    link.tsize().ifPresent(t -> Protobuf.varintField(out, 3, t));
    return out.toByteArray();
  }

  /**
   * Decodes a dag-pb block's bytes.
   *
   * @throws CodecException naming the byte offset and what is wrong, when they are not strict
   *     dag-pb
   */
  public static PbNode decode(byte[] bytes) {
    Protobuf.Reader r = new Protobuf.Reader(bytes, "dag-pb node");
    List<PbLink> links = new ArrayList<>();
    byte[] data = null;
    while (r.hasMore()) {
      long key = r.varint();
      int field = (int) (key >>> 3);
      int wire = (int) (key & 7);
      if (wire != Protobuf.LEN) {
        throw r.fail("field " + field + " has wire type " + wire + ", expected 2");
      }
      if (field == 1) {
        if (data != null) {
          throw r.fail("duplicate Data field");
        }
        data = r.bytes();
      } else if (field == 2) {
        if (data != null) {
          throw r.fail("a link follows the Data field (links must come first)");
        }
        links.add(decodeLink(r.embedded("dag-pb link")));
      } else {
        throw r.fail("unknown field " + field + " (PBNode has only Data=1 and Links=2)");
      }
    }
    return new PbNode(links, data);
  }

  private static PbLink decodeLink(Protobuf.Reader r) {
    Cid hash = null;
    Optional<String> name = Optional.empty();
    OptionalLong tsize = OptionalLong.empty();
    int lastField = 0;
    while (r.hasMore()) {
      long key = r.varint();
      int field = (int) (key >>> 3);
      int wire = (int) (key & 7);
      if (field <= lastField) {
        throw r.fail("field " + field + " is duplicated or out of order (Hash, Name, Tsize)");
      }
      lastField = field;
      if (field == 1 && wire == Protobuf.LEN) {
        try {
          hash = Cid.decode(r.bytes());
        } catch (IllegalArgumentException e) {
          throw r.fail("Hash is not a CID: " + e.getMessage());
        }
      } else if (field == 2 && wire == Protobuf.LEN) {
        name = Optional.of(new String(r.bytes(), StandardCharsets.UTF_8));
      } else if (field == 3 && wire == Protobuf.VARINT) {
        long t = r.varint();
        if (t < 0) {
          throw r.fail("Tsize is larger than 2^63-1");
        }
        tsize = OptionalLong.of(t);
      } else {
        throw r.fail("unexpected field " + field + " with wire type " + wire);
      }
    }
    if (hash == null) {
      throw r.fail("link has no Hash");
    }
    return new PbLink(hash, name, tsize);
  }

  /**
   * The node in the IPLD data model, as go-codec-dagpb presents it: a map of {@code Links} (a list
   * of maps {@code Hash}, {@code Name}, {@code Tsize}) then {@code Data} when present.
   */
  public static Node toNode(PbNode node) {
    List<Node> links = new ArrayList<>(node.links().size());
    for (PbLink link : node.links()) {
      Map<String, Node> m = new LinkedHashMap<>();
      m.put("Hash", new Node.LinkNode(link.hash()));
      link.name().ifPresent(n -> m.put("Name", new Node.StringNode(n)));
      link.tsize().ifPresent(t -> m.put("Tsize", new Node.IntNode(t)));
      links.add(new Node.MapNode(m));
    }
    Map<String, Node> m = new LinkedHashMap<>();
    m.put("Links", new Node.ListNode(links));
    if (node.data() != null) {
      m.put("Data", new Node.BytesNode(node.data()));
    }
    return new Node.MapNode(m);
  }
}
