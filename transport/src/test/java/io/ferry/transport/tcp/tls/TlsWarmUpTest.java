package io.ferry.transport.tcp.tls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TlsWarmUpTest {
  @Test
  void theWarmUpMovesEveryChunkThroughTlsEachWay() throws Exception {
    assertThat(TlsWarmUp.run(4 << 20)).isEqualTo(2L * (4 << 20));
  }
}
