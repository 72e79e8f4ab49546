package io.ferry.cli.gateway;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.car.CarReader;
import io.ferry.ipld.codec.DagCbor;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.store.BlockStore;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fixture CAR of ipfs/gateway-conformance read into memory, with the look-ups its Go tooling
 * offers ({@code MustGetCid}, {@code MustGetDescendantsCids}, {@code MustGetCidsInHAMT}, {@code
 * MustGetCIDsInHAMTTraversal}), so the ported cases read like the originals. HAMT look-ups here
 * scan every shard instead of hashing names, so they check the gateway's hashing independently.
 */
final class Fixture {
  private final String name;
  private final Cid root;
  private final Map<Cid, Block> blocks = new HashMap<>();
  private final List<Block> inOrder = new ArrayList<>();

  private Fixture(String name, Cid root) {
    this.name = name;
    this.root = root;
  }

  /** Reads {@code gateway-conformance/<file>} from the test resources. */
  static Fixture load(String file) throws Exception {
    try (InputStream in = Fixture.class.getResourceAsStream("/gateway-conformance/" + file)) {
      if (in == null) {
        throw new IOException("no test resource gateway-conformance/" + file);
      }
      CarReader car = CarReader.open(in);
      Fixture f = new Fixture(file, car.roots().get(0));
      for (Optional<Block> b = car.next(); b.isPresent(); b = car.next()) {
        f.blocks.put(b.get().cid(), b.get());
        f.inOrder.add(b.get());
      }
      return f;
    }
  }

  /** Puts every block of the fixture into {@code store}. */
  void storeInto(BlockStore store) {
    store.putAll(inOrder);
  }

  /** The CID at a path of names from the root (MustGetCid). */
  String cid(String... names) {
    Cid c = root;
    for (String n : names) {
      c = child(c, n);
    }
    return c.toString();
  }

  /** The raw bytes of the block at a path (MustGetRawData). */
  byte[] rawData(String... names) {
    return blocks.get(Cid.parse(cid(names))).data();
  }

  /**
   * Every block under the path, depth first, without the path's own block (MustGetDescendantsCids).
   */
  List<String> descendants(String... names) {
    List<String> out = new ArrayList<>();
    collect(Cid.parse(cid(names)), out);
    return out.subList(1, out.size());
  }

  /** The HAMT's shards below its root, depth first (MustGetCidsInHAMT). */
  List<String> hamtShards() {
    List<String> out = new ArrayList<>();
    shards(root, out);
    return out;
  }

  /** The shards below the root read to find {@code entry} (MustGetCIDsInHAMTTraversal). */
  List<String> hamtTraversal(String entry) {
    List<String> out = new ArrayList<>();
    if (!findInShards(root, entry, out)) {
      throw new IllegalArgumentException("no " + entry + " in the HAMT of " + name);
    }
    return out;
  }

  private Cid child(Cid parent, String n) {
    if (parent.codec() == Multicodec.DAG_CBOR) {
      throw new IllegalArgumentException("use explicit CIDs inside dag-cbor");
    }
    for (PbLink l : DagPb.decode(blocks.get(parent).data()).links()) {
      String ln = l.name().orElse("");
      if (ln.equals(n) || (ln.length() > 2 && ln.substring(2).equals(n) && isHamt(parent))) {
        return l.hash();
      }
      if (ln.length() == 2 && isHamt(parent)) {
        try {
          return child(l.hash(), n);
        } catch (IllegalArgumentException notHere) {
          // keep looking in the next shard
        }
      }
    }
    throw new IllegalArgumentException("no " + n + " under " + parent + " in " + name);
  }

  private boolean isHamt(Cid c) {
    byte[] data = DagPb.decode(blocks.get(c).data()).data();
    return data != null && data.length > 1 && data[0] == 0x08 && data[1] == 5;
  }

  private void collect(Cid c, List<String> out) {
    out.add(c.toString());
    Block b = blocks.get(c);
    List<Cid> links =
        c.codec() == Multicodec.DAG_PB
            ? DagPb.decode(b.data()).links().stream().map(PbLink::hash).toList()
            : c.codec() == Multicodec.DAG_CBOR ? DagCbor.decode(b.data()).links() : List.of();
    links.forEach(l -> collect(l, out));
  }

  private void shards(Cid shard, List<String> out) {
    for (PbLink l : DagPb.decode(blocks.get(shard).data()).links()) {
      if (l.name().orElse("").length() == 2) {
        out.add(l.hash().toString());
        shards(l.hash(), out);
      }
    }
  }

  private boolean findInShards(Cid shard, String entry, List<String> path) {
    for (PbLink l : DagPb.decode(blocks.get(shard).data()).links()) {
      String ln = l.name().orElse("");
      if (ln.length() > 2 && ln.substring(2).equals(entry)) {
        return true;
      }
      if (ln.length() == 2) {
        path.add(l.hash().toString());
        if (findInShards(l.hash(), entry, path)) {
          return true;
        }
        path.remove(path.size() - 1);
      }
    }
    return false;
  }

  String root() {
    return root.toString();
  }
}
