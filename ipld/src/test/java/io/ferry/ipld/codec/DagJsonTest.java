package io.ferry.ipld.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.ipld.model.Node;
import org.junit.jupiter.api.Test;

class DagJsonTest {
  /** What @ipld/dag-json writes for {@link DagCborTest#sample()}. */
  static final String SAMPLE_JSON =
      "{\"a\":[1,-1,24,255,256,65536,4294967296,-4294967297],\"b\":{\"/\":{\"bytes\":\"AQID\"}},"
          + "\"bb\":\"x\",\"f\":1.5,\"l\":{\"/\":"
          + "\"bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e\"},"
          + "\"n\":null,\"t\":true,\"zz\":1}";

  @Test
  void encodingIsWhatTheJsReferenceEncoderWrites() {
    assertThat(DagJson.encodeToString(DagCborTest.sample())).isEqualTo(SAMPLE_JSON);
  }

  @Test
  void decodingTurnsSlashFormsIntoLinksAndBytes() {
    assertThat(DagJson.decode(SAMPLE_JSON)).isEqualTo(DagCborTest.sample());
  }

  @Test
  void floatsKeepADecimalPointOrExponent() {
    assertThat(DagJson.encodeToString(new Node.FloatNode(2.0))).isEqualTo("2.0");
    assertThat(DagJson.decode("1e3")).isEqualTo(new Node.FloatNode(1000.0));
    assertThat(DagJson.decode(DagJson.encodeToString(new Node.FloatNode(1e300))))
        .isEqualTo(new Node.FloatNode(1e300));
  }

  @Test
  void malformedReservedFormsAndDuplicatesAreRefused() {
    assertThatThrownBy(() -> DagJson.decode("{\"/\":\"bafy-not\"}"))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("invalid link");
    assertThatThrownBy(() -> DagJson.decode("{\"/\":\"x\",\"a\":1}"))
        .hasMessageContaining("no other keys");
    assertThatThrownBy(() -> DagJson.decode("{\"/\":{\"bytes\":\"AQ==\"}}"))
        .hasMessageContaining("padding");
    assertThatThrownBy(() -> DagJson.decode("{\"/\":5}")).hasMessageContaining("reserved key");
    assertThatThrownBy(() -> DagJson.decode("{\"a\":1,\"a\":2}"))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("a");
    assertThatThrownBy(() -> DagJson.decode("[1] 2")).hasMessageContaining("text follows");
    assertThatThrownBy(() -> DagJson.decode("99999999999999999999")).hasMessageContaining("64-bit");
  }

  @Test
  void bytesThatAreNotUtf8AreRefusedNamingTheOffset() {
    byte[] json = {'[', '"', 'a', (byte) 0xff, '"', ']'};
    assertThatThrownBy(() -> DagJson.decode(json))
        .isInstanceOf(CodecException.class)
        .hasMessage("invalid dag-json at byte 3: not UTF-8");
  }

  @Test
  void aFloatBeyondTheDoubleRangeIsRefusedNamingItsPosition() {
    assertThatThrownBy(() -> DagJson.decode("[1.5, 1e999]"))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("line 1, column")
        .hasMessageContaining("1e999");
  }

  @Test
  void syntaxErrorsAreCodecErrors() {
    assertThatThrownBy(() -> DagJson.decode("{\"a\": }"))
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith("invalid dag-json");
    assertThatThrownBy(() -> DagJson.decode(""))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("empty");
  }
}
