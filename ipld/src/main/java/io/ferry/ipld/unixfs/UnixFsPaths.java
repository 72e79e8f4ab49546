package io.ferry.ipld.unixfs;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.codec.PbNode;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.traversal.MissingBlockException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Resolves paths through UnixFS directories, plain and HAMT-sharded ({@code /ipfs/{cid}/a/b}), and
 * lists directories. A resolution names every block it read on the way, so a trustless gateway can
 * send them with the target as proof of the path. A HAMT directory is searched by hash: only the
 * shards on the name's way are read.
 */
public final class UnixFsPaths {
  /**
   * Where a path led.
   *
   * @param cid the block the path names
   * @param proof every block read to get there, the root first (the target itself not included)
   */
  public record Resolved(Cid cid, List<Cid> proof) {
    public Resolved {
      proof = List.copyOf(proof);
    }
  }

  /** A path segment that names no entry of its directory. */
  public static final class NotFoundException extends IOException {
    private final Cid directory;
    private final String name;

    NotFoundException(Cid directory, String name, String why) {
      super(why);
      this.directory = directory;
      this.name = name;
    }

    /** The directory (or file) that has no such entry. */
    public Cid directory() {
      return directory;
    }

    /** The name that was not found. */
    public String name() {
      return name;
    }
  }

  private final BlockStore store;

  /** Resolves against the blocks of {@code store}. */
  public UnixFsPaths(BlockStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /**
   * Follows {@code segments} (entry names, empty ones skipped) from {@code root}.
   *
   * @throws NotFoundException when a segment names no entry, or a file is asked for an entry
   * @throws MissingBlockException when a block on the way is not in the store
   */
  public Resolved resolve(Cid root, List<String> segments) throws IOException {
    List<Cid> proof = new ArrayList<>();
    Cid at = root;
    for (String segment : segments) {
      if (segment.isEmpty()) {
        continue;
      }
      Block block = load(at);
      PbLink next = entry(block, segment, proof);
      at = next.hash();
    }
    return new Resolved(at, proof);
  }

  /** Resolves a slash-separated path ({@code "a/b/c"}, leading and doubled slashes ignored). */
  public Resolved resolve(Cid root, String path) throws IOException {
    return resolve(root, List.of(path.split("/")));
  }

  /** Whether {@code cid} is a UnixFS directory, plain or HAMT-sharded. */
  public boolean isDirectory(Cid cid) throws IOException {
    if (cid.codec() != Multicodec.DAG_PB) {
      return false;
    }
    UnixFsData.Type type = unixfs(load(cid)).type();
    return type == UnixFsData.Type.DIRECTORY || type == UnixFsData.Type.HAMT_SHARD;
  }

  /**
   * The entries of the directory {@code cid} with their own names: in link order for a plain
   * directory, in slot order for a HAMT.
   *
   * @throws IOException when {@code cid} is not a directory
   */
  public List<PbLink> list(Cid cid) throws IOException {
    Block block = load(cid);
    UnixFsData data = requireDirectory(block, cid, "");
    if (data.type() == UnixFsData.Type.DIRECTORY) {
      return DagPb.decode(block.data()).links();
    }
    List<PbLink> out = new ArrayList<>();
    new HamtReader(this::load).list(block, out::add);
    return out;
  }

  private PbLink entry(Block block, String name, List<Cid> proof) throws IOException {
    Cid cid = block.cid();
    UnixFsData data = requireDirectory(block, cid, name);
    if (data.type() == UnixFsData.Type.HAMT_SHARD) {
      Optional<PbLink> found =
          new HamtReader(this::load).find(block, name, s -> proof.add(s.cid()));
      return found.orElseThrow(() -> notFound(cid, name));
    }
    proof.add(cid);
    for (PbLink link : DagPb.decode(block.data()).links()) {
      if (link.name().orElse("").equals(name)) {
        return link;
      }
    }
    throw notFound(cid, name);
  }

  private static NotFoundException notFound(Cid directory, String name) {
    return new NotFoundException(
        directory, name, "no entry \"" + name + "\" in directory " + directory);
  }

  private static UnixFsData requireDirectory(Block block, Cid cid, String name) throws IOException {
    if (cid.codec() != Multicodec.DAG_PB) {
      throw new NotFoundException(
          cid, name, cid + " is " + Multicodec.name(cid.codec()) + ", not a UnixFS directory");
    }
    UnixFsData data = unixfs(block);
    if (data.type() != UnixFsData.Type.DIRECTORY && data.type() != UnixFsData.Type.HAMT_SHARD) {
      throw new NotFoundException(
          cid, name, cid + " is a UnixFS " + data.type() + ", not a directory");
    }
    return data;
  }

  private static UnixFsData unixfs(Block block) throws IOException {
    PbNode node = DagPb.decode(block.data());
    if (!node.hasData()) {
      throw new IOException("dag-pb node " + block.cid() + " has no UnixFS data");
    }
    return UnixFsData.decode(node.data());
  }

  private Block load(Cid cid) {
    if (cid.multihash().code() == Multicodec.IDENTITY) {
      return Block.trusted(cid, cid.multihash().digest());
    }
    return store.get(cid).orElseThrow(() -> new MissingBlockException(cid));
  }
}
