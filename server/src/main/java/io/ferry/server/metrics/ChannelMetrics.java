package io.ferry.server.metrics;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import io.ferry.channels.Subscriber;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channel metrics fed by channel events: channels by status, bytes and blocks sent and received,
 * validation outcomes, restarts, events by code, and histograms of how long channels last, how long
 * they wait to be accepted and how long a voucher waits for its result. Names follow Prometheus'
 * conventions (unit before {@code _total}, seconds); no label is a peer ID, so the number of series
 * stays bounded however many peers come and go; rates are {@code rate()} of the counters. Subscribe
 * it to the node's {@link io.ferry.engine.Manager}; seed it with the channels that exist at start
 * so the status gauge counts them too.
 *
 * <p>Byte and block counters are computed from the channel's own counters, which the engine grows
 * once per block, so a counter here never double-counts a block that was sent again after a
 * restart.
 */
public final class ChannelMetrics implements Subscriber {
  /** Bounds for durations from milliseconds (a voucher's answer) to hours (a large transfer). */
  private static final double[] SECONDS = {
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600, 14400
  };

  /** What is remembered per channel to turn its running totals into increments. */
  private record Seen(
      Status status,
      String peer,
      long sent,
      long received,
      long sentBlocks,
      long receivedBlocks,
      boolean accepted,
      java.time.Instant voucherAt) {}

  private final Map<ChannelId, Seen> channels = new ConcurrentHashMap<>();
  private final MetricRegistry.Metric bytesSent;
  private final MetricRegistry.Metric bytesReceived;
  private final MetricRegistry.Metric blocksSent;
  private final MetricRegistry.Metric blocksReceived;
  private final MetricRegistry.Metric validations;
  private final MetricRegistry.Metric restarts;
  private final MetricRegistry.Metric events;
  private final MetricRegistry.Metric ended;
  private final MetricRegistry.Histogram duration;
  private final MetricRegistry.Histogram acceptance;
  private final MetricRegistry.Histogram voucherRoundTrip;

  /** Registers the channel metrics in {@code registry}. */
  public ChannelMetrics(MetricRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  ChannelMetrics(MetricRegistry registry, Clock clock) {
    bytesSent =
        registry.counter(
            "ferry_sent_bytes_total", "Bytes of block data sent, counted once per block.");
    bytesReceived =
        registry.counter(
            "ferry_received_bytes_total",
            "Bytes of block data received and verified, counted once per block.");
    blocksSent = registry.counter("ferry_sent_blocks_total", "Blocks sent, once each.");
    blocksReceived = registry.counter("ferry_received_blocks_total", "Blocks received, once each.");
    validations =
        registry.counter(
            "ferry_validation_outcomes_total",
            "Validator decisions as channels saw them: accepted, rejected, voucher,"
                + " voucher_result, data_limit, finalization.",
            "outcome");
    restarts = registry.counter("ferry_channel_restarts_total", "Channel restarts.");
    events = registry.counter("ferry_channel_events_total", "Channel events by code.", "code");
    ended =
        registry.counter(
            "ferry_channels_ended_total",
            "Channels that reached a terminal status, by status.",
            "status");
    duration =
        registry.histogram(
            "ferry_channel_duration_seconds",
            "From a channel's opening to its terminal status.",
            SECONDS);
    acceptance =
        registry.histogram(
            "ferry_channel_accept_seconds",
            "From a channel's opening to its acceptance by the responder's validator.",
            SECONDS);
    voucherRoundTrip =
        registry.histogram(
            "ferry_voucher_round_trip_seconds",
            "From a voucher on a channel to the voucher result answering it.",
            SECONDS);
    registry.computedGauge(
        "ferry_channels", "Channels known to the node, by status.", this::byStatus, "status");
    registry.computedGauge(
        "ferry_peers_with_active_channels",
        "Peers with at least one channel not yet terminal.",
        () -> List.of(new MetricRegistry.Sample(List.of(), activePeers())));
  }

  /** Counts channels that already exist (e.g. recovered at start) without counting their bytes. */
  public void seed(Collection<ChannelState> existing) {
    for (ChannelState s : existing) {
      channels.putIfAbsent(
          s.channelId(),
          new Seen(
              s.status(),
              s.otherPeer().toString(),
              s.sent(),
              s.received(),
              s.sentBlocks(),
              s.receivedBlocks(),
              s.status() != Status.Requested && s.status() != Status.AwaitingAcceptance,
              null));
    }
  }

  /** Stops counting a purged channel in the status gauge. */
  public void forget(ChannelId channelId) {
    channels.remove(channelId);
  }

  @Override
  public void onEvent(ChannelEvent event, ChannelState state) {
    events.inc(event.code().name());
    String peer = state.otherPeer().toString();
    Seen before =
        channels.getOrDefault(
            state.channelId(), new Seen(Status.Requested, peer, 0, 0, 0, 0, false, null));
    long dSent = Math.max(0, state.sent() - before.sent());
    long dReceived = Math.max(0, state.received() - before.received());
    long dSentBlocks = Math.max(0, state.sentBlocks() - before.sentBlocks());
    long dReceivedBlocks = Math.max(0, state.receivedBlocks() - before.receivedBlocks());
    if (dSent > 0) {
      bytesSent.add(dSent);
    }
    if (dReceived > 0) {
      bytesReceived.add(dReceived);
    }
    if (dSentBlocks > 0) {
      blocksSent.add(dSentBlocks);
    }
    if (dReceivedBlocks > 0) {
      blocksReceived.add(dReceivedBlocks);
    }
    java.time.Instant voucherAt = before.voucherAt();
    boolean accepted = before.accepted();
    switch (event.code()) {
      case Accept -> {
        validations.inc("accepted");
        if (!accepted) {
          acceptance.observe(seconds(state.createdAt(), event.timestamp()));
        }
        accepted = true;
      }
      case Error -> {
        if (!accepted) {
          validations.inc("rejected");
        }
      }
      case NewVoucher -> {
        validations.inc("voucher");
        voucherAt = event.timestamp();
      }
      case NewVoucherResult -> {
        validations.inc("voucher_result");
        if (voucherAt != null) {
          voucherRoundTrip.observe(seconds(voucherAt, event.timestamp()));
          voucherAt = null;
        }
      }
      case DataLimitExceeded -> validations.inc("data_limit");
      case BeginFinalizing, ResponderBeginsFinalization -> validations.inc("finalization");
      case Restart -> restarts.inc();
      default -> {}
    }
    if (state.status().isTerminal() && !before.status().isTerminal()) {
      ended.inc(state.status().name());
      duration.observe(seconds(state.createdAt(), event.timestamp()));
    }
    channels.put(
        state.channelId(),
        new Seen(
            state.status(),
            peer,
            Math.max(before.sent(), state.sent()),
            Math.max(before.received(), state.received()),
            Math.max(before.sentBlocks(), state.sentBlocks()),
            Math.max(before.receivedBlocks(), state.receivedBlocks()),
            accepted || event.code() == EventCode.Accept,
            voucherAt));
  }

  private static double seconds(java.time.Instant from, java.time.Instant to) {
    if (from == null || to == null) {
      return 0;
    }
    return Math.max(0, java.time.Duration.between(from, to).toNanos() / 1e9);
  }

  private List<MetricRegistry.Sample> byStatus() {
    Map<Status, Integer> counts = new EnumMap<>(Status.class);
    for (Status s : Status.values()) {
      if (s != Status.ChannelNotFoundError) {
        counts.put(s, 0);
      }
    }
    for (Seen s : channels.values()) {
      counts.merge(s.status(), 1, Integer::sum);
    }
    List<MetricRegistry.Sample> out = new ArrayList<>();
    counts.forEach((s, n) -> out.add(new MetricRegistry.Sample(List.of(s.name()), n)));
    return out;
  }

  private long activePeers() {
    return channels.values().stream()
        .filter(s -> !s.status().isTerminal())
        .map(Seen::peer)
        .distinct()
        .count();
  }
}
