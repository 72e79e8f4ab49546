package io.ferry.ipld.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.ipld.Cid;
import io.ferry.ipld.model.Node;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class DagCborTest {
  static final Cid HELLO = Cid.parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");

  /** The same object @ipld/dag-cbor 10 encodes to {@link #SAMPLE_HEX} (keys given unsorted). */
  static Node sample() {
    return Node.map(
        "zz", Node.integer(1),
        "a",
            Node.list(
                Node.integer(1),
                Node.integer(-1),
                Node.integer(24),
                Node.integer(255),
                Node.integer(256),
                Node.integer(65536),
                Node.integer(4294967296L),
                Node.integer(-4294967297L)),
        "bb", Node.string("x"),
        "b", Node.bytes(new byte[] {1, 2, 3}),
        "l", Node.link(HELLO),
        "f", new Node.FloatNode(1.5),
        "t", new Node.BoolNode(true),
        "n", new Node.NullNode());
  }

  static final String SAMPLE_HEX =
      "a86161880120181818ff1901001a000100001b00000001000000003b0000000100000000616243010203"
          + "6166fb3ff8000000000000616cd82a58250001551220b94d27b9934d3e08a52e52d7da7dabfac484ef"
          + "e37a5380ee9088f7ace2efcde9616ef66174f56262626178627a7a01";

  @Test
  void encodingIsByteForByteWhatTheJsReferenceEncoderWrites() {
    assertThat(HexFormat.of().formatHex(DagCbor.encode(sample()))).isEqualTo(SAMPLE_HEX);
  }

  @Test
  void decodingGivesBackTheSameDataInCanonicalKeyOrder() {
    Node decoded = DagCbor.decode(HexFormat.of().parseHex(SAMPLE_HEX));
    assertThat(decoded).isEqualTo(sample());
    assertThat(((Node.MapNode) decoded).entries().keySet())
        .containsExactly("a", "b", "f", "l", "n", "t", "bb", "zz");
  }

  @Test
  void integersAtTheEdgesOfTheLongRangeRoundTrip() {
    for (long v : new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0, -24, -25, 23}) {
      Node n = Node.integer(v);
      assertThat(DagCbor.decode(DagCbor.encode(n))).isEqualTo(n);
    }
  }

  @Test
  void nonCanonicalOrUnsupportedCborIsRefusedWithTheReason() {
    assertRefused("1817", "shortest");
    assertRefused("a2616201616101", "out of canonical order");
    assertRefused("a2616101616101", "duplicate map key");
    assertRefused("a1010f", "not a string");
    assertRefused("9f01ff", "indefinite-length");
    assertRefused("f93c00", "64-bit");
    assertRefused("f7", "simple value 23");
    assertRefused("c1190100", "tag 1");
    assertRefused("d82a4401551220", "0x00");
    assertRefused("fb7ff8000000000000", "NaN");
    assertRefused("0101", "1 bytes follow");
    assertRefused("62ff00", "UTF-8");
    assertRefused("1bffffffffffffffff", "exceeds 2^63-1");
    assertRefused("5a7fffffff", "remain");
    assertRefused("", "empty");
  }

  @Test
  void aRefusalNamesTheByteOffsetOfTheOffendingItem() {
    // a2 | 61 62 01 | 61 61 01: the second key, "a", starts at byte 4 and sorts before "b".
    assertThatThrownBy(() -> DagCbor.decode(HexFormat.of().parseHex("a2616201616101")))
        .isInstanceOf(CodecException.class)
        .hasMessage(
            "invalid dag-cbor at byte 4: map key \"a\" is out of canonical order (length-first)");
    // 82 01 | 18 05: the second item's one-byte argument 5 fits in the initial byte.
    assertThatThrownBy(() -> DagCbor.decode(HexFormat.of().parseHex("82011805")))
        .hasMessageStartingWith("invalid dag-cbor at byte 2: ");
  }

  private static void assertRefused(String hex, String reason) {
    assertThatThrownBy(() -> DagCbor.decode(HexFormat.of().parseHex(hex)))
        .as(hex)
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("invalid dag-cbor")
        .hasMessageContaining(reason);
  }
}
