package io.ferry.ipld.selector;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.ipld.codec.CodecException;
import io.ferry.ipld.selector.Selector.ExploreAll;
import io.ferry.ipld.selector.Selector.ExploreFields;
import io.ferry.ipld.selector.Selector.ExploreIndex;
import io.ferry.ipld.selector.Selector.ExploreRange;
import io.ferry.ipld.selector.Selector.ExploreRecursive;
import io.ferry.ipld.selector.Selector.ExploreRecursiveEdge;
import io.ferry.ipld.selector.Selector.ExploreUnion;
import io.ferry.ipld.selector.Selector.Matcher;
import io.ferry.ipld.selector.Selector.RecursionLimit;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorCodecTest {
  @Test
  void theAllSelectorReadsFromTheGraphsyncDagJson() {
    assertThat(
            Selector.fromDagJson("{\"R\":{\"l\":{\"none\":{}},\":>\":{\"a\":{\">\":{\"@\":{}}}}}}"))
        .isEqualTo(Selectors.all());
  }

  @Test
  void theAllSelectorEncodesToTheSameDagCborAsTheJsEncoder() {
    assertThat(HexFormat.of().formatHex(Selectors.all().toDagCbor()))
        .isEqualTo("a16152a2616ca1646e6f6e65a0623a3ea16161a1613ea16140a0");
    assertThat(Selectors.all().toDagJson())
        .isEqualTo("{\"R\":{\":>\":{\"a\":{\">\":{\"@\":{}}}},\"l\":{\"none\":{}}}}");
  }

  @Test
  void everySelectorKindRoundTripsThroughDagJsonAndDagCbor() {
    Map<String, Selector> fields = new LinkedHashMap<>();
    fields.put("b", new ExploreIndex(2, new Matcher()));
    fields.put("a", new ExploreRange(1, 3, new ExploreRecursiveEdge()));
    Selector s =
        new ExploreUnion(
            List.of(
                new ExploreRecursive(new ExploreFields(fields), new RecursionLimit.Depth(4)),
                new ExploreAll(new Matcher(java.util.Optional.of("leaf")))));
    assertThat(Selector.fromDagJson(s.toDagJson())).isEqualTo(s);
    assertThat(Selector.fromDagCbor(s.toDagCbor())).isEqualTo(s);
  }

  @Test
  void malformedSelectorsAreRefusedNamingWhatIsWrong() {
    assertRefused("{\"a\":{}}", "explore-all is missing its field \">\"");
    assertRefused("{\"a\":{\">\":{\".\":{}}},\"f\":{}}", "exactly one key");
    assertRefused("{\"x\":{}}", "\"x\"");
    assertRefused("{\"R\":{\"l\":{\"none\":{}},\":>\":{\"a\":{\">\":{\".\":{}}}}}}", "edge");
    assertRefused("{\"@\":{}}", "outside an explore-recursive");
    assertRefused("{\"r\":{\"^\":3,\"$\":3,\">\":{\".\":{}}}}", "start < end");
    assertRefused("{\"i\":{\"i\":\"x\",\">\":{\".\":{}}}}", "must be an integer");
    assertRefused("{\"R\":{\"l\":{\"lots\":1},\":>\":{\"@\":{}}}}", "recursion limit");
    assertRefused("{\"i\":{\"i\":-1,\">\":{\".\":{}}}}", "explore-index \"i\" is negative: -1");
    assertRefused("[]", "selector must be a map, got LIST");
  }

  private static void assertRefused(String json, String reason) {
    assertThatThrownBy(() -> Selector.fromDagJson(json))
        .as(json)
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("invalid selector")
        .hasMessageContaining(reason);
  }

  @Test
  void anUnknownSelectorKindIsRefusedNamingTheKind() {
    assertThatThrownBy(() -> Selector.fromDagJson("{\"~\":{}}"))
        .isInstanceOf(CodecException.class)
        .hasMessage("invalid selector: unknown or unsupported selector kind \"~\"");
  }

  @Test
  void selectorBytesThatAreNotDagCborAreRefusedAsACodecError() {
    assertThatThrownBy(() -> Selector.fromDagCbor(new byte[] {(byte) 0xa1}))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("invalid dag-cbor at byte 0");
  }
}
