package io.ferry.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Counters;
import io.ferry.channels.EventCode;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelMetricsTest {
  private static final PeerId SELF = peer(1);
  private static final PeerId OTHER = peer(2);
  private static final Clock CLOCK =
      Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

  private final MetricRegistry registry = new MetricRegistry();
  private final ChannelMetrics metrics = new ChannelMetrics(registry, CLOCK);
  private long seq;

  private static PeerId peer(int seed) {
    byte[] key = new byte[32];
    key[0] = (byte) seed;
    return PeerId.ofEd25519(key);
  }

  /** A pull this node receives from OTHER, in {@code status}, with these received counters. */
  private static ChannelState pull(long id, Status status, long received, long blocks) {
    return new ChannelState(
        new ChannelId(SELF, OTHER, id),
        SELF,
        Cid.sha256(Multicodec.RAW, new byte[] {1}),
        Selectors.all(),
        OTHER,
        SELF,
        0,
        status,
        new Counters(
            new Counters.Count(0, 0),
            new Counters.Count(0, 0),
            new Counters.Count(received, blocks)),
        0,
        false,
        false,
        false,
        false,
        0,
        "",
        List.of(),
        List.of(),
        Instant.EPOCH,
        Instant.EPOCH);
  }

  private void event(EventCode code, ChannelState s) {
    metrics.onEvent(new ChannelEvent(code, "", Instant.EPOCH, ++seq), s);
  }

  private double value(String series) {
    return registry
        .scrape()
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElse(0);
  }

  @Test
  void bytesAndBlocksAreCountedFromTheChannelsOwnTotalsSoRepeatsDoNotDoubleCount() {
    event(EventCode.Open, pull(1, Status.Requested, 0, 0));
    event(EventCode.Accept, pull(1, Status.Ongoing, 0, 0));
    event(EventCode.DataReceivedProgress, pull(1, Status.Ongoing, 100, 2));
    event(EventCode.DataReceived, pull(1, Status.Ongoing, 100, 2));
    event(EventCode.Restart, pull(1, Status.Ongoing, 100, 2));
    event(EventCode.DataReceivedProgress, pull(1, Status.Ongoing, 250, 5));
    event(EventCode.CleanupComplete, pull(1, Status.Completed, 250, 5));

    assertThat(value("ferry_received_bytes_total")).isEqualTo(250);
    assertThat(value("ferry_received_blocks_total")).isEqualTo(5);
    assertThat(value("ferry_channel_restarts_total")).isEqualTo(1);
    assertThat(value("ferry_channels{status=\"Completed\"}")).isEqualTo(1);
    assertThat(value("ferry_channels{status=\"Ongoing\"}")).isZero();
    assertThat(value("ferry_channels_ended_total{status=\"Completed\"}")).isEqualTo(1);
    assertThat(value("ferry_channel_duration_seconds_count")).isEqualTo(1);
    assertThat(value("ferry_channel_accept_seconds_count")).isEqualTo(1);
    assertThat(registry.scrape()).doesNotContain(OTHER.toString());
  }

  @Test
  void anErrorBeforeAcceptanceIsARejectionAndAfterItIsNot() {
    event(EventCode.Open, pull(1, Status.Requested, 0, 0));
    event(EventCode.Error, pull(1, Status.Failed, 0, 0));
    event(EventCode.Open, pull(2, Status.Requested, 0, 0));
    event(EventCode.Accept, pull(2, Status.Ongoing, 0, 0));
    event(EventCode.Error, pull(2, Status.Failed, 0, 0));

    assertThat(value("ferry_validation_outcomes_total{outcome=\"rejected\"}")).isEqualTo(1);
    assertThat(value("ferry_validation_outcomes_total{outcome=\"accepted\"}")).isEqualTo(1);
    assertThat(value("ferry_channel_events_total{code=\"Error\"}")).isEqualTo(2);
  }

  @Test
  void seededChannelsAreCountedByStatusButTheirPastBytesAreNot() {
    metrics.seed(List.of(pull(1, Status.Ongoing, 1000, 10), pull(2, Status.Completed, 5, 1)));
    event(EventCode.DataReceivedProgress, pull(1, Status.Ongoing, 1500, 12));

    assertThat(value("ferry_channels{status=\"Ongoing\"}")).isEqualTo(1);
    assertThat(value("ferry_channels{status=\"Completed\"}")).isEqualTo(1);
    assertThat(value("ferry_peers_with_active_channels")).isEqualTo(1);
    assertThat(value("ferry_received_bytes_total")).isEqualTo(500);

    metrics.forget(new ChannelId(SELF, OTHER, 2));
    assertThat(value("ferry_channels{status=\"Completed\"}")).isZero();
  }

  @Test
  void aVouchersRoundTripIsTimedUntilItsResult() {
    event(EventCode.Open, pull(1, Status.Requested, 0, 0));
    event(EventCode.NewVoucher, pull(1, Status.Ongoing, 0, 0));
    event(EventCode.NewVoucherResult, pull(1, Status.Ongoing, 0, 0));
    event(EventCode.NewVoucherResult, pull(1, Status.Ongoing, 0, 0));

    assertThat(value("ferry_voucher_round_trip_seconds_count")).isEqualTo(1);
    assertThat(value("ferry_voucher_round_trip_seconds_bucket{le=\"+Inf\"}")).isEqualTo(1);
  }
}
