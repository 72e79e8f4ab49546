package io.ferry.channels;

import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

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
 * @param counters bytes and blocks queued, sent and received, each block counted once
 * @param dataLimit bytes the responder lets through before pausing itself; 0 means no limit
 * @param requiresFinalization whether the responder asks for a final voucher before completing
 * @param initiatorPaused whether the initiator has paused
 * @param responderPaused whether the responder has paused
 * @param stalled whether the connection to the other peer is down and the channel waits for it
 * @param restartAttempts consecutive restart attempts since data last moved
 * @param message more about the current status (the last error, say); empty when none
 * @param vouchers the voucher the channel was opened with, then the latest one if another came (at
 *     most two: a paid pull's hundreds of payment vouchers stay in the journal's events, not in the
 *     state every view and snapshot carries; issue 19, 7)
 * @param voucherResults the latest voucher result (none or one)
 * @param createdAt when the channel was opened
 * @param updatedAt when the last event was applied
 * @param voucherCount how many vouchers the channel has had, the opening one included
 * @param voucherResultCount how many voucher results it has had
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
    Counters counters,
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
    long voucherCount,
    long voucherResultCount) {

  public ChannelState {
    counters = counters == null ? Counters.NONE : counters;
    message = message == null ? "" : message;
    voucherCount = Math.max(voucherCount, vouchers.size());
    voucherResultCount = Math.max(voucherResultCount, voucherResults.size());
    vouchers = firstAndLast(vouchers);
    voucherResults = voucherResults.isEmpty() ? List.of() : List.of(last(voucherResults));
  }

  /**
   * A state whose voucher lists are whole histories (as states written before issue 19 kept them):
   * the counts are their sizes, and only the opening voucher and the latest ones are kept.
   */
  public ChannelState(
      ChannelId channelId,
      PeerId selfPeer,
      Cid baseCid,
      Selector selector,
      PeerId sender,
      PeerId recipient,
      long totalSize,
      Status status,
      Counters counters,
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
    this(
        channelId,
        selfPeer,
        baseCid,
        selector,
        sender,
        recipient,
        totalSize,
        status,
        counters,
        dataLimit,
        requiresFinalization,
        initiatorPaused,
        responderPaused,
        stalled,
        restartAttempts,
        message,
        vouchers,
        voucherResults,
        createdAt,
        updatedAt,
        vouchers.size(),
        voucherResults.size());
  }

  private static List<TypedVoucher> firstAndLast(List<TypedVoucher> list) {
    return switch (list.size()) {
      case 0 -> List.of();
      case 1 -> List.of(list.get(0));
      default -> List.of(list.get(0), last(list));
    };
  }

  private static TypedVoucher last(List<TypedVoucher> list) {
    return list.get(list.size() - 1);
  }

  /** Whether a voucher came after the one the channel was opened with. */
  public boolean hasLaterVoucher() {
    return voucherCount > 1;
  }

  /** Bytes queued for sending, counted once per block. */
  public long queued() {
    return counters.queued().bytes();
  }

  /** Bytes written to the wire, counted once per block. */
  public long sent() {
    return counters.sent().bytes();
  }

  /** Bytes received and verified, counted once per block. */
  public long received() {
    return counters.received().bytes();
  }

  /** Blocks queued, counted once. */
  public long queuedBlocks() {
    return counters.queued().blocks();
  }

  /** Blocks sent, counted once. */
  public long sentBlocks() {
    return counters.sent().blocks();
  }

  /** Blocks received, counted once. */
  public long receivedBlocks() {
    return counters.received().blocks();
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

  // ---- copies with one thing changed (the channel actor folds events with these) ----

  /** The same state in {@code status}. */
  public ChannelState withStatus(Status status) {
    return copy(d -> d.status = status);
  }

  /** The same state with bytes and blocks added to the queued counters. */
  public ChannelState addQueued(long bytes, long blocks) {
    return copy(d -> d.counters = counters.addQueued(bytes, blocks));
  }

  /** The same state with bytes and blocks added to the sent counters. */
  public ChannelState addSent(long bytes, long blocks) {
    return copy(d -> d.counters = counters.addSent(bytes, blocks));
  }

  /** The same state with bytes and blocks added to the received counters. */
  public ChannelState addReceived(long bytes, long blocks) {
    return copy(d -> d.counters = counters.addReceived(bytes, blocks));
  }

  /** The same state with another data limit (0 = none). */
  public ChannelState withDataLimit(long dataLimit) {
    return copy(d -> d.dataLimit = dataLimit);
  }

  /** The same state with the finalization flag set as given. */
  public ChannelState withRequiresFinalization(boolean requiresFinalization) {
    return copy(d -> d.requiresFinalization = requiresFinalization);
  }

  /** The same state with the initiator's pause flag set as given. */
  public ChannelState withInitiatorPaused(boolean initiatorPaused) {
    return copy(d -> d.initiatorPaused = initiatorPaused);
  }

  /** The same state with the responder's pause flag set as given. */
  public ChannelState withResponderPaused(boolean responderPaused) {
    return copy(d -> d.responderPaused = responderPaused);
  }

  /** The same state with the stalled flag set as given. */
  public ChannelState withStalled(boolean stalled) {
    return copy(d -> d.stalled = stalled);
  }

  /** The same state with another restart-attempt count. */
  public ChannelState withRestartAttempts(int restartAttempts) {
    return copy(d -> d.restartAttempts = restartAttempts);
  }

  /** The same state with another message. */
  public ChannelState withMessage(String message) {
    return copy(d -> d.message = message);
  }

  /** The same state with one more voucher: the latest (the opening one stays). */
  public ChannelState withVoucher(TypedVoucher voucher) {
    return copy(
        d -> {
          d.vouchers = vouchers.isEmpty() ? List.of(voucher) : List.of(vouchers.get(0), voucher);
          d.voucherCount = voucherCount + 1;
        });
  }

  /** The same state with one more voucher result: the latest. */
  public ChannelState withVoucherResult(TypedVoucher result) {
    return copy(
        d -> {
          d.voucherResults = List.of(result);
          d.voucherResultCount = voucherResultCount + 1;
        });
  }

  /** The same state, last changed at {@code updatedAt}. */
  public ChannelState withUpdatedAt(Instant updatedAt) {
    return copy(d -> d.updatedAt = updatedAt);
  }

  private ChannelState copy(Consumer<Draft> change) {
    Draft d = new Draft(this);
    change.accept(d);
    return d.build();
  }

  /** A mutable copy of every field, used only inside {@link #copy}. */
  private static final class Draft {
    private ChannelId channelId;
    private PeerId selfPeer;
    private Cid baseCid;
    private Selector selector;
    private PeerId sender;
    private PeerId recipient;
    private long totalSize;
    private Status status;
    private Counters counters;
    private long dataLimit;
    private boolean requiresFinalization;
    private boolean initiatorPaused;
    private boolean responderPaused;
    private boolean stalled;
    private int restartAttempts;
    private String message;
    private List<TypedVoucher> vouchers;
    private List<TypedVoucher> voucherResults;
    private Instant createdAt;
    private Instant updatedAt;
    private long voucherCount;
    private long voucherResultCount;

    Draft(ChannelState s) {
      channelId = s.channelId;
      selfPeer = s.selfPeer;
      baseCid = s.baseCid;
      selector = s.selector;
      sender = s.sender;
      recipient = s.recipient;
      totalSize = s.totalSize;
      status = s.status;
      counters = s.counters;
      dataLimit = s.dataLimit;
      requiresFinalization = s.requiresFinalization;
      initiatorPaused = s.initiatorPaused;
      responderPaused = s.responderPaused;
      stalled = s.stalled;
      restartAttempts = s.restartAttempts;
      message = s.message;
      vouchers = s.vouchers;
      voucherResults = s.voucherResults;
      createdAt = s.createdAt;
      updatedAt = s.updatedAt;
      voucherCount = s.voucherCount;
      voucherResultCount = s.voucherResultCount;
    }

    ChannelState build() {
      return new ChannelState(
          channelId,
          selfPeer,
          baseCid,
          selector,
          sender,
          recipient,
          totalSize,
          status,
          counters,
          dataLimit,
          requiresFinalization,
          initiatorPaused,
          responderPaused,
          stalled,
          restartAttempts,
          message,
          vouchers,
          voucherResults,
          createdAt,
          updatedAt,
          voucherCount,
          voucherResultCount);
    }
  }
}
