package io.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BlockHeapTest {
  private static final long MIB = 1 << 20;

  @Test
  void aOneMebibyteBlockIsHumongousInG1sDefaultRegionsOfATwoGibibyteHeap() {
    BlockHeap heap = new BlockHeap(true, MIB);

    assertThat(heap.humongous(MIB)).isTrue();
    assertThat(heap.warning())
        .hasValueSatisfying(
            w -> assertThat(w).contains("1024 KiB").contains("-XX:G1HeapRegionSize=8m"));
  }

  @Test
  void regionsOfEightMebibytesTakeBlocksUpToTheLargestIpfsBlockAsOrdinaryObjects() {
    BlockHeap heap = new BlockHeap(true, 8 * MIB);

    assertThat(heap.humongous(2 * MIB)).isFalse();
    assertThat(heap.warning()).isEmpty();
  }

  @Test
  void aTwoMebibyteRegionStillMakesAOneMebibyteBlockHumongous() {
    assertThat(new BlockHeap(true, 2 * MIB).warning()).isPresent();
    assertThat(new BlockHeap(true, 4 * MIB).warning()).isEmpty();
  }

  @Test
  void otherCollectorsHaveNoHumongousObjects() {
    assertThat(new BlockHeap(false, 0).warning()).isEmpty();
  }

  @Test
  void theRunningJvmReportsItsCollectorAndRegionSize() {
    BlockHeap heap = BlockHeap.current();

    if (heap.g1()) {
      assertThat(heap.regionBytes()).isPositive();
    } else {
      assertThat(heap.regionBytes()).isZero();
    }
  }
}
