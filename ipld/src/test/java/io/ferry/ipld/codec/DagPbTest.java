package io.ferry.ipld.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.ipld.Cid;
import io.ferry.ipld.model.Node;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class DagPbTest {
  private static final Cid A = DagCborTest.HELLO;

  @Test
  void linksAreEncodedBeforeDataEachAsHashNameTsize() {
    PbNode node = new PbNode(List.of(PbLink.of(A, "x", 11)), new byte[] {8, 1});
    String hex = HexFormat.of().formatHex(DagPb.encode(node));
    String cid = HexFormat.of().formatHex(A.toBytes());
    assertThat(hex).isEqualTo("122b0a24" + cid + "120178180b" + "0a020801");
    assertThat(DagPb.decode(DagPb.encode(node))).isEqualTo(node);
  }

  @Test
  void anEmptyDataFieldIsNotTheSameAsNone() {
    assertThat(DagPb.encode(new PbNode(List.of(), new byte[0]))).containsExactly(0x0a, 0x00);
    assertThat(DagPb.encode(new PbNode(List.of(), null))).isEmpty();
    assertThat(DagPb.decode(new byte[] {0x0a, 0x00}).data()).isEmpty();
    assertThat(DagPb.decode(new byte[0]).hasData()).isFalse();
  }

  @Test
  void linksOutOfNameOrderCannotBeEncoded() {
    PbNode node = new PbNode(List.of(PbLink.of(A, "b", 1), PbLink.of(A, "a", 1)), null);
    assertThatThrownBy(() -> DagPb.encode(node)).hasMessageContaining("\"a\" is out of order");
  }

  @Test
  void dataBeforeLinksUnknownFieldsAndHashlessLinksAreRefused() {
    assertThatThrownBy(() -> DagPb.decode(HexFormat.of().parseHex("0a00120212" + "00")))
        .hasMessageContaining("links must come first");
    assertThatThrownBy(() -> DagPb.decode(HexFormat.of().parseHex("1a00")))
        .hasMessageContaining("unknown field 3");
    assertThatThrownBy(() -> DagPb.decode(HexFormat.of().parseHex("1202" + "1200")))
        .hasMessageContaining("no Hash");
    assertThatThrownBy(() -> DagPb.decode(HexFormat.of().parseHex("0a05")))
        .hasMessageContaining("runs past the end");
  }

  @Test
  void aRefusalNamesTheMessageAndTheByteOffset() {
    assertThatThrownBy(() -> DagPb.decode(HexFormat.of().parseHex("1a00")))
        .isInstanceOf(CodecException.class)
        .hasMessage(
            "invalid dag-pb node at byte 1: unknown field 3 (PBNode has only Data=1 and Links=2)");
    // a link (at bytes 2..4) whose Hash (field 1) holds one byte that is no CID
    assertThatThrownBy(() -> DagPb.decode(HexFormat.of().parseHex("12030a0101")))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("invalid dag-pb link at byte 5: Hash is not a CID: ");
  }

  @Test
  void theDataModelViewHasLinksThenData() {
    PbNode node =
        new PbNode(List.of(new PbLink(A, Optional.empty(), OptionalLong.of(3))), new byte[] {1});
    Node.MapNode m = (Node.MapNode) DagPb.toNode(node);
    assertThat(m.entries().keySet()).containsExactly("Links", "Data");
    assertThat(m.links()).containsExactly(A);
  }
}
