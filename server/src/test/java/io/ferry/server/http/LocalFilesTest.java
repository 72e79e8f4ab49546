package io.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API's files on the node's machine: imports only from allowed directories and never the node's
 * home (peers can fetch what is imported), exports never left half-written under the name asked for
 * (issue 19, 6 and 7).
 */
class LocalFilesTest {
  @TempDir Path dir;

  private Path file(String name) throws IOException {
    Path p = dir.resolve(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, "content of " + name);
    return p;
  }

  @Test
  void theNodesOwnKeyCannotBeImported() throws Exception {
    Path home = dir.resolve("home");
    Path key = file("home/identity/node.key");
    ImportAllowlist anywhere = new ImportAllowlist(home, List.of());

    assertThatThrownBy(() -> anywhere.check(key))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node's home directory");
    assertThatThrownBy(() -> anywhere.check(home)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> anywhere.check(dir)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSymbolicLinkIntoTheHomeIsRefusedToo() throws Exception {
    Path home = dir.resolve("home");
    Path key = file("home/identity/node.key");
    Path link = dir.resolve("public/innocent.txt");
    Files.createDirectories(link.getParent());
    Files.createSymbolicLink(link, key);

    assertThatThrownBy(() -> new ImportAllowlist(home, List.of(dir.resolve("public"))).check(link))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("node's home directory");
  }

  @Test
  void onlyTheConfiguredDirectoriesAreImportable() throws Exception {
    Path home = dir.resolve("home");
    Path shared = file("shared/a.bin");
    Path elsewhere = file("elsewhere/b.bin");
    ImportAllowlist allow = new ImportAllowlist(home, List.of(dir.resolve("shared")));

    allow.check(shared);
    assertThatThrownBy(() -> allow.check(elsewhere))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("imports are allowed only from")
        .hasMessageContaining("ferry.api.import-from");
  }

  @Test
  void aFailedExportLeavesNoFileUnderTheTargetNameAndNoTemporaryOne() throws Exception {
    Path out = dir.resolve("out/copy.bin");
    Files.createDirectories(out.getParent());

    assertThatThrownBy(
            () ->
                PartialExport.exportThenRename(
                    out,
                    tmp -> {
                      Files.writeString(tmp, "the first half");
                      throw new IOException("block bafy... is missing");
                    }))
        .hasMessageContaining("missing");

    assertThat(out).doesNotExist();
    try (var left = Files.list(out.getParent())) {
      assertThat(left).isEmpty();
    }
  }

  @Test
  void aWholeExportIsRenamedIntoPlace() throws Exception {
    Path out = dir.resolve("copy.bin");

    PartialExport.exportThenRename(out, tmp -> Files.writeString(tmp, "all of it"));

    assertThat(out).hasContent("all of it");
  }
}
