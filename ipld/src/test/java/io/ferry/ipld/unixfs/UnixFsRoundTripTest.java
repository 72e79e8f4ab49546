package io.ferry.ipld.unixfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.CodecException;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbNode;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.ipld.traversal.MissingBlockException;
import io.ferry.ipld.traversal.Traversal;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class UnixFsRoundTripTest {
  private final MemoryBlockStore store = new MemoryBlockStore();

  @AfterEach
  void close() {
    store.close();
  }

  static Stream<Arguments> files() {
    return Stream.of(
        Arguments.of(UnixFsProfile.V1_2025, 0),
        Arguments.of(UnixFsProfile.V1_2025, 1),
        Arguments.of(UnixFsProfile.V1_2025, (1 << 20) + 1),
        Arguments.of(UnixFsProfile.V1_2025, 3 * (1 << 20) + 12345),
        Arguments.of(UnixFsProfile.V0_2015, 0),
        Arguments.of(UnixFsProfile.V0_2015, 262143),
        Arguments.of(UnixFsProfile.V0_2015, 174 * 262144 + 1));
  }

  @ParameterizedTest(name = "{0} {1} bytes")
  @MethodSource("files")
  void anImportedFileExportsByteIdentical(UnixFsProfile profile, int size) throws IOException {
    Cid root = new UnixFsImporter(profile, store::put).importFile(TestData.stream(size)).root();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long written = new UnixFsExporter(store).exportFile(root, out);
    assertThat(written).isEqualTo(size);
    assertThat(out.toByteArray()).isEqualTo(TestData.bytes(size));
  }

  @Test
  void aDirectoryTreeExportsToTheSameFilesAndFolders(@TempDir Path tmp) throws IOException {
    Path tree = tmp.resolve("tree");
    TestData.writeTree(tree, true);
    Files.writeString(tree.resolve(".hidden"), "not imported");
    Cid root = new UnixFsImporter(UnixFsProfile.V1_2025, store::put).importPath(tree).root();
    Path out = tmp.resolve("out");
    new UnixFsExporter(store).export(root, out);
    Files.delete(tree.resolve(".hidden"));
    assertThat(listing(out)).isEqualTo(listing(tree));
    assertThat(out.resolve("sub/ünïcode.txt"))
        .hasSameBinaryContentAs(tree.resolve("sub/ünïcode.txt"));
    assertThat(out.resolve("data.bin")).hasSameBinaryContentAs(tree.resolve("data.bin"));
    assertThat(out.resolve("emptydir")).isEmptyDirectory();
    assertThat(out.resolve("sub/empty.txt")).isEmptyFile();
  }

  @Test
  void hiddenEntriesAreImportedOnlyWhenAskedFor(@TempDir Path tmp) throws IOException {
    Files.writeString(tmp.resolve(".hidden"), "x");
    UnixFsImporter importer = new UnixFsImporter(UnixFsProfile.V1_2025, BlockSink.discard());
    Cid without = importer.importPath(tmp).root();
    Cid with = importer.includingHidden().importPath(tmp).root();
    assertThat(with).isNotEqualTo(without);
  }

  @Test
  void exportingOverAnExistingPathIsRefused(@TempDir Path tmp) throws IOException {
    Cid root =
        new UnixFsImporter(UnixFsProfile.V1_2025, store::put).importFile(TestData.stream(5)).root();
    Files.writeString(tmp.resolve("f"), "keep me");
    assertThatThrownBy(() -> new UnixFsExporter(store).export(root, tmp.resolve("f")))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(tmp.resolve("f")).hasContent("keep me");
  }

  @Test
  void exportingWithAMissingLeafFailsNamingIt() throws IOException {
    Cid root =
        new UnixFsImporter(UnixFsProfile.V1_2025, store::put)
            .importFile(TestData.stream((1 << 20) + 1))
            .root();
    PbNode node = DagPb.decode(store.get(root).orElseThrow().data());
    Cid second = node.links().get(1).hash();
    store.delete(second);
    assertThatThrownBy(
            () -> new UnixFsExporter(store).exportFile(root, new ByteArrayOutputStream()))
        .isInstanceOf(MissingBlockException.class)
        .hasMessageContaining(second.toString());
  }

  @Test
  void aFileWhoseBlocksDisagreeWithItsDeclaredSizeIsRefused() throws IOException {
    Cid leaf = Block.of(Multicodec.RAW, new byte[10]).cid();
    store.put(Block.of(Multicodec.RAW, new byte[10]));
    byte[] lying =
        DagPb.encode(
            new PbNode(
                List.of(io.ferry.ipld.codec.PbLink.of(leaf, "", 10)),
                UnixFsData.fileParent(List.of(11L)).encode()));
    Block root = Block.of(Multicodec.DAG_PB, lying);
    store.put(root);
    assertThatThrownBy(
            () -> new UnixFsExporter(store).exportFile(root.cid(), new ByteArrayOutputStream()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("declares 11 bytes but its blocks hold 10");
  }

  @Test
  void theAllSelectorWalksAFileRootFirstThenItsLeavesInOrder() throws IOException {
    ImportResult r =
        new UnixFsImporter(UnixFsProfile.V0_2015, store::put)
            .importFile(TestData.stream(174 * 262144 + 1));
    List<Block> walked = Traversal.walk(store, r.root(), Selectors.all()).toList();
    assertThat(walked).hasSize((int) r.blocks());
    assertThat(walked.get(0).cid()).isEqualTo(r.root());
    PbNode root = DagPb.decode(walked.get(0).data());
    PbNode firstParent = DagPb.decode(walked.get(1).data());
    assertThat(walked.get(1).cid()).isEqualTo(root.links().get(0).hash());
    assertThat(walked.get(2).cid()).isEqualTo(firstParent.links().get(0).hash());
    assertThat(walked.get(175).cid()).isEqualTo(firstParent.links().get(173).hash());
    assertThat(walked.get(176).cid()).isEqualTo(root.links().get(1).hash());
  }

  @Test
  void unixFsDataRoundTripsAndRefusesGarbage() {
    assertThat(UnixFsData.decode(HexFormat.of().parseHex("0802" + "2206" + "808010" + "808010")))
        .as("packed blocksizes")
        .isEqualTo(new UnixFsData(UnixFsData.Type.FILE, null, 0, List.of(262144L, 262144L), 0));
    UnixFsData parent = UnixFsData.fileParent(List.of(262144L, 7L));
    assertThat(UnixFsData.decode(parent.encode())).isEqualTo(parent);
    assertThat(parent.fileSize()).isEqualTo(262151L);
    assertThat(UnixFsData.directory().encode()).containsExactly(0x08, 0x01);
    assertThat(UnixFsData.fileLeaf(new byte[0]).encode()).containsExactly(0x08, 0x02, 0x18, 0x00);
    assertThatThrownBy(() -> UnixFsData.decode(new byte[] {0x18, 0x00}))
        .hasMessageContaining("no Type");
    assertThatThrownBy(() -> UnixFsData.decode(new byte[] {0x08, 0x09}))
        .hasMessageContaining("unknown type 9");
    assertThatThrownBy(() -> UnixFsData.decode(new byte[] {0x08, 0x02, 0x3d, 0x00}))
        .isInstanceOf(CodecException.class)
        .hasMessage("invalid UnixFS data at byte 3: 4-byte field runs past the end");
  }

  private static List<String> listing(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      return s.map(p -> root.relativize(p).toString() + (Files.isDirectory(p) ? "/" : ""))
          .sorted()
          .toList();
    }
  }
}
