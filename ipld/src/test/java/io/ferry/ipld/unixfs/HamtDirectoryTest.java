package io.ferry.ipld.unixfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.ipld.Cid;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.ipld.traversal.Traversal;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HAMT-sharded directories: built like the reference importers (the root CID ipfs-car 3.1.0 gives
 * the same 5,000 files, pinned here; the live comparison is the interop test), read back by export
 * and by path resolution.
 */
class HamtDirectoryTest {
  /** {@code ipfs-car pack d} (ipfs-car 3.1.0) of {@link #fiveThousand}'s directory. */
  static final String IPFS_CAR_ROOT = "bafybeidribnwz3zr64akwwnjxbfec5zoyeznzle7vdqfce3uj4trbjtjom";

  @TempDir static Path shared;
  static Path fiveThousand;

  /** The five thousand files, imported once. */
  static final MemoryBlockStore imported = new MemoryBlockStore();

  static ImportResult fiveThousandImport;

  private final MemoryBlockStore store = new MemoryBlockStore();

  /** file-0000.txt .. file-4999.txt, each holding "file N\n". */
  @BeforeAll
  static void writeAndImportFiveThousandFiles() throws IOException {
    fiveThousand = Files.createDirectories(shared.resolve("d"));
    for (int i = 0; i < 5000; i++) {
      Files.writeString(
          fiveThousand.resolve(String.format("file-%04d.txt", i)), "file " + i + "\n");
    }
    fiveThousandImport =
        new UnixFsImporter(UnixFsProfile.V1_2025, imported::put).importPath(fiveThousand);
  }

  @AfterAll
  static void closeShared() {
    imported.close();
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void murmur3X64_64GivesTheHashBytesOfTheJavaScriptAndGoImplementations() {
    // From @multiformats/murmur3's murmur364, which ipfs-car's HAMT uses.
    assertThat(hex(Murmur3.x64_64(new byte[0]))).isEqualTo("0000000000000000");
    assertThat(hex(Murmur3.x64_64(utf8("a")))).isEqualTo("85555565f6597889");
    assertThat(hex(Murmur3.x64_64(utf8("hello")))).isEqualTo("cbd8a7b341bd9b02");
    assertThat(hex(Murmur3.x64_64(utf8("file-0001.txt")))).isEqualTo("c6b80999e8fbb598");
    assertThat(hex(Murmur3.x64_64(utf8("abcdefghijklmnopqrstuvwxyz0123456789"))))
        .isEqualTo("f2596f5eb4ff5e3a");
  }

  @Test
  void aDirectoryOfFiveThousandFilesImportsToTheRootIpfsCarGives() throws IOException {
    ImportResult r = fiveThousandImport;

    assertThat(r.root().toString()).isEqualTo(IPFS_CAR_ROOT);
    assertThat(r.blocks()).isEqualTo(imported.count());
    assertThat(Traversal.walk(imported, r.root(), Selectors.all()).count()).isEqualTo(r.blocks());
  }

  @Test
  void aShardedDirectoryExportsByteIdentical(@TempDir Path tmp) throws IOException {
    Cid root = fiveThousandImport.root();
    Path out = tmp.resolve("out");

    new UnixFsExporter(imported).export(root, out);

    try (var files = Files.list(out)) {
      assertThat(files.count()).isEqualTo(5000);
    }
    for (int i : new int[] {0, 1, 777, 4999}) {
      String name = String.format("file-%04d.txt", i);
      assertThat(Files.mismatch(fiveThousand.resolve(name), out.resolve(name))).isEqualTo(-1L);
    }
  }

  @Test
  void everyNameResolvesThroughTheShardsOnItsWayAndAMissingOneIsNamed() throws IOException {
    Cid root = fiveThousandImport.root();
    UnixFsPaths paths = new UnixFsPaths(imported);

    List<PbLink> entries = paths.list(root);
    UnixFsPaths.Resolved one = paths.resolve(root, "/file-1234.txt");

    assertThat(entries).hasSize(5000);
    assertThat(entries.stream().map(l -> l.name().orElseThrow()).collect(Collectors.toSet()))
        .isEqualTo(
            IntStream.range(0, 5000)
                .mapToObj(i -> String.format("file-%04d.txt", i))
                .collect(Collectors.toSet()));
    for (PbLink entry : entries) {
      assertThat(paths.resolve(root, List.of(entry.name().orElseThrow())).cid())
          .isEqualTo(entry.hash());
    }
    assertThat(one.proof()).first().isEqualTo(root);
    assertThat(one.proof()).hasSizeBetween(2, 3); // 5,000 names: a root and one level of shards
    assertThat(new String(imported.get(one.cid()).orElseThrow().data(), StandardCharsets.UTF_8))
        .isEqualTo("file 1234\n");
    assertThat(paths.isDirectory(root)).isTrue();
    assertThatThrownBy(() -> paths.resolve(root, "file-5000.txt"))
        .isInstanceOf(UnixFsPaths.NotFoundException.class)
        .hasMessage("no entry \"file-5000.txt\" in directory " + root);
    assertThatThrownBy(() -> paths.resolve(root, "file-0001.txt/inside"))
        .isInstanceOf(UnixFsPaths.NotFoundException.class)
        .hasMessageContaining("not a UnixFS directory");
  }

  @Test
  void aSmallDirectoryStaysFlatAndNestedPathsResolveThroughIt(@TempDir Path tmp)
      throws IOException {
    Path tree = tmp.resolve("tree");
    Files.createDirectories(tree.resolve("sub"));
    Files.writeString(tree.resolve("sub/leaf.txt"), "leaf");
    Cid root = new UnixFsImporter(UnixFsProfile.V1_2025, store::put).importPath(tree).root();

    UnixFsPaths.Resolved r = new UnixFsPaths(store).resolve(root, "sub/leaf.txt");

    assertThat(UnixFsData.decode(DagPb.decode(store.get(root).orElseThrow().data()).data()).type())
        .isEqualTo(UnixFsData.Type.DIRECTORY);
    assertThat(r.proof()).hasSize(2).first().isEqualTo(root);
    assertThat(store.get(r.cid()).orElseThrow().data()).isEqualTo(utf8("leaf"));
  }

  @Test
  void aShardRecordsTheHashTypeAndFanoutTheReferenceImportersWrite() throws IOException {
    Cid root = fiveThousandImport.root();
    UnixFsData data =
        UnixFsData.decode(DagPb.decode(imported.get(root).orElseThrow().data()).data());

    assertThat(data.type()).isEqualTo(UnixFsData.Type.HAMT_SHARD);
    assertThat(data.fanout()).isEqualTo(256);
    assertThat(data.hashType()).isEqualTo(0x22);
    assertThat(data.data()).hasSize(32); // every one of the 256 slots is used
    assertThat(Set.copyOf(List.of(data.data()[0]))).containsExactly((byte) 0xff);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }
}
