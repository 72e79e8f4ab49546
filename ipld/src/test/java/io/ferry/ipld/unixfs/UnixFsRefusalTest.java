package io.ferry.ipld.unixfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.ipld.Block;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.codec.PbNode;
import io.ferry.ipld.store.MemoryBlockStore;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the importer and exporter refuse, and that they say what and where. */
class UnixFsRefusalTest {
  private final MemoryBlockStore store = new MemoryBlockStore();

  @TempDir Path tmp;

  @AfterEach
  void close() {
    store.close();
  }

  /** A directory block with one entry named {@code name}, pointing at a small raw file. */
  private Block directoryWithEntry(String name) {
    Block file = Block.of(Multicodec.RAW, "payload".getBytes(StandardCharsets.UTF_8));
    store.put(file);
    byte[] dir =
        DagPb.encode(
            new PbNode(
                List.of(PbLink.of(file.cid(), name, file.size())),
                UnixFsData.directory().encode()));
    Block block = Block.of(Multicodec.DAG_PB, dir);
    store.put(block);
    return block;
  }

  @Test
  void aDirectoryEntryNameThatWouldEscapeTheTargetIsRefusedAndNothingIsWrittenOutside() {
    Block dir = directoryWithEntry("../escaped");
    Path target = tmp.resolve("out");

    assertThatThrownBy(() -> new UnixFsExporter(store).export(dir.cid(), target))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(dir.cid().toString())
        .hasMessageContaining("unsafe entry name \"../escaped\"");
    assertThat(tmp.resolve("escaped")).doesNotExist();
    assertThat(target).doesNotExist();
  }

  @Test
  void directoryEntryNamesWithASeparatorOrNothingAreRefused() {
    for (String name : List.of("a/b", "", "..", "back\\slash")) {
      Block dir = directoryWithEntry(name);
      assertThatThrownBy(() -> new UnixFsExporter(store).export(dir.cid(), tmp.resolve("x")))
          .as(name)
          .hasMessageContaining("unsafe entry name \"" + name + "\"");
      assertThat(tmp.resolve("x")).as(name).doesNotExist();
    }
  }

  @Test
  void exportingADirectoryAsAFileIsRefusedNamingIt() {
    Block dir = directoryWithEntry("ok.txt");

    assertThatThrownBy(
            () -> new UnixFsExporter(store).exportFile(dir.cid(), new ByteArrayOutputStream()))
        .isInstanceOf(IOException.class)
        .hasMessage(dir.cid() + " is a UnixFS DIRECTORY, not a file");
  }

  @Test
  void aSymbolicLinkInATreeIsRefusedNamingIt() throws IOException {
    Path tree = Files.createDirectories(tmp.resolve("tree"));
    Files.writeString(tree.resolve("real.txt"), "x");
    Path link = Files.createSymbolicLink(tree.resolve("link"), tree.resolve("real.txt"));

    assertThatThrownBy(
            () -> new UnixFsImporter(UnixFsProfile.V1_2025, BlockSink.discard()).importPath(tree))
        .isInstanceOf(IOException.class)
        .hasMessage("cannot import symbolic link " + link + " (not supported)");
  }

  @Test
  void aMissingPathIsRefusedNamingIt() {
    Path absent = tmp.resolve("absent");

    assertThatThrownBy(
            () -> new UnixFsImporter(UnixFsProfile.V1_2025, BlockSink.discard()).importPath(absent))
        .isInstanceOf(IOException.class)
        .hasMessage("no such file: " + absent);
  }
}
