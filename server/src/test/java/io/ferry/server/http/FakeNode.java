package io.ferry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelNotFoundException;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Counters;
import io.ferry.channels.EventCode;
import io.ferry.channels.PeerId;
import io.ferry.channels.RestartOutcome;
import io.ferry.channels.Status;
import io.ferry.channels.Subscriber;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.Unsubscribe;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.Revalidator;
import io.ferry.channels.spi.VoucherType;
import io.ferry.engine.Manager;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.javadsl.SourceQueueWithComplete;

/**
 * An in-memory node for the HTTP API's tests: channels change status when asked and tell
 * subscribers, with no network or journal behind them. It records every operation it was asked to
 * do, so a test can check that a refused request did nothing.
 */
public final class FakeNode implements NodeBackend, Manager {
  public static final PeerId SELF = peer(1);
  public static final PeerId OTHER = peer(2);
  public static final String OTHER_ADDR = "/ip4/127.0.0.1/tcp/4001/p2p/" + OTHER;

  final List<String> operations = new CopyOnWriteArrayList<>();
  private final Map<ChannelId, ChannelState> channels = new ConcurrentHashMap<>();
  private final List<Subscriber> subscribers = new CopyOnWriteArrayList<>();
  private final AtomicLong nextTransfer = new AtomicLong(1);
  private final Map<ChannelId, AtomicLong> sequence = new ConcurrentHashMap<>();
  volatile boolean ready = true;

  /** What the read model says while it catches up (empty: it has), and when it has. */
  public volatile Optional<String> catchingUp = Optional.empty();

  public volatile CompletableFuture<Void> caughtUp = CompletableFuture.completedFuture(null);

  /** What the node "paid" per channel, and its budget (none: it pays for nothing). */
  public final Map<ChannelId, PaymentsView> payments = new ConcurrentHashMap<>();

  public volatile PaymentsView.Budget budget;

  /** Whether a restart records nothing (as a side that has a restart under way). */
  public volatile boolean silentRestart;

  /** Restarts answer that one is under way already, as a channel awaiting its answer does. */
  public volatile boolean restartUnderWay;

  /** What a newly opened channel does on its own: nothing, complete, or fail with a reason. */
  public volatile String autoOutcome = "";

  /** Every event emitted so far, as a journal holds them (offsets from 1); guards followers. */
  private final List<JournalEvent> journaled = new ArrayList<>();

  private final List<SourceQueueWithComplete<JournalEvent>> followers = new ArrayList<>();

  /** How many streams read {@link #emittedJournal} while following it. */
  public final AtomicInteger journalFollowers = new AtomicInteger();

  /** The channel opened last. */
  public volatile ChannelId lastOpened;

  /** How many times a channel's state was read (what {@code GET /v1/channels/{id}} does). */
  public final AtomicInteger channelReads = new AtomicInteger();

  /** Events as a node's channels publish them, when set: what a following stream then reads. */
  public volatile Optional<io.ferry.engine.wiring.EventHub> hub = Optional.empty();

  /** What {@code /v1/events} reads: by default the events this node emitted. */
  public volatile BiFunction<Long, Boolean, Source<JournalEvent, NotUsed>> journal =
      this::emittedJournal;

  /** The events emitted after {@code after}, then, when {@code live}, those still to come. */
  public Source<JournalEvent, NotUsed> emittedJournal(long after, boolean live) {
    if (!live) {
      synchronized (journaled) {
        return Source.from(List.copyOf(journaled)).filter(e -> e.offset() > after);
      }
    }
    return Source.<JournalEvent>queue(1024, OverflowStrategy.fail())
        .mapMaterializedValue(
            q -> {
              synchronized (journaled) {
                journaled.stream().filter(e -> e.offset() > after).forEach(q::offer);
                followers.add(q);
              }
              journalFollowers.incrementAndGet();
              return NotUsed.notUsed();
            });
  }

  public static PeerId peer(int seed) {
    byte[] key = new byte[32];
    key[0] = (byte) seed;
    return PeerId.ofEd25519(key);
  }

  public static Cid cid(String text) {
    return Cid.sha256(io.ferry.ipld.Multicodec.RAW, text.getBytes());
  }

  // ---- NodeBackend ----

  @Override
  public Manager manager() {
    return this;
  }

  @Override
  public Optional<PaymentsView> payments(ChannelId channelId) {
    return Optional.ofNullable(payments.get(channelId));
  }

  @Override
  public Optional<PaymentsView.Budget> paymentBudget() {
    return Optional.ofNullable(budget);
  }

  @Override
  public PeerId peerId() {
    return SELF;
  }

  @Override
  public List<String> listenAddresses() {
    return List.of("/ip4/127.0.0.1/tcp/4000/p2p/" + SELF);
  }

  @Override
  public CompletionStage<PeerId> connect(String multiaddr) {
    operations.add("connect " + multiaddr);
    if (!multiaddr.endsWith("/p2p/" + OTHER)) {
      return CompletableFuture.failedFuture(
          new IllegalArgumentException("cannot dial '" + multiaddr + "'"));
    }
    return CompletableFuture.completedFuture(OTHER);
  }

  @Override
  public CompletionStage<List<PeerInfo>> peers() {
    return CompletableFuture.completedFuture(
        List.of(new PeerInfo(OTHER, List.of(OTHER_ADDR), true, channels.size())));
  }

  @Override
  public Optional<String> channelsCatchingUp() {
    return catchingUp;
  }

  @Override
  public CompletionStage<Void> channelsCaughtUp() {
    return caughtUp;
  }

  @Override
  public CompletionStage<List<ChannelState>> channels() {
    return CompletableFuture.completedFuture(List.copyOf(channels.values()));
  }

  @Override
  public CompletionStage<Void> purge(ChannelId channelId) {
    return beforePurge.apply(channelId).thenCompose(v -> purgeNow(channelId));
  }

  /** What each purge waits for before it happens (nothing, unless a test sets it). */
  public volatile java.util.function.Function<ChannelId, CompletionStage<Void>> beforePurge =
      id -> CompletableFuture.completedFuture(null);

  private CompletionStage<Void> purgeNow(ChannelId channelId) {
    operations.add("purge " + channelId);
    ChannelState s = channels.get(channelId);
    if (s == null) {
      return CompletableFuture.failedFuture(new ChannelNotFoundException(channelId));
    }
    if (!s.status().isTerminal()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              "channel " + channelId + " is " + s.status() + ", not terminal"));
    }
    channels.remove(channelId);
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<ImportResult> importFile(
      Path path, boolean car, Optional<String> profile, boolean hidden) {
    operations.add("import " + path + (car ? " car" : ""));
    return CompletableFuture.completedFuture(new ImportResult(cid(path.toString()), 3, 300));
  }

  @Override
  public CompletionStage<ExportResult> export(Cid root, Selector selector, Path out, boolean car) {
    operations.add("export " + root + " " + out);
    return CompletableFuture.completedFuture(new ExportResult(out, 3, 300));
  }

  @Override
  public Optional<JsonNode> voucherJson(TypedVoucher voucher) {
    try {
      return Optional.of(
          new com.fasterxml.jackson.databind.ObjectMapper().readTree(voucher.bytes()));
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  @Override
  public Object voucher(String type, JsonNode value) {
    if (!type.equals("test/voucher")) {
      throw new IllegalArgumentException("unknown voucher type '" + type + "'");
    }
    return value.toString();
  }

  @Override
  public Readiness readiness() {
    return new Readiness(
        Map.of("actor-system", true, "journal", ready, "transport", true),
        ready ? Map.of() : Map.of("journal", "recovering"));
  }

  @Override
  public Optional<io.ferry.engine.wiring.EventHub> localEvents() {
    return hub;
  }

  @Override
  public long eventsEnd() {
    synchronized (journaled) {
      return journaled.stream().mapToLong(JournalEvent::offset).max().orElse(0);
    }
  }

  @Override
  public Source<JournalEvent, NotUsed> journalEvents(long afterOffset, boolean live) {
    return journal.apply(afterOffset, live);
  }

  // ---- Manager ----

  @Override
  public CompletionStage<Void> start() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> stop() {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public <V> void registerVoucherType(VoucherType<V> type, RequestValidator<V> validator) {}

  @Override
  public <V> void registerRevalidator(VoucherType<V> type, Revalidator<V> revalidator) {}

  @Override
  public <R> void registerVoucherResultType(VoucherType<R> type) {}

  @Override
  public CompletionStage<ChannelId> openPushDataChannel(
      PeerId to, Object voucher, Cid baseCid, Selector selector) {
    return open(to, voucher, baseCid, selector, false);
  }

  @Override
  public CompletionStage<ChannelId> openPullDataChannel(
      PeerId to, Object voucher, Cid baseCid, Selector selector) {
    return open(to, voucher, baseCid, selector, true);
  }

  private CompletionStage<ChannelId> open(
      PeerId to, Object voucher, Cid root, Selector selector, boolean pull) {
    operations.add((pull ? "pull " : "push ") + root);
    ChannelId id = new ChannelId(SELF, to, nextTransfer.getAndIncrement());
    lastOpened = id;
    Instant now = Instant.now();
    List<TypedVoucher> vouchers =
        voucher == null
            ? List.of()
            : List.of(new TypedVoucher("test/voucher", voucher.toString().getBytes()));
    ChannelState s =
        new ChannelState(
            id,
            SELF,
            root,
            selector,
            pull ? to : SELF,
            pull ? SELF : to,
            0,
            Status.Requested,
            Counters.NONE,
            0,
            false,
            false,
            false,
            false,
            0,
            "",
            vouchers,
            List.of(),
            now,
            now);
    channels.put(id, s);
    emit(id, EventCode.Open, "", x -> x);
    String outcome = autoOutcome;
    if (outcome.equals("complete")) {
      CompletableFuture.runAsync(() -> completePull(id, 3 << 20, 12));
    } else if (outcome.startsWith("fail:")) {
      String reason = outcome.substring(5);
      CompletableFuture.runAsync(
          () ->
              emit(
                  id,
                  EventCode.Error,
                  reason,
                  x -> withMessage(with(x, Status.Failed, 0, 0), reason)));
    }
    return CompletableFuture.completedFuture(id);
  }

  /** Moves a channel and tells subscribers, as the engine would after persisting an event. */
  ChannelState emit(
      ChannelId id, EventCode code, String message, UnaryOperator<ChannelState> change) {
    ChannelState s = change.apply(channels.get(id));
    channels.put(id, s);
    long seq = sequence.computeIfAbsent(id, k -> new AtomicLong()).incrementAndGet();
    ChannelEvent e = new ChannelEvent(code, message, Instant.now(), seq);
    subscribers.forEach(sub -> sub.onEvent(e, s));
    synchronized (journaled) {
      JournalEvent j = new JournalEvent(journaled.size() + 1, id, e, Optional.of(s.status()));
      journaled.add(j);
      followers.forEach(q -> q.offer(j));
    }
    hub.ifPresent(h -> h.publish(e, s));
    return s;
  }

  /** Runs a pull to completion: accepted, {@code blocks} blocks of {@code bytes} in total, done. */
  public void completePull(ChannelId id, long bytes, long blocks) {
    emit(id, EventCode.Accept, "", s -> with(s, Status.Ongoing, 0, 0));
    emit(
        id,
        EventCode.DataReceivedProgress,
        "",
        s -> with(s, Status.Ongoing, bytes / 2, blocks / 2));
    emit(id, EventCode.DataReceivedProgress, "", s -> with(s, Status.Ongoing, bytes, blocks));
    emit(id, EventCode.FinishTransfer, "", s -> with(s, Status.TransferFinished, bytes, blocks));
    emit(id, EventCode.ResponderCompletes, "", s -> with(s, Status.Completing, bytes, blocks));
    emit(id, EventCode.CleanupComplete, "", s -> with(s, Status.Completed, bytes, blocks));
  }

  static ChannelState with(ChannelState s, Status status, long received, long receivedBlocks) {
    return new ChannelState(
        s.channelId(),
        s.selfPeer(),
        s.baseCid(),
        s.selector(),
        s.sender(),
        s.recipient(),
        s.totalSize(),
        status,
        new Counters(
            new Counters.Count(s.queued(), s.queuedBlocks()),
            new Counters.Count(s.sent(), s.sentBlocks()),
            new Counters.Count(received, receivedBlocks)),
        s.dataLimit(),
        s.requiresFinalization(),
        status == Status.InitiatorPaused,
        s.responderPaused(),
        s.stalled(),
        s.restartAttempts(),
        s.message(),
        s.vouchers(),
        s.voucherResults(),
        s.createdAt(),
        Instant.now());
  }

  static ChannelState withMessage(ChannelState s, String message) {
    return new ChannelState(
        s.channelId(),
        s.selfPeer(),
        s.baseCid(),
        s.selector(),
        s.sender(),
        s.recipient(),
        s.totalSize(),
        s.status(),
        s.counters(),
        s.dataLimit(),
        s.requiresFinalization(),
        s.initiatorPaused(),
        s.responderPaused(),
        s.stalled(),
        s.restartAttempts(),
        message,
        s.vouchers(),
        s.voucherResults(),
        s.createdAt(),
        s.updatedAt());
  }

  private CompletionStage<Void> act(ChannelId id, String op, EventCode code, Status to) {
    operations.add(op + " " + id);
    ChannelState s = channels.get(id);
    if (s == null) {
      return CompletableFuture.failedFuture(new ChannelNotFoundException(id));
    }
    if (s.status().isTerminal()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("channel " + id + " is " + s.status()));
    }
    emit(id, code, "", x -> with(x, to, x.received(), x.receivedBlocks()));
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> sendVoucher(ChannelId channelId, Object voucher) {
    return act(
        channelId,
        "voucher",
        EventCode.NewVoucher,
        channels.containsKey(channelId) ? channels.get(channelId).status() : Status.Ongoing);
  }

  @Override
  public CompletionStage<Void> closeDataTransferChannel(ChannelId channelId) {
    return act(channelId, "cancel", EventCode.Cancel, Status.Cancelled);
  }

  @Override
  public CompletionStage<Void> pauseDataTransferChannel(ChannelId channelId) {
    return act(channelId, "pause", EventCode.PauseInitiator, Status.InitiatorPaused);
  }

  @Override
  public CompletionStage<Void> resumeDataTransferChannel(ChannelId channelId) {
    return act(channelId, "resume", EventCode.ResumeInitiator, Status.Ongoing);
  }

  @Override
  public CompletionStage<RestartOutcome> restartDataTransferChannel(ChannelId channelId) {
    ChannelState s = channels.get(channelId);
    if (s != null && s.status().isTerminal()) {
      operations.add("restart " + channelId);
      return CompletableFuture.completedFuture(new RestartOutcome.Ended(s.status()));
    }
    if (restartUnderWay && s != null) {
      operations.add("restart " + channelId);
      return CompletableFuture.completedFuture(new RestartOutcome.AlreadyUnderWay());
    }
    if (silentRestart && s != null) {
      operations.add("restart " + channelId);
      return CompletableFuture.completedFuture(new RestartOutcome.RequestSent());
    }
    return act(channelId, "restart", EventCode.Restart, Status.Ongoing)
        .thenApply(v -> new RestartOutcome.RequestSent());
  }

  @Override
  public CompletionStage<Status> transferChannelStatus(ChannelId channelId) {
    ChannelState s = channels.get(channelId);
    return CompletableFuture.completedFuture(s == null ? Status.ChannelNotFoundError : s.status());
  }

  @Override
  public CompletionStage<ChannelState> channelState(ChannelId channelId) {
    channelReads.incrementAndGet();
    ChannelState s = channels.get(channelId);
    return s == null
        ? CompletableFuture.failedFuture(new ChannelNotFoundException(channelId))
        : CompletableFuture.completedFuture(s);
  }

  @Override
  public CompletionStage<Map<ChannelId, ChannelState>> inProgressChannels() {
    Map<ChannelId, ChannelState> m = new TreeMap<>((a, b) -> a.toString().compareTo(b.toString()));
    channels.forEach(
        (k, v) -> {
          if (!v.status().isTerminal()) {
            m.put(k, v);
          }
        });
    return CompletableFuture.completedFuture(m);
  }

  @Override
  public Unsubscribe subscribeToEvents(Subscriber subscriber) {
    subscribers.add(subscriber);
    return () -> subscribers.remove(subscriber);
  }

  @Override
  public Source<Pair<ChannelEvent, ChannelState>, NotUsed> events() {
    throw new UnsupportedOperationException("not used by the API");
  }

  /** Operations recorded so far, for checks that a refused request did nothing. */
  public List<String> operations() {
    return new ArrayList<>(operations);
  }

  public Optional<ChannelState> state(ChannelId id) {
    return Optional.ofNullable(channels.get(id));
  }
}
