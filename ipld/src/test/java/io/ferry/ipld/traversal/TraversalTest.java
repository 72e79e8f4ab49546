package io.ferry.ipld.traversal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.Multihash;
import io.ferry.ipld.codec.CodecException;
import io.ferry.ipld.codec.DagCbor;
import io.ferry.ipld.model.Node;
import io.ferry.ipld.selector.Selector;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.MemoryBlockStore;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A small DAG: root {a: L3, b: mid, list: [L1, L3, mid]}, mid {name, kids: [L1, L2]}, raw leaves.
 */
class TraversalTest {
  private final MemoryBlockStore store = new MemoryBlockStore();
  private Block l1;
  private Block l2;
  private Block l3;
  private Block mid;
  private Block root;

  @BeforeEach
  void buildDag() {
    l1 = raw("one");
    l2 = raw("two");
    l3 = raw("three");
    mid =
        cbor(
            Node.map(
                "name", Node.string("mid"),
                "kids", Node.list(Node.link(l1.cid()), Node.link(l2.cid()))));
    root =
        cbor(
            Node.map(
                "list",
                Node.list(Node.link(l1.cid()), Node.link(l3.cid()), Node.link(mid.cid())),
                "b",
                Node.link(mid.cid()),
                "a",
                Node.link(l3.cid())));
  }

  @Test
  void theAllSelectorVisitsDepthFirstInCanonicalKeyOrderRevisitingSharedBlocks() {
    assertThat(walk(Selectors.all()))
        .containsExactly(
            root.cid(),
            l3.cid(),
            mid.cid(),
            l1.cid(),
            l2.cid(), // a, b (and mid's kids)
            l1.cid(),
            l3.cid(),
            mid.cid(),
            l1.cid(),
            l2.cid()); // list
  }

  @Test
  void aDepthLimitCountsNodeLevelsFromTheRoot() {
    assertThat(walk(Selectors.depth(1))).containsExactly(root.cid());
    assertThat(walk(Selectors.depth(2))).containsExactly(root.cid(), l3.cid(), mid.cid());
    assertThat(walk(Selectors.depth(3)))
        .containsExactly(root.cid(), l3.cid(), mid.cid(), l1.cid(), l3.cid(), mid.cid());
  }

  @Test
  void exploreFieldsFollowsTheSelectorsFieldOrderNotTheNodes() {
    Selector s =
        Selector.fromDagJson(
            "{\"f\":{\"f>\":{\"b\":{\".\":{}},\"a\":{\".\":{}},\"missing\":{\".\":{}}}}}");
    assertThat(walk(s)).containsExactly(root.cid(), mid.cid(), l3.cid());
  }

  @Test
  void exploreRangeAndIndexPickListElements() {
    Selector range =
        Selector.fromDagJson(
            "{\"f\":{\"f>\":{\"list\":{\"r\":{\"^\":1,\"$\":99,\">\":{\".\":{}}}}}}}");
    assertThat(walk(range)).containsExactly(root.cid(), l3.cid(), mid.cid());
    Selector index =
        Selector.fromDagJson(
            "{\"f\":{\"f>\":{\"list\":{\"i\":{\"i\":2,\">\":"
                + "{\"R\":{\"l\":{\"none\":{}},\":>\":{\"a\":{\">\":{\"@\":{}}}}}}}}}}}");
    assertThat(walk(index)).containsExactly(root.cid(), mid.cid(), l1.cid(), l2.cid());
  }

  @Test
  void aUnionNamingAFieldTwiceVisitsItTwiceAsGoIpldPrimeDoes() {
    Selector s =
        Selector.fromDagJson(
            "{\"|\":[{\"f\":{\"f>\":{\"a\":{\".\":{}}}}},{\"f\":{\"f>\":{\"a\":{\".\":{}}}}}]}");
    assertThat(walk(s)).containsExactly(root.cid(), l3.cid(), l3.cid());
  }

  @Test
  void aMatcherAloneSelectsOnlyTheRoot() {
    assertThat(walk(Selectors.root())).containsExactly(root.cid());
  }

  @Test
  void aReceiverAdvancesOverArrivingBlocksInTheExpectedOrder() throws Exception {
    List<Block> sent = Traversal.walk(store, root.cid(), Selectors.all()).toList();
    Traversal receiver = Traversal.start(root.cid(), Selectors.all());
    for (Block b : sent) {
      assertThat(receiver.expectedNext()).contains(b.cid());
      receiver.advance(b);
    }
    assertThat(receiver.isDone()).isTrue();
    assertThat(receiver.index()).isEqualTo(10);
    assertThat(receiver.expectedNext()).isEmpty();
  }

  @Test
  void aBlockOtherThanTheExpectedOneIsRefusedNamingBothAndChangesNothing() {
    Traversal receiver = Traversal.start(root.cid(), Selectors.all());
    UnexpectedBlockException e =
        catchThrowableOfType(UnexpectedBlockException.class, () -> receiver.advance(l1));
    assertThat(e.expected()).isEqualTo(root.cid());
    assertThat(e.actual()).isEqualTo(l1.cid());
    assertThat(e)
        .hasMessageContaining(root.cid().toString())
        .hasMessageContaining(l1.cid().toString());
    assertThat(receiver.index()).isZero();
    assertThat(receiver.expectedNext()).contains(root.cid());
  }

  @Test
  void aFinishedTraversalRefusesMoreBlocks() throws Exception {
    Traversal t = Traversal.start(l1.cid(), Selectors.all());
    t.advance(l1);
    assertThat(t.isDone()).isTrue();
    assertThatThrownBy(() -> t.advance(l1))
        .isInstanceOf(UnexpectedBlockException.class)
        .hasMessageContaining("done");
  }

  @Test
  void resumingSkipsTheBlocksAlreadyHeld() {
    List<Cid> all = walk(Selectors.all());
    Traversal resumed = Traversal.resume(store, root.cid(), Selectors.all(), 4);
    assertThat(resumed.index()).isEqualTo(4);
    assertThat(resumed.expectedNext()).contains(all.get(4));
  }

  @Test
  void walkingPastAMissingBlockFailsNamingIt() {
    store.delete(l2.cid());
    assertThatThrownBy(() -> walk(Selectors.all()))
        .isInstanceOf(MissingBlockException.class)
        .hasMessageContaining(l2.cid().toString())
        .hasMessageContaining("block 4");
  }

  @Test
  void aBlockThatDoesNotDecodeByItsCodecIsRefusedNamingItsCidAndTheOffset() {
    Block garbage = Block.of(Multicodec.DAG_CBOR, new byte[] {0x18});
    Traversal receiver = Traversal.start(garbage.cid(), Selectors.all());

    assertThatThrownBy(() -> receiver.advance(garbage))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining(garbage.cid().toString())
        .hasMessageContaining("invalid dag-cbor at byte 1");
    assertThat(receiver.index()).isZero();
    assertThat(receiver.expectedNext()).contains(garbage.cid());
  }

  @Test
  void identityCidsAreYieldedAsBlocksWithoutBeingStored() {
    Cid inline =
        Cid.v1(Multicodec.RAW, Multihash.identity("tiny".getBytes(StandardCharsets.UTF_8)));
    Block withInline = cbor(Node.map("x", Node.link(inline)));
    List<Block> blocks = Traversal.walk(store, withInline.cid(), Selectors.all()).toList();
    assertThat(blocks).extracting(Block::cid).containsExactly(withInline.cid(), inline);
    assertThat(new String(blocks.get(1).data(), StandardCharsets.UTF_8)).isEqualTo("tiny");
  }

  private List<Cid> walk(Selector selector) {
    return Traversal.walk(store, root.cid(), selector).map(Block::cid).toList();
  }

  private Block raw(String text) {
    Block b = Block.of(Multicodec.RAW, text.getBytes(StandardCharsets.UTF_8));
    store.put(b);
    return b;
  }

  private Block cbor(Node node) {
    Block b = Block.of(Multicodec.DAG_CBOR, DagCbor.encode(node));
    store.put(b);
    return b;
  }
}
