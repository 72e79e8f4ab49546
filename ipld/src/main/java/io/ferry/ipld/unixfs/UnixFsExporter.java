package io.ferry.ipld.unixfs;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.codec.PbNode;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.traversal.MissingBlockException;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes UnixFS DAGs back out: a file's bytes to a stream (leaf by leaf, never the whole file in
 * memory), or a file or directory tree to the filesystem. Files made by any importer are read: raw
 * or dag-pb leaves, inline data in inner nodes, CIDv0 or v1; directories plain or HAMT-sharded.
 * Symbolic links are refused with a message naming the CID. Each file's length is checked against
 * the size its root declares.
 */
public final class UnixFsExporter {
  private static final int MAX_DEPTH = 64;

  private final BlockStore store;

  /** An exporter reading blocks from {@code store}. */
  public UnixFsExporter(BlockStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** Writes the content of the file {@code root} to {@code out}; returns its length. */
  public long exportFile(Cid root, OutputStream out) throws IOException {
    Block block = load(root, 0);
    if (root.codec() == Multicodec.DAG_PB) {
      UnixFsData data = unixfs(block);
      if (data.type() != UnixFsData.Type.FILE && data.type() != UnixFsData.Type.RAW) {
        throw new IOException(root + " is a UnixFS " + data.type() + ", not a file");
      }
      long written = writeFile(block, out, 0);
      if (written != data.fileSize()) {
        throw new IOException(
            "file "
                + root
                + " declares "
                + data.fileSize()
                + " bytes but its blocks hold "
                + written);
      }
      return written;
    }
    return writeFile(block, out, 0);
  }

  /**
   * Writes the file or directory {@code root} to {@code target}, which must not exist yet (a
   * directory is created with everything in it). A directory is created only once all its entry
   * names are known to be safe, so a hostile name never leaves anything behind.
   */
  public void export(Cid root, Path target) throws IOException {
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(target.toString(), null, "export target exists");
    }
    exportInto(root, target, 0);
  }

  private void exportInto(Cid cid, Path target, int depth) throws IOException {
    Block block = load(cid, depth);
    if (cid.codec() == Multicodec.DAG_PB) {
      UnixFsData data = unixfs(block);
      if (data.type() == UnixFsData.Type.DIRECTORY || data.type() == UnixFsData.Type.HAMT_SHARD) {
        List<PbLink> entries = entries(block, data);
        for (PbLink link : entries) {
          requireSafeName(cid, link.name().orElse(""));
        }
        Files.createDirectory(target);
        for (PbLink link : entries) {
          exportInto(link.hash(), target.resolve(link.name().orElseThrow()), depth + 1);
        }
        return;
      }
      if (data.type() == UnixFsData.Type.SYMLINK) {
        throw new IOException(cid + " is a symbolic link, which Ferry does not export");
      }
    }
    try (OutputStream out =
        new BufferedOutputStream(
            Files.newOutputStream(target, StandardOpenOption.CREATE_NEW), 1 << 16)) {
      exportFile(cid, out);
    }
  }

  /** A directory's entries: its links, or every entry of its HAMT shards. */
  private List<PbLink> entries(Block block, UnixFsData data) throws IOException {
    if (data.type() == UnixFsData.Type.DIRECTORY) {
      return DagPb.decode(block.data()).links();
    }
    List<PbLink> out = new ArrayList<>();
    new HamtReader(cid -> load(cid, 0)).list(block, out::add);
    return out;
  }

  /** An entry name that stays inside its directory: no separators, not empty, not . or .. */
  private static void requireSafeName(Cid directory, String name) throws IOException {
    if (name.isEmpty()
        || name.equals(".")
        || name.equals("..")
        || name.contains("/")
        || name.contains("\\")
        || name.indexOf('\0') >= 0) {
      throw new IOException(
          "directory " + directory + " has an unsafe entry name \"" + name + "\"");
    }
  }

  private long writeFile(Block block, OutputStream out, int depth) throws IOException {
    Cid cid = block.cid();
    if (cid.codec() == Multicodec.RAW) {
      out.write(block.data());
      return block.size();
    }
    if (cid.codec() != Multicodec.DAG_PB) {
      throw new IOException(
          "file node "
              + cid
              + " has codec "
              + Multicodec.name(cid.codec())
              + ", not dag-pb or raw");
    }
    PbNode node = DagPb.decode(block.data());
    UnixFsData data = unixfs(block, node);
    if (data.type() != UnixFsData.Type.FILE && data.type() != UnixFsData.Type.RAW) {
      throw new IOException("file node " + cid + " is a UnixFS " + data.type() + ", not a file");
    }
    byte[] inline = data.data();
    out.write(inline);
    long written = inline.length;
    for (PbLink link : node.links()) {
      written += writeFile(load(link.hash(), depth + 1), out, depth + 1);
    }
    return written;
  }

  private Block load(Cid cid, int depth) throws IOException {
    if (depth > MAX_DEPTH) {
      throw new IOException("UnixFS DAG is deeper than " + MAX_DEPTH + " levels at " + cid);
    }
    if (cid.multihash().code() == Multicodec.IDENTITY) {
      return Block.trusted(cid, cid.multihash().digest());
    }
    return store.get(cid).orElseThrow(() -> new MissingBlockException(cid));
  }

  private static UnixFsData unixfs(Block block) throws IOException {
    return unixfs(block, DagPb.decode(block.data()));
  }

  private static UnixFsData unixfs(Block block, PbNode node) throws IOException {
    if (!node.hasData()) {
      throw new IOException("dag-pb node " + block.cid() + " has no UnixFS data");
    }
    return UnixFsData.decode(node.data());
  }
}
