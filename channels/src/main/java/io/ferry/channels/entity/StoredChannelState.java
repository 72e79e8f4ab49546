package io.ferry.channels.entity;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Counters;
import io.ferry.channels.Counters.Count;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.time.Instant;
import java.util.List;

/**
 * A {@link ChannelState} as snapshots and replies store it: one flat object whose fields, names and
 * order are those nodes have on disk, whatever shape the model takes in Java. {@link
 * FerryJacksonModule} writes and reads every channel state through it. States written before issue
 * 19 carry every voucher and no counts: they read as the opening voucher, the latest ones, and
 * counts from their lists' sizes.
 */
record StoredChannelState(
    ChannelId channelId,
    PeerId selfPeer,
    Cid baseCid,
    Selector selector,
    PeerId sender,
    PeerId recipient,
    long totalSize,
    Status status,
    long queued,
    long sent,
    long received,
    long queuedBlocks,
    long sentBlocks,
    long receivedBlocks,
    long dataLimit,
    boolean requiresFinalization,
    boolean initiatorPaused,
    boolean responderPaused,
    boolean stalled,
    int restartAttempts,
    String message,
    List<TypedVoucher> vouchers,
    List<TypedVoucher> voucherResults,
    Instant createdAt,
    Instant updatedAt,
    Long voucherCount,
    Long voucherResultCount) {

  static StoredChannelState of(ChannelState s) {
    return new StoredChannelState(
        s.channelId(),
        s.selfPeer(),
        s.baseCid(),
        s.selector(),
        s.sender(),
        s.recipient(),
        s.totalSize(),
        s.status(),
        s.queued(),
        s.sent(),
        s.received(),
        s.queuedBlocks(),
        s.sentBlocks(),
        s.receivedBlocks(),
        s.dataLimit(),
        s.requiresFinalization(),
        s.initiatorPaused(),
        s.responderPaused(),
        s.stalled(),
        s.restartAttempts(),
        s.message(),
        s.vouchers(),
        s.voucherResults(),
        s.createdAt(),
        s.updatedAt(),
        s.voucherCount(),
        s.voucherResultCount());
  }

  ChannelState toChannelState() {
    return new ChannelState(
        channelId,
        selfPeer,
        baseCid,
        selector,
        sender,
        recipient,
        totalSize,
        status,
        new Counters(
            new Count(queued, queuedBlocks),
            new Count(sent, sentBlocks),
            new Count(received, receivedBlocks)),
        dataLimit,
        requiresFinalization,
        initiatorPaused,
        responderPaused,
        stalled,
        restartAttempts,
        message,
        vouchers == null ? List.of() : vouchers,
        voucherResults == null ? List.of() : voucherResults,
        createdAt,
        updatedAt,
        voucherCount == null ? 0 : voucherCount,
        voucherResultCount == null ? 0 : voucherResultCount);
  }
}
