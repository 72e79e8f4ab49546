package io.ferry.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ChannelWindowTest {
  private static final long MIB = 1 << 20;

  @Test
  void theWindowIsTheTransportDefaultWithinTheDefaultPerPeerBudget() {
    assertThat(RunningNode.channelWindow(8 * MIB, 16 * MIB)).isEqualTo(8 * MIB);
  }

  @Test
  void aSmallerPerPeerBudgetBoundsTheWindow() {
    assertThat(RunningNode.channelWindow(8 * MIB, 2 * MIB)).isEqualTo(2 * MIB);
  }

  @Test
  void aLargerPerPeerBudgetLetsOneChannelUseHalfOfIt() {
    assertThat(RunningNode.channelWindow(8 * MIB, 64 * MIB)).isEqualTo(32 * MIB);
  }
}
