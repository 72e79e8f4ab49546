package io.ferry.ipld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class VarintTest {
  @Test
  void valuesEncodeAsTheMultiformatsSpecExamples() {
    assertThat(HexFormat.of().formatHex(Varint.encode(1))).isEqualTo("01");
    assertThat(HexFormat.of().formatHex(Varint.encode(127))).isEqualTo("7f");
    assertThat(HexFormat.of().formatHex(Varint.encode(128))).isEqualTo("8001");
    assertThat(HexFormat.of().formatHex(Varint.encode(255))).isEqualTo("ff01");
    assertThat(HexFormat.of().formatHex(Varint.encode(300))).isEqualTo("ac02");
    assertThat(HexFormat.of().formatHex(Varint.encode(16384))).isEqualTo("808001");
    assertThat(Varint.size(Long.MAX_VALUE)).isEqualTo(9);
  }

  @Test
  void readReturnsWhatWriteWrote() throws Exception {
    for (long v : new long[] {0, 1, 127, 128, 0xb220, 1L << 35, Long.MAX_VALUE}) {
      byte[] bytes = Varint.encode(v);
      assertThat(Varint.read(ByteBuffer.wrap(bytes))).isEqualTo(v);
      assertThat(Varint.read(new ByteArrayInputStream(bytes))).isEqualTo(v);
      assertThat(bytes).hasSize(Varint.size(v));
    }
  }

  @Test
  void nonMinimalTruncatedAndOverlongVarintsAreRefused() {
    assertThatThrownBy(() -> Varint.read(HexFormat.of().parseHex("8000"), 0))
        .hasMessageContaining("minimally");
    assertThatThrownBy(() -> Varint.read(HexFormat.of().parseHex("80"), 0))
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> Varint.read(HexFormat.of().parseHex("ffffffffffffffffff01"), 0))
        .hasMessageContaining("longer than 9");
    assertThatThrownBy(() -> Varint.read(new ByteArrayInputStream(new byte[] {(byte) 0x80})))
        .isInstanceOf(EOFException.class);
    assertThatThrownBy(() -> Varint.encode(-1)).hasMessageContaining("negative");
  }

  @Test
  void aStreamThatEndsBeforeAVarintGivesMinusOne() throws Exception {
    assertThat(Varint.read(new ByteArrayInputStream(new byte[0]))).isEqualTo(-1);
  }
}
