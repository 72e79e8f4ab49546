package io.ferry.server.retention;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Counters;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RetentionPolicyTest {
  private static final Instant NOW = Instant.parse("2026-01-10T00:00:00Z");
  private static final PeerId SELF = peer(1);
  private static final PeerId OTHER = peer(2);

  private static PeerId peer(int seed) {
    byte[] key = new byte[32];
    key[0] = (byte) seed;
    return PeerId.ofEd25519(key);
  }

  private static ChannelState channel(long id, Status status, Duration endedAgo) {
    Instant t = NOW.minus(endedAgo);
    return new ChannelState(
        new ChannelId(SELF, OTHER, id),
        SELF,
        Cid.sha256(Multicodec.RAW, new byte[] {1}),
        Selectors.all(),
        OTHER,
        SELF,
        0,
        status,
        Counters.NONE,
        0,
        false,
        false,
        false,
        false,
        0,
        "",
        List.of(),
        List.of(),
        t.minusSeconds(60),
        t);
  }

  private static List<Long> ids(List<ChannelId> ids) {
    return ids.stream().map(ChannelId::transferId).toList();
  }

  @Test
  void terminalChannelsOlderThanKeepForArePurgedOldestFirst() {
    List<ChannelState> all =
        List.of(
            channel(1, Status.Completed, Duration.ofDays(9)),
            channel(2, Status.Failed, Duration.ofDays(8)),
            channel(3, Status.Cancelled, Duration.ofDays(1)),
            channel(4, Status.Completed, Duration.ofHours(1)));

    assertThat(ids(new RetentionPolicy(Duration.ofDays(7), 0).toPurge(all, NOW)))
        .containsExactly(1L, 2L);
  }

  @Test
  void onlyTheNewestKeepCountTerminalChannelsAreKept() {
    List<ChannelState> all =
        List.of(
            channel(1, Status.Completed, Duration.ofMinutes(4)),
            channel(2, Status.Completed, Duration.ofMinutes(3)),
            channel(3, Status.Completed, Duration.ofMinutes(2)),
            channel(4, Status.Completed, Duration.ofMinutes(1)));

    assertThat(ids(new RetentionPolicy(Duration.ZERO, 2).toPurge(all, NOW)))
        .containsExactly(1L, 2L);
  }

  @Test
  void channelsThatAreNotTerminalAreNeverPurgedHoweverOld() {
    List<ChannelState> all =
        List.of(
            channel(1, Status.Ongoing, Duration.ofDays(100)),
            channel(2, Status.Completing, Duration.ofDays(100)),
            channel(3, Status.ResponderPaused, Duration.ofDays(100)));

    assertThat(new RetentionPolicy(Duration.ofSeconds(1), 1).toPurge(all, NOW)).isEmpty();
  }

  @Test
  void bothBoundsApplyTogetherAndZeroKeepsEverything() {
    List<ChannelState> all =
        List.of(
            channel(1, Status.Completed, Duration.ofDays(30)),
            channel(2, Status.Completed, Duration.ofMinutes(3)),
            channel(3, Status.Completed, Duration.ofMinutes(2)),
            channel(4, Status.Completed, Duration.ofMinutes(1)));

    assertThat(ids(new RetentionPolicy(Duration.ofDays(7), 2).toPurge(all, NOW)))
        .containsExactly(1L, 2L);
    assertThat(new RetentionPolicy(Duration.ZERO, 0).toPurge(all, NOW)).isEmpty();
  }

  @Test
  void negativeBoundsAreRefused() {
    assertThatThrownBy(() -> new RetentionPolicy(Duration.ofSeconds(-1), 0))
        .hasMessageContaining("keep-for");
    assertThatThrownBy(() -> new RetentionPolicy(Duration.ZERO, -1))
        .hasMessageContaining("keep-count");
  }
}
