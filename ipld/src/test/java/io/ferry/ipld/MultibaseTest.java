package io.ferry.ipld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class MultibaseTest {
  private static final byte[] TEXT =
      "Decentralize everything!!".getBytes(StandardCharsets.US_ASCII);

  @Test
  void encodingsMatchTheMultibaseSpecTestVectors() {
    assertThat(Multibase.BASE58BTC.encode(TEXT)).isEqualTo("zUXE7GvtEk8XTXs1GF8HSGbVA9FCX9SEBPe");
    assertThat(Multibase.BASE32_LOWER.encode(TEXT))
        .isEqualTo("birswgzloorzgc3djpjssazlwmvzhs5dinfxgoijb");
    assertThat(Multibase.BASE16_LOWER.encode(TEXT))
        .isEqualTo("f446563656e7472616c697a652065766572797468696e672121");
    assertThat(Multibase.BASE64.encode(TEXT)).isEqualTo("mRGVjZW50cmFsaXplIGV2ZXJ5dGhpbmchIQ");
  }

  @Test
  void everyBaseDecodesWhatItEncodes() {
    Random random = new Random(42);
    for (int length = 0; length < 40; length++) {
      byte[] bytes = new byte[length];
      random.nextBytes(bytes);
      if (length > 2) {
        bytes[0] = 0;
      }
      for (Multibase base : Multibase.values()) {
        assertThat(Multibase.decode(base.encode(bytes)))
            .as(base + " of " + length)
            .isEqualTo(bytes);
      }
    }
  }

  @Test
  void base58KeepsLeadingZeroBytesAsOnes() {
    assertThat(Base58.encode(new byte[] {0, 0, 1})).isEqualTo("112");
    assertThat(Base58.decode("112")).containsExactly(0, 0, 1);
    assertThat(Base58.encode(new byte[0])).isEmpty();
  }

  @Test
  void badTextIsRefusedNamingIt() {
    assertThatThrownBy(() -> Base58.decode("0OIl")).hasMessageContaining("'0'");
    assertThatThrownBy(() -> Multibase.decode("bIRSW")).hasMessageContaining("IRSW");
    assertThatThrownBy(() -> Multibase.decode("fABCD")).hasMessageContaining("ABCD");
    assertThatThrownBy(() -> Multibase.decode("?abc")).hasMessageContaining("'?'");
    assertThatThrownBy(() -> Multibase.decode("mAQ==")).hasMessageContaining("AQ==");
  }
}
