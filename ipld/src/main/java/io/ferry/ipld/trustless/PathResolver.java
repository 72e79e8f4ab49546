package io.ferry.ipld.trustless;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.Codecs;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.codec.PbNode;
import io.ferry.ipld.model.Node;
import io.ferry.ipld.unixfs.HamtLookup;
import io.ferry.ipld.unixfs.UnixFsData;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Resolves {@code /ipfs/{root}/a/b/c} to the block at its end, through UnixFS directories (plain
 * and HAMT-sharded), plain dag-pb links by name, and dag-cbor or dag-json documents (map keys, list
 * indexes, links), keeping every block read on the way so a CAR response can prove the path.
 */
public final class PathResolver {
  private static final int MAX_SEGMENTS = 256;

  private final StoredBlocks blocks;

  public PathResolver(StoredBlocks blocks) {
    this.blocks = blocks;
  }

  /**
   * Resolves {@code segments} (already percent-decoded; empty segments are skipped) from {@code
   * root}.
   *
   * @throws io.ferry.ipld.traversal.MissingBlockException when the root or a block on the way is
   *     not held
   * @throws PathNotFoundException when a segment names nothing
   */
  public Resolution resolve(Cid root, List<String> segments) {
    List<String> names = segments.stream().filter(s -> !s.isEmpty()).toList();
    if (names.size() > MAX_SEGMENTS) {
      throw new PathNotFoundException("the path has more than " + MAX_SEGMENTS + " segments");
    }
    List<Block> path = new ArrayList<>();
    List<Cid> roots = new ArrayList<>();
    Block current = blocks.load(root);
    roots.add(root);
    Node document = null; // where we are inside a dag-cbor/dag-json block, if anywhere
    for (String name : names) {
      long codec = current.cid().codec();
      if (codec == Multicodec.DAG_PB) {
        PbNode node = DagPb.decode(current.data());
        path.add(current);
        Cid next = dagPbChild(current, node, name, path);
        current = blocks.load(next);
        roots.add(next);
      } else if (codec == Multicodec.DAG_CBOR || codec == Multicodec.DAG_JSON) {
        if (document == null) {
          document = Codecs.decode(current);
        }
        Cid here = current.cid();
        Node child =
            document
                .lookup(name)
                .orElseThrow(() -> new PathNotFoundException("no '" + name + "' in " + here));
        if (child instanceof Node.LinkNode link) {
          path.add(current);
          current = blocks.load(link.cid());
          roots.add(link.cid());
          document = null;
        } else {
          document = child;
          roots.add(current.cid());
        }
      } else {
        throw new PathNotFoundException(
            current.cid()
                + " is a "
                + Multicodec.name(codec)
                + " block, which has no '"
                + name
                + "' inside");
      }
    }
    return new Resolution(path, current, roots);
  }

  /** The child of a dag-pb node by name: a directory entry, through HAMT shards if sharded. */
  private Cid dagPbChild(Block block, PbNode node, String name, List<Block> path) {
    if (node.hasData()) {
      UnixFsData data = decodeUnixFs(node);
      if (data != null && data.type() == UnixFsData.Type.HAMT_SHARD) {
        HamtLookup.Result found = HamtLookup.find(block, name, blocks::load);
        path.addAll(found.shardsRead());
        return found.entry().map(PbLink::hash).orElseThrow(() -> notFound(block, name));
      }
      if (data != null
          && (data.type() == UnixFsData.Type.FILE || data.type() == UnixFsData.Type.RAW)) {
        throw new PathNotFoundException(
            block.cid() + " is a UnixFS file, which has no '" + name + "' inside");
      }
    }
    Optional<PbLink> link =
        node.links().stream().filter(l -> l.name().orElse("").equals(name)).findFirst();
    return link.map(PbLink::hash).orElseThrow(() -> notFound(block, name));
  }

  private static UnixFsData decodeUnixFs(PbNode node) {
    try {
      return UnixFsData.decode(node.data());
    } catch (RuntimeException e) {
      return null; // dag-pb that is not UnixFS: links are still found by name
    }
  }

  private static PathNotFoundException notFound(Block directory, String name) {
    return new PathNotFoundException("no entry '" + name + "' in " + directory.cid());
  }
}
