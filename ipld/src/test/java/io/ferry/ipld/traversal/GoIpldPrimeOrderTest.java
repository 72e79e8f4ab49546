package io.ferry.ipld.traversal;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.codec.DagJson;
import io.ferry.ipld.model.Node;
import io.ferry.ipld.selector.Selector;
import io.ferry.ipld.store.MemoryBlockStore;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The fixtures and expected visiting orders of go-ipld-prime's {@code traversal/walk_test.go}
 * (dag-json blocks: leafAlpha, leafBeta, middleMap, middleList, rootNode), rebuilt here to check
 * that Ferry loads blocks in the order go-ipld-prime (and so graphsync) does.
 */
class GoIpldPrimeOrderTest {
  private final MemoryBlockStore store = new MemoryBlockStore();
  private final Block alpha = put(Node.string("alpha"));
  private final Block beta = put(Node.string("beta"));
  private final Block middleMap =
      put(
          Node.map(
              "foo", new Node.BoolNode(true),
              "bar", new Node.BoolNode(false),
              "nested", Node.map("alink", Node.link(alpha.cid()), "nonlink", Node.string("zoo"))));
  private final Block middleList =
      put(
          Node.list(
              Node.link(alpha.cid()),
              Node.link(alpha.cid()),
              Node.link(beta.cid()),
              Node.link(alpha.cid())));
  private final Block root =
      put(
          Node.map(
              "plain", Node.string("olde string"),
              "linkedString", Node.link(alpha.cid()),
              "linkedMap", Node.link(middleMap.cid()),
              "linkedList", Node.link(middleList.cid())));

  @Test
  void multipleLayersOfLinkTraversalLoadInSelectorFieldOrder() {
    // walk_test.go, "multiple layers of link traversal should work": visits linkedList/0..3,
    // then linkedMap/foo, linkedMap/nested/nonlink, linkedMap/nested/alink.
    Selector s =
        Selector.fromDagJson(
            "{\"f\":{\"f>\":{"
                + "\"linkedList\":{\"a\":{\">\":{\".\":{}}}},"
                + "\"linkedMap\":{\"R\":{\"l\":{\"depth\":3},\":>\":{\"f\":{\"f>\":{"
                + "\"foo\":{\".\":{}},\"nonlink\":{\".\":{}},\"alink\":{\".\":{}},"
                + "\"nested\":{\"@\":{}}}}}}}}}}");
    assertThat(walk(root, s))
        .containsExactly(
            root.cid(),
            middleList.cid(),
            alpha.cid(),
            alpha.cid(),
            beta.cid(),
            alpha.cid(),
            middleMap.cid(),
            alpha.cid());
  }

  @Test
  void traversingAcrossNodesWithADepthLimitReachesTheNestedLink() {
    // walk_test.go, "traversing across nodes should work": depth 3 from middleMap reaches
    // nested/alink (a block) at depth 3.
    Selector s =
        Selector.fromDagJson(
            "{\"R\":{\"l\":{\"depth\":3},\":>\":{\"|\":[{\".\":{}},{\"a\":{\">\":{\"@\":{}}}}]}}}");
    assertThat(walk(middleMap, s)).containsExactly(middleMap.cid(), alpha.cid());
    Selector shallower =
        Selector.fromDagJson(
            "{\"R\":{\"l\":{\"depth\":2},\":>\":{\"|\":[{\".\":{}},{\"a\":{\">\":{\"@\":{}}}}]}}}");
    assertThat(walk(middleMap, shallower)).containsExactly(middleMap.cid());
  }

  @Test
  void traversingAListRangeLoadsEachLinkedElement() {
    // walk_test.go, "traversing lists should work": range [0, 3) of middleList.
    Selector s = Selector.fromDagJson("{\"r\":{\"^\":0,\"$\":3,\">\":{\".\":{}}}}");
    assertThat(walk(middleList, s))
        .containsExactly(middleList.cid(), alpha.cid(), alpha.cid(), beta.cid());
  }

  private List<Cid> walk(Block from, Selector s) {
    return Traversal.walk(store, from.cid(), s).map(Block::cid).toList();
  }

  private Block put(Node node) {
    Block b = Block.of(Multicodec.DAG_JSON, DagJson.encode(node));
    store.put(b);
    return b;
  }
}
