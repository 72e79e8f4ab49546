package io.ferry.ipld.trustless;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.codec.PbLink;
import io.ferry.ipld.codec.PbNode;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.ipld.traversal.MissingBlockException;
import io.ferry.ipld.unixfs.UnixFsData;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The trustless walk over a small hand-built UnixFS tree: a directory with a repeated file. */
class DagWalkTest {
  private final MemoryBlockStore store = new MemoryBlockStore();
  private final StoredBlocks blocks = new StoredBlocks(store);
  private Block leafA;
  private Block leafB;
  private Block file;
  private Block dir;

  @BeforeEach
  void buildTree() {
    leafA = raw("aaaa");
    leafB = raw("bbbb");
    file =
        pb(
            List.of(PbLink.of(leafA.cid(), "", 4), PbLink.of(leafB.cid(), "", 4)),
            UnixFsData.fileParent(List.of(4L, 4L)).encode());
    dir =
        pb(
            List.of(
                PbLink.of(file.cid(), "a", 100),
                PbLink.of(file.cid(), "b", 100),
                PbLink.of(leafA.cid(), "c", 4)),
            UnixFsData.directory().encode());
  }

  private Block raw(String s) {
    Block b = Block.of(Multicodec.RAW, s.getBytes(StandardCharsets.UTF_8));
    store.put(b);
    return b;
  }

  private Block pb(List<PbLink> links, byte[] data) {
    Block b = Block.of(Multicodec.DAG_PB, DagPb.encode(new PbNode(links, data)));
    store.put(b);
    return b;
  }

  private List<Cid> walk(
      List<String> path, DagScope scope, Optional<EntityBytes.Range> range, boolean dups) {
    Resolution r = new PathResolver(blocks).resolve(dir.cid(), path);
    List<Cid> out = new ArrayList<>();
    new DagWalk(blocks, r, scope, range, dups).forEachRemaining(b -> out.add(b.cid()));
    return out;
  }

  @Test
  void allWithDuplicatesRepeatsEveryBlockEachTimeItIsReached() {
    assertThat(walk(List.of(), DagScope.ALL, Optional.empty(), true))
        .containsExactly(
            dir.cid(),
            file.cid(),
            leafA.cid(),
            leafB.cid(),
            file.cid(),
            leafA.cid(),
            leafB.cid(),
            leafA.cid());
  }

  @Test
  void allWithoutDuplicatesSendsEachBlockOnceInFirstVisitOrder() {
    assertThat(walk(List.of(), DagScope.ALL, Optional.empty(), false))
        .containsExactly(dir.cid(), file.cid(), leafA.cid(), leafB.cid());
  }

  @Test
  void blockAndEntityScopesStopWhereTheSpecSays() {
    assertThat(walk(List.of("b"), DagScope.BLOCK, Optional.empty(), false))
        .containsExactly(dir.cid(), file.cid());
    assertThat(walk(List.of(), DagScope.ENTITY, Optional.empty(), false))
        .containsExactly(dir.cid());
    assertThat(walk(List.of("b"), DagScope.ENTITY, Optional.empty(), false))
        .containsExactly(dir.cid(), file.cid(), leafA.cid(), leafB.cid());
  }

  @Test
  void aByteRangeSendsOnlyTheLeavesItOverlaps() {
    assertThat(walk(List.of("a"), DagScope.ENTITY, Optional.of(new EntityBytes.Range(5, 7)), false))
        .containsExactly(dir.cid(), file.cid(), leafB.cid());
  }

  @Test
  void aMissingBlockEndsTheWalkWhenItIsReachedNotBefore() {
    store.delete(leafB.cid());
    Resolution r = new PathResolver(blocks).resolve(dir.cid(), List.of("a"));
    DagWalk walk = new DagWalk(blocks, r, DagScope.ALL, Optional.empty(), false);

    assertThat(walk.next().cid()).isEqualTo(dir.cid());
    assertThat(walk.next().cid()).isEqualTo(file.cid());
    assertThat(walk.next().cid()).isEqualTo(leafA.cid());
    assertThatThrownBy(walk::hasNext).isInstanceOf(MissingBlockException.class);
  }

  @Test
  void aPathThroughAFileOrToAMissingNameIsNotFound() {
    PathResolver resolver = new PathResolver(blocks);
    assertThatThrownBy(() -> resolver.resolve(dir.cid(), List.of("nope")))
        .isInstanceOf(PathNotFoundException.class)
        .hasMessageContaining("no entry 'nope'");
    assertThatThrownBy(() -> resolver.resolve(dir.cid(), List.of("a", "x")))
        .isInstanceOf(PathNotFoundException.class)
        .hasMessageContaining("is a UnixFS file");
  }
}
