package io.ferry.channels;

import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything known about one channel at one moment: go-data-transfer's Channel and ChannelState,
 * plus the block counters, data limit, finalization flag, both pause flags and connection health
 * that its users asked for. Immutable; the channel actor folds events into a new value.
 *
 * @param channelId initiator, responder and transfer id
 * @param selfPeer the peer whose view this is
 * @param baseCid root of the DAG being moved
 * @param selector which part of the DAG moves
 * @param sender the peer that sends the data
 * @param recipient the peer that receives the data
 * @param totalSize total bytes to move when known, else 0 (as in go-data-transfer)
 * @param status lifecycle status
 * @param queued bytes queued for sending, counted once per block
 * @param sent bytes written to the wire, counted once per block
 * @param received bytes received and verified, counted once per block
 * @param queuedBlocks blocks queued, counted once
 * @param sentBlocks blocks sent, counted once
 * @param receivedBlocks blocks received, counted once
 * @param dataLimit bytes the responder lets through before pausing itself; 0 means no limit
 * @param requiresFinalization whether the responder asks for a final voucher before completing
 * @param initiatorPaused whether the initiator has paused
 * @param responderPaused whether the responder has paused
 * @param stalled whether the connection to the other peer is down and the channel waits for it
 * @param restartAttempts consecutive restart attempts since data last moved
 * @param message more about the current status (the last error, say); empty when none
 * @param vouchers every voucher, in order; the first is the one the channel was opened with
 * @param voucherResults every voucher result, in order
 * @param createdAt when the channel was opened
 * @param updatedAt when the last event was applied
 */
public record ChannelState(
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
    Instant updatedAt) {

  public ChannelState {
    message = message == null ? "" : message;
    vouchers = List.copyOf(vouchers);
    voucherResults = List.copyOf(voucherResults);
  }

  /** The transfer id, unique to the initiator. */
  public long transferId() {
    return channelId.transferId();
  }

  /** Whether the initiator receives the data (a pull) rather than sends it (a push). */
  public boolean isPull() {
    return channelId.initiator().equals(recipient);
  }

  /** Whether this node opened the channel. */
  public boolean isInitiator() {
    return channelId.initiator().equals(selfPeer);
  }

  /** Whether this node sends the data. */
  public boolean isSender() {
    return sender.equals(selfPeer);
  }

  /** The peer on the other side. */
  public PeerId otherPeer() {
    return channelId.otherParty(selfPeer);
  }

  /** The peer on the other side of {@code thisParty} (the seed's OtherParty). */
  public PeerId otherParty(PeerId thisParty) {
    return channelId.otherParty(thisParty);
  }

  /** The voucher the channel was opened with. */
  public TypedVoucher voucher() {
    return vouchers.isEmpty() ? new TypedVoucher(TypedVoucher.EMPTY_TYPE, null) : vouchers.get(0);
  }

  /** The most recent voucher. */
  public Optional<TypedVoucher> lastVoucher() {
    return vouchers.isEmpty() ? Optional.empty() : Optional.of(vouchers.get(vouchers.size() - 1));
  }

  /** The most recent voucher result. */
  public Optional<TypedVoucher> lastVoucherResult() {
    return voucherResults.isEmpty()
        ? Optional.empty()
        : Optional.of(voucherResults.get(voucherResults.size() - 1));
  }
}
