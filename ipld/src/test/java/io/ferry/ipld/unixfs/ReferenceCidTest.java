package io.ferry.ipld.unixfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.ipld.store.MemoryBlockStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Root CIDs agree with what the reference tools printed (reference-cids.tsv). */
class ReferenceCidTest {
  /** Files small enough to import in every build; the 1 GiB case has its own test. */
  static Stream<ReferenceCids> smallFiles() {
    return ReferenceCids.load().stream().filter(r -> r.bytes() >= 0 && r.bytes() < (64L << 20));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("smallFiles")
  void generatedFileHasTheReferenceToolsRootCid(ReferenceCids ref) throws IOException {
    UnixFsImporter importer =
        new UnixFsImporter(UnixFsProfile.forName(ref.profile()), BlockSink.discard());
    InputStream in =
        ref.name().equals("hello-world-newline")
            ? new ByteArrayInputStream("hello world\n".getBytes(StandardCharsets.US_ASCII))
            : TestData.stream(ref.bytes());
    ImportResult result = importer.importFile(in);
    assertThat(result.root().toString()).isEqualTo(ref.cid());
    assertThat(result.contentBytes()).isEqualTo(ref.bytes());
  }

  @Test
  void theTableCoversEveryRequiredCaseForBothProfiles() {
    for (UnixFsProfile p : tableProfiles()) {
      for (String name :
          new String[] {
            "empty", "one-byte", "chunk-minus-one", "chunk", "chunk-plus-one", "two-layers", "tree"
          }) {
        assertThat(ReferenceCids.find(p.name(), name).cid()).isNotBlank();
      }
    }
  }

  @Test
  void kuboClassicCidsOfWellKnownContentArePublishedOnes() throws IOException {
    // Published in kubo's docs and tests: the empty file, and `echo "hello world" | ipfs add`.
    UnixFsImporter v0 = new UnixFsImporter(UnixFsProfile.V0_2015, BlockSink.discard());
    assertThat(v0.importFile(InputStream.nullInputStream()).root().toString())
        .isEqualTo("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH");
    assertThat(
            v0.importFile(
                    new ByteArrayInputStream("hello world\n".getBytes(StandardCharsets.UTF_8)))
                .root()
                .toString())
        .isEqualTo("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o");
  }

  @ParameterizedTest
  @MethodSource("profiles")
  void directoryTreeHasTheReferenceToolsRootCid(UnixFsProfile profile, @TempDir Path tmp)
      throws IOException {
    Path tree = tmp.resolve("tree");
    TestData.writeTree(tree, true);
    try (MemoryBlockStore store = new MemoryBlockStore()) {
      UnixFsImporter importer = new UnixFsImporter(profile, store::put);
      assertThat(importer.importPath(tree).root().toString())
          .isEqualTo(ReferenceCids.find(profile.name(), "tree").cid());
    }
    Path filesOnly = tmp.resolve("files-only").resolve("tree");
    TestData.writeTree(filesOnly, false);
    UnixFsImporter importer = new UnixFsImporter(profile, BlockSink.discard());
    assertThat(importer.importPath(filesOnly).root().toString())
        .isEqualTo(ReferenceCids.find(profile.name(), "tree-without-emptydir").cid());
  }

  static Stream<UnixFsProfile> profiles() {
    return tableProfiles().stream();
  }

  /**
   * The profiles of the reference table. The ipfs-car profile cuts files as unixfs-v1-2025 does and
   * differs only in where it shards a directory, which ShardingThresholdTest checks.
   */
  private static List<UnixFsProfile> tableProfiles() {
    return List.of(UnixFsProfile.V1_2025, UnixFsProfile.V0_2015);
  }
}
