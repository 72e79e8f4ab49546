package io.ferry.ipld.unixfs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** HAMT bucket hashing: murmur3-x64-64 as go-unixfs and js-ipfs-unixfs compute it. */
class Murmur3VectorsTest {
  private static String hash(String name) {
    return HexFormat.of().formatHex(Murmur3.x64_64(name.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void namesHashToTheFirstHalfOfMurmur3x64_128BigEndian() {
    // Reference values: Guava's Hashing.murmur3_128(0), first 8 bytes read little-endian.
    assertThat(hash("")).isEqualTo("0000000000000000");
    assertThat(hash("1.txt")).isEqualTo("07c182825cb447e1");
    assertThat(hash("685.txt")).isEqualTo("fde32207976bdd5a");
    assertThat(hash("hello world, a longer name.txt")).isEqualTo("9f0caa464292bbf9");
  }
}
