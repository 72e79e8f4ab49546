package io.ferry.ipld.unixfs;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.codec.PbNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Imports files and directory trees into UnixFS, streaming: a file is read one chunk at a time and
 * its blocks are handed to the {@link BlockSink} as they are made, so memory use does not depend on
 * the file's size. Root CIDs equal those of the reference tools for the same profile. Directory
 * trees skip hidden entries (names starting with '.') unless asked not to, as {@code ipfs add -r}
 * and {@code ipfs-car pack} do; symbolic links and special files are refused. A directory whose
 * estimated node size (or number of entries, as the profile says) passes the profile's sharding
 * threshold becomes a HAMT-sharded directory, built as the reference importers build it ({@link
 * HamtBuilder}).
 */
public final class UnixFsImporter {
  private final UnixFsProfile profile;
  private final BlockSink sink;
  private final boolean includeHidden;

  /** An importer cutting files as {@code profile} says and handing its blocks to {@code sink}. */
  public UnixFsImporter(UnixFsProfile profile, BlockSink sink) {
    this(profile, sink, false);
  }

  private UnixFsImporter(UnixFsProfile profile, BlockSink sink, boolean includeHidden) {
    this.profile = Objects.requireNonNull(profile, "profile");
    this.sink = Objects.requireNonNull(sink, "sink");
    this.includeHidden = includeHidden;
  }

  /** The same importer, also taking hidden files and directories of a tree. */
  public UnixFsImporter includingHidden() {
    return new UnixFsImporter(profile, sink, true);
  }

  public UnixFsProfile profile() {
    return profile;
  }

  /** Imports the bytes of {@code in} (read to its end, not closed) as one file. */
  public ImportResult importFile(InputStream in) throws IOException {
    ImportResult r = file(in);
    sink.flush();
    return r;
  }

  /** Imports a regular file or a directory tree. */
  public ImportResult importPath(Path path) throws IOException {
    ImportResult r = path(path);
    sink.flush();
    return r;
  }

  private ImportResult file(InputStream in) throws IOException {
    BalancedFileBuilder builder = new BalancedFileBuilder(profile, sink);
    long total = 0;
    while (true) {
      byte[] chunk = in.readNBytes(profile.chunkSize());
      if (chunk.length == 0 && total > 0) {
        break;
      }
      builder.addChunk(chunk);
      total += chunk.length;
      if (chunk.length < profile.chunkSize()) {
        break;
      }
    }
    BalancedFileBuilder.Child root = builder.finish();
    return new ImportResult(root.cid(), total, root.tsize(), builder.blockCount());
  }

  private ImportResult path(Path path) throws IOException {
    if (Files.isSymbolicLink(path)) {
      throw new IOException("cannot import symbolic link " + path + " (not supported)");
    }
    if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
      return directory(path);
    }
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException(
          Files.exists(path) ? "cannot import special file " + path : "no such file: " + path);
    }
    try (InputStream in = Files.newInputStream(path)) {
      return file(in);
    }
  }

  private ImportResult directory(Path dir) throws IOException {
    List<Path> children;
    try (Stream<Path> s = Files.list(dir)) {
      children =
          s.filter(p -> includeHidden || !p.getFileName().toString().startsWith("."))
              .sorted((a, b) -> Arrays.compareUnsigned(nameBytes(a), nameBytes(b)))
              .toList();
    }
    List<PbLink> links = new ArrayList<>(children.size());
    long content = 0;
    long dagSize = 0;
    long blocks = 0;
    long fileLinksEstimate = 0;
    for (Path child : children) {
      boolean isDirectory = Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS);
      ImportResult r = path(child);
      PbLink link = PbLink.of(r.root(), child.getFileName().toString(), r.dagSize());
      links.add(link);
      content += r.contentBytes();
      dagSize += r.dagSize();
      blocks += r.blocks();
      if (!isDirectory) {
        // The reference importers count only file entries toward the sharding threshold.
        fileLinksEstimate += estimate(link);
      }
    }
    byte[] data = UnixFsData.directory().encode();
    long measure =
        switch (profile.directoryEstimate()) {
          case LINKS_BYTES -> fileLinksEstimate;
          case BLOCK_BYTES -> fileLinksEstimate + 2 + data.length;
          case ENTRY_COUNT -> links.size();
        };
    if (measure > profile.shardThreshold()) {
      List<HamtBuilder.Entry> entries = new ArrayList<>(links.size());
      for (PbLink link : links) {
        entries.add(
            new HamtBuilder.Entry(
                link.name().orElseThrow(), link.hash(), link.tsize().orElseThrow()));
      }
      HamtBuilder.Built hamt = new HamtBuilder(profile, sink).build(entries);
      return new ImportResult(hamt.cid(), content, hamt.dagSize(), blocks + hamt.blocks());
    }
    byte[] encoded = DagPb.encode(new PbNode(links, data));
    Cid cid = profile.dagPbCid(encoded);
    sink.put(Block.trusted(cid, encoded));
    return new ImportResult(cid, content, dagSize + encoded.length, blocks + 1);
  }

  private long estimate(PbLink link) {
    int nameBytes = link.name().orElse("").getBytes(StandardCharsets.UTF_8).length;
    if (profile.directoryEstimate() == UnixFsProfile.DirectoryEstimate.LINKS_BYTES) {
      return nameBytes + link.hash().byteLength();
    }
    return DagPb.encode(new PbNode(List.of(link), null)).length;
  }

  private static byte[] nameBytes(Path p) {
    return p.getFileName().toString().getBytes(StandardCharsets.UTF_8);
  }
}
