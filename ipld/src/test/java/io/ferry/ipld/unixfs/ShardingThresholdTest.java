package io.ferry.ipld.unixfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.store.MemoryBlockStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Where a directory becomes a HAMT, on both sides of the two reference rules: ipfs-car 3.1.0 shards
 * a directory of more than 1,000 entries whatever their names (profile {@code ipfs-car});
 * ipfs-unixfs-importer 17.1.1 under {@code unixfs-v1-2025} (what Helia's @helia/unixfs runs) shards
 * one whose encoded node would pass 256 KiB. The CIDs are what {@code ipfs-car pack DIR} and the
 * importer printed for these directories; IpfsCarInteropTest compares with both tools live.
 */
class ShardingThresholdTest {
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0} files named {1}: {2} gives {4}")
  @CsvSource({
    // 1,000 short names: about 44 KiB of links, flat for both rules.
    "1000, short, ipfs-car, flat, bafybeiffaqwgp4ikzlosq4vtc2s64ci4o2qnbzsjn7wfuxdljyzfxmtjgq",
    "1000, short, unixfs-v1-2025, flat, bafybeiffaqwgp4ikzlosq4vtc2s64ci4o2qnbzsjn7wfuxdljyzfxmtjgq",
    // One more entry: ipfs-car shards by count; the node would still be far below 256 KiB.
    "1001, short, ipfs-car, sharded, bafybeie76nmlh2e2yybckfxfg7tn7sr6hj7marqdzhvwbagqmazgr5ytk4",
    "1001, short, unixfs-v1-2025, flat, bafybeicjniuxgfihnj2bshmkrtlrycslcu2ycwmvbdou7sj4letfxt7fei",
    // 1,000 names of 251 bytes: a node of about 293 KiB, flat for ipfs-car, sharded by size.
    "1000, long, ipfs-car, flat, bafybeib6n2pxwflezgzwx2ai3vhk4krxlcv6rwctlih5zol5pilagsf25u",
    "1000, long, unixfs-v1-2025, sharded, bafybeib7wa7fyiiotxp2n2cgnrenir6ymgqyezleesepx3rzchevm7vz3m",
  })
  void aDirectoryIsShardedWhereTheReferenceToolOfItsProfileShardsIt(
      int files, String names, String profile, String shape, String referenceRoot)
      throws IOException {
    Path dir = Files.createDirectories(tmp.resolve("d"));
    for (int i = 1; i <= files; i++) {
      String name = names.equals("long") ? String.format("n%0250d", i) : "f" + i;
      Files.writeString(dir.resolve(name), "f " + i + "\n");
    }

    try (MemoryBlockStore store = new MemoryBlockStore()) {
      ImportResult r =
          new UnixFsImporter(UnixFsProfile.forName(profile), store::put).importPath(dir);
      UnixFsData root =
          UnixFsData.decode(DagPb.decode(store.get(r.root()).orElseThrow().data()).data());

      assertThat(root.type())
          .isEqualTo(
              shape.equals("sharded") ? UnixFsData.Type.HAMT_SHARD : UnixFsData.Type.DIRECTORY);
      assertThat(r.root().toString()).isEqualTo(referenceRoot);
    }
  }
}
