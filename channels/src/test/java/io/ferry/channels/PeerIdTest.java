package io.ferry.channels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PeerIdTest {
  private static PeerId key(int seed) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) seed);
    return PeerId.ofEd25519(key);
  }

  @Test
  void aParsedIdIsTheIdOfItsBytesAndKeepsItsText() {
    PeerId id = key(7);
    PeerId parsed = PeerId.parse(id.toString());

    assertThat(parsed).isEqualTo(id).isEqualTo(PeerId.fromBytes(id.toBytes()));
    assertThat(parsed.toString()).isEqualTo(id.toString()).startsWith("12D3KooW");
    assertThat(parsed.toBytes()).isEqualTo(id.toBytes());
  }

  @Test
  void anIdParsedAgainIsTheIdParsedBefore() {
    String text = key(9).toString();

    assertThat(PeerId.parse(text)).isSameAs(PeerId.parse(text));
  }

  @Test
  void textThatIsNoPeerIdIsRefusedEveryTime() {
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> PeerId.parse("12D3KooW0OIl"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("not a peer ID");
    }
  }
}
