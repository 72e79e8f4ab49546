package io.ferry.ipld.unixfs;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.ipld.Block;
import io.ferry.ipld.Multicodec;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/**
 * The unixfs-v1-2025 tree only gets a second layer past 1 GiB (1024 × 1 MiB). The input is
 * generated on the fly and every block is dropped as soon as it is counted: nothing touches the
 * disk and no more than one chunk is alive at a time.
 */
class LargeFileStreamingTest {
  @Test
  void aFileOfOneGibPlusOneMibGetsASecondLayerAndTheReferenceRootCid() throws IOException {
    ReferenceCids ref = ReferenceCids.find("unixfs-v1-2025", "two-layers");
    assertThat(ref.bytes()).isEqualTo((1L << 30) + (1L << 20));
    long[] rawLeaves = {0};
    long[] parents = {0};
    BlockSink counting =
        (Block block) -> {
          if (block.cid().codec() == Multicodec.RAW) {
            rawLeaves[0]++;
          } else {
            parents[0]++;
          }
        };
    ImportResult result =
        new UnixFsImporter(UnixFsProfile.V1_2025, counting)
            .importFile(TestData.stream(ref.bytes()));
    assertThat(result.root().toString()).isEqualTo(ref.cid());
    assertThat(rawLeaves[0]).isEqualTo(1025);
    // two nodes of 1024 and 1 leaves, then the root above them
    assertThat(parents[0]).isEqualTo(3);
    assertThat(result.contentBytes()).isEqualTo(ref.bytes());
  }
}
