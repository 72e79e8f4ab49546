package io.ferry.node.metrics;

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
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Channel metrics fed by channel events: channels by status, bytes and blocks sent and received (in
 * total and per peer), the transfer rate over the last ten seconds, validation outcomes, restarts,
 * and events by code. Subscribe it to the node's {@link io.ferry.node.Manager}; seed it with the
 * channels that exist at start so the status gauge counts them too.
 *
 * <p>Byte and block counters are computed from the channel's own counters, which the engine grows
 * once per block, so a counter here never double-counts a block that was sent again after a
 * restart.
 */
public final class ChannelMetrics implements Subscriber {
  private static final int RATE_WINDOW_SECONDS = 10;

  /** What is remembered per channel to turn its running totals into increments. */
  private record Seen(
      Status status,
      String peer,
      long sent,
      long received,
      long sentBlocks,
      long receivedBlocks,
      boolean accepted) {}

  private final Map<ChannelId, Seen> channels = new ConcurrentHashMap<>();
  private final MetricRegistry.Metric bytesSent;
  private final MetricRegistry.Metric bytesReceived;
  private final MetricRegistry.Metric blocksSent;
  private final MetricRegistry.Metric blocksReceived;
  private final MetricRegistry.Metric validations;
  private final MetricRegistry.Metric restarts;
  private final MetricRegistry.Metric events;
  private final MetricRegistry.Metric ended;
  private final RateWindow sendRate;
  private final RateWindow receiveRate;

  /** Registers the channel metrics in {@code registry}. */
  public ChannelMetrics(MetricRegistry registry) {
    this(registry, Clock.systemUTC());
  }

  ChannelMetrics(MetricRegistry registry, Clock clock) {
    bytesSent =
        registry.counter(
            "ferry_bytes_sent_total", "Bytes of block data sent, counted once per block.", "peer");
    bytesReceived =
        registry.counter(
            "ferry_bytes_received_total",
            "Bytes of block data received and verified, counted once per block.",
            "peer");
    blocksSent = registry.counter("ferry_blocks_sent_total", "Blocks sent, once each.", "peer");
    blocksReceived =
        registry.counter("ferry_blocks_received_total", "Blocks received, once each.", "peer");
    validations =
        registry.counter(
            "ferry_validation_outcomes_total",
            "Validator decisions as channels saw them: accepted, rejected, voucher,"
                + " voucher_result, data_limit, finalization.",
            "outcome");
    restarts =
        registry.counter("ferry_channel_restarts_total", "Channel restarts, per peer.", "peer");
    events = registry.counter("ferry_channel_events_total", "Channel events by code.", "code");
    ended =
        registry.counter(
            "ferry_channels_ended_total",
            "Channels that reached a terminal status, per peer and status.",
            "peer",
            "status");
    sendRate = new RateWindow(clock, RATE_WINDOW_SECONDS);
    receiveRate = new RateWindow(clock, RATE_WINDOW_SECONDS);
    registry.computedGauge(
        "ferry_channels", "Channels known to the node, by status.", this::byStatus, "status");
    registry.computedGauge(
        "ferry_peer_active_channels",
        "Channels not yet terminal, per peer.",
        this::activeByPeer,
        "peer");
    registry.computedGauge(
        "ferry_transfer_rate_bytes_per_second",
        "Bytes per second over the last " + RATE_WINDOW_SECONDS + " seconds, by direction.",
        () ->
            List.of(
                new MetricRegistry.Sample(List.of("sent"), sendRate.perSecond()),
                new MetricRegistry.Sample(List.of("received"), receiveRate.perSecond())),
        "direction");
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
              s.status() != Status.Requested && s.status() != Status.AwaitingAcceptance));
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
            state.channelId(), new Seen(Status.Requested, peer, 0, 0, 0, 0, false));
    long dSent = Math.max(0, state.sent() - before.sent());
    long dReceived = Math.max(0, state.received() - before.received());
    long dSentBlocks = Math.max(0, state.sentBlocks() - before.sentBlocks());
    long dReceivedBlocks = Math.max(0, state.receivedBlocks() - before.receivedBlocks());
    if (dSent > 0) {
      bytesSent.add(dSent, peer);
      sendRate.add(dSent);
    }
    if (dReceived > 0) {
      bytesReceived.add(dReceived, peer);
      receiveRate.add(dReceived);
    }
    if (dSentBlocks > 0) {
      blocksSent.add(dSentBlocks, peer);
    }
    if (dReceivedBlocks > 0) {
      blocksReceived.add(dReceivedBlocks, peer);
    }
    boolean accepted = before.accepted();
    switch (event.code()) {
      case Accept -> {
        validations.inc("accepted");
        accepted = true;
      }
      case Error -> {
        if (!accepted) {
          validations.inc("rejected");
        }
      }
      case NewVoucher -> validations.inc("voucher");
      case NewVoucherResult -> validations.inc("voucher_result");
      case DataLimitExceeded -> validations.inc("data_limit");
      case BeginFinalizing, ResponderBeginsFinalization -> validations.inc("finalization");
      case Restart -> restarts.inc(peer);
      default -> {}
    }
    if (state.status().isTerminal() && !before.status().isTerminal()) {
      ended.inc(peer, state.status().name());
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
            accepted || event.code() == EventCode.Accept));
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

  private List<MetricRegistry.Sample> activeByPeer() {
    Map<String, Integer> counts = new TreeMap<>();
    for (Seen s : channels.values()) {
      if (!s.status().isTerminal()) {
        counts.merge(s.peer(), 1, Integer::sum);
      }
    }
    List<MetricRegistry.Sample> out = new ArrayList<>();
    counts.forEach((p, n) -> out.add(new MetricRegistry.Sample(List.of(p), n)));
    return out;
  }
}
