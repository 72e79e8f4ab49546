package io.ferry.ipld.unixfs;

import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.Multihash;
import java.util.List;

/**
 * How files are cut into blocks and linked. The named profiles reproduce the root CIDs of the
 * reference tools byte for byte:
 *
 * <ul>
 *   <li>{@link #V1_2025} ({@code unixfs-v1-2025}, the default): CIDv1, raw leaves, 1 MiB chunks,
 *       balanced tree of at most 1024 links per node, a directory sharded when its encoded node
 *       would pass 256 KiB; what ipfs-unixfs-importer's (and so Helia's) profile of that name
 *       produces, and {@code ipfs-car pack} for every file and for directories on the same side of
 *       both tools' sharding thresholds.
 *   <li>{@link #IPFS_CAR} ({@code ipfs-car}): the same, except that a directory is sharded when it
 *       holds more than 1,000 entries, whatever their names, as ipfs-car 3.x decides; what {@code
 *       ipfs-car pack} produces for every tree.
 *   <li>{@link #V0_2015} ({@code unixfs-v0-2015}): CIDv0, dag-pb UnixFS file leaves, 256 KiB
 *       chunks, at most 174 links per node; kubo's classic {@code ipfs add}.
 * </ul>
 *
 * @param directoryEstimate how the size of a directory node is measured against {@code
 *     shardThreshold} (directories above it become HAMT-sharded directories)
 * @param shardThreshold bytes, or entries for {@link DirectoryEstimate#ENTRY_COUNT}
 */
public record UnixFsProfile(
    String name,
    int cidVersion,
    boolean rawLeaves,
    int chunkSize,
    int maxLinks,
    DirectoryEstimate directoryEstimate,
    int shardThreshold) {

  /** How a directory's size is estimated for the sharding threshold. */
  public enum DirectoryEstimate {
    /** Sum of entry name bytes and CID bytes (kubo, "links-bytes"). */
    LINKS_BYTES,
    /** The exact encoded size of the node ("block-bytes"). */
    BLOCK_BYTES,
    /** The number of entries, files and directories alike (ipfs-car 3.x). */
    ENTRY_COUNT
  }

  public static final UnixFsProfile V1_2025 =
      new UnixFsProfile(
          "unixfs-v1-2025", 1, true, 1 << 20, 1024, DirectoryEstimate.BLOCK_BYTES, 262_144);

  public static final UnixFsProfile IPFS_CAR =
      new UnixFsProfile("ipfs-car", 1, true, 1 << 20, 1024, DirectoryEstimate.ENTRY_COUNT, 1000);

  public static final UnixFsProfile V0_2015 =
      new UnixFsProfile(
          "unixfs-v0-2015", 0, false, 256 << 10, 174, DirectoryEstimate.LINKS_BYTES, 262_144);

  public static final UnixFsProfile DEFAULT = V1_2025;

  public UnixFsProfile {
    if (cidVersion != 0 && cidVersion != 1) {
      throw new IllegalArgumentException("CID version must be 0 or 1, got " + cidVersion);
    }
    if (cidVersion == 0 && rawLeaves) {
      throw new IllegalArgumentException("raw leaves need CIDv1");
    }
    if (chunkSize < 1 || chunkSize > (4 << 20)) {
      throw new IllegalArgumentException("chunk size must be 1 byte to 4 MiB, got " + chunkSize);
    }
    if (maxLinks < 2) {
      throw new IllegalArgumentException("a node needs room for at least 2 links, got " + maxLinks);
    }
  }

  /** The CID a dag-pb node's {@code encoded} bytes get under this profile (sha2-256, v0 or v1). */
  public Cid dagPbCid(byte[] encoded) {
    Multihash mh = Multihash.sha256(encoded);
    return cidVersion == 0 ? Cid.v0(mh) : Cid.v1(Multicodec.DAG_PB, mh);
  }

  /** The named profiles, the default first. */
  public static List<UnixFsProfile> named() {
    return List.of(V1_2025, IPFS_CAR, V0_2015);
  }

  /** The named profile, e.g. {@code "unixfs-v1-2025"}. */
  public static UnixFsProfile forName(String name) {
    for (UnixFsProfile p : named()) {
      if (p.name.equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "unknown UnixFS profile \""
            + name
            + "\" (known: "
            + String.join(", ", named().stream().map(UnixFsProfile::name).toList())
            + ")");
  }
}
