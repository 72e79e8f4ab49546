package io.ferry.ipld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class MultihashTest {
  private static final byte[] ABC = "abc".getBytes(StandardCharsets.US_ASCII);

  @Test
  void sha256OfAbcIsTheFipsTestVectorWithItsPrefix() {
    assertThat(HexFormat.of().formatHex(Multihash.sha256(ABC).toBytes()))
        .isEqualTo("1220ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }

  @Test
  void sha256OfAByteBufferHashesOnlyItsRemainingBytesAndLeavesItsPosition() {
    ByteBuffer buffer = ByteBuffer.wrap("xxabc".getBytes(StandardCharsets.US_ASCII));
    buffer.position(2);
    assertThat(Multihash.sha256(buffer)).isEqualTo(Multihash.sha256(ABC));
    assertThat(buffer.position()).isEqualTo(2);
  }

  @Test
  void blake2b256OfAbcIsTheRfc7693Vector() {
    // BLAKE2b-256("abc"), multicodec 0xb220 as varint a0e402, length 0x20.
    assertThat(HexFormat.of().formatHex(Multihash.blake2b256(ABC).toBytes()))
        .isEqualTo("a0e40220bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
  }

  @Test
  void identityMultihashHoldsTheDataItself() {
    Multihash mh = Multihash.identity(ABC);
    assertThat(HexFormat.of().formatHex(mh.toBytes())).isEqualTo("0003616263");
    assertThat(mh.digest()).isEqualTo(ABC);
  }

  @Test
  void decodeReadsBackWhatToBytesWrote() {
    for (Multihash mh :
        new Multihash[] {
          Multihash.sha256(ABC), Multihash.blake2b256(ABC), Multihash.identity(ABC)
        }) {
      assertThat(Multihash.decode(mh.toBytes())).isEqualTo(mh).hasSameHashCodeAs(mh);
    }
  }

  @Test
  void matchesRecomputesWithTheSameFunction() {
    assertThat(Multihash.sha256(ABC).matches(ABC)).isTrue();
    assertThat(Multihash.sha256(ABC).matches("abd".getBytes(StandardCharsets.US_ASCII))).isFalse();
    assertThat(Multihash.blake2b256(ABC).matches(ABC)).isTrue();
    assertThat(Multihash.identity(ABC).matches(new byte[] {1})).isFalse();
  }

  @Test
  void malformedMultihashesAreRefusedWithTheReason() {
    assertThatThrownBy(() -> Multihash.decode(HexFormat.of().parseHex("1220ff")))
        .hasMessageContaining("32-byte digest but only 1 bytes follow");
    assertThatThrownBy(() -> Multihash.decode(HexFormat.of().parseHex("120100")))
        .hasMessageContaining("sha2-256 digest must be 32 bytes");
    assertThatThrownBy(() -> Multihash.decode(HexFormat.of().parseHex("00010102")))
        .hasMessageContaining("1 bytes after its digest");
    assertThatThrownBy(() -> Multihash.compute(0x13, ABC)).hasMessageContaining("0x13");
  }
}
