package io.ferry.validators.paid;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import io.ferry.channels.Subscriber;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.spi.ValidatorContext;
import io.ferry.validators.VoucherCodec;
import io.ferry.validators.paid.RetrievalPayment.PaymentClaim;
import io.ferry.validators.signed.SignedVoucher;
import io.ferry.validators.signed.VoucherSigner;
import java.io.Closeable;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The initiator's side of paid retrieval: pays the responder automatically from a budget, as LBRY's
 * wallet does (reserve before the service, spend after it, cancel what was not used).
 *
 * <ol>
 *   <li>{@link #begin} reserves the expected cost of a channel (or refuses with {@link
 *       PaymentOutcome.InsufficientFunds}).
 *   <li>When a voucher result asks for payment ({@link #onVoucherResult}), the client checks the
 *       amount against the data actually received (it does not pay for bytes it does not have; it
 *       waits for them, see {@link #onDataReceived}; the one exception is data lost in a restart,
 *       see {@link #onRestart}), tops up the reservation if the budget allows (else stops with
 *       {@link PaymentOutcome.InsufficientFunds}), records the voucher with a fresh nonce and sends
 *       a signed voucher for the cumulative amount.
 *   <li>As data arrives it is paid for ahead of any request ({@link #payAhead}, see {@link
 *       PayAhead}), so that a responder granting ahead never stops the data; requests at the
 *       responder's limit remain the fallback.
 *   <li>Every result reports what the responder has received; that much counts as spent.
 *   <li>{@link #onChannelEnded} makes what was signed final and releases the rest.
 * </ol>
 *
 * Everything it decides is in its {@link ClientLedger} before it acts. Outcomes are returned and
 * also handed to the listener given at construction (the node cancels a channel on insufficient
 * funds and logs the rest).
 */
public final class PaymentClient implements Closeable {
  /** How long a signed payment voucher stays valid unless told otherwise. */
  public static final Duration DEFAULT_VOUCHER_VALIDITY = Duration.ofMinutes(10);

  /** A payment request that waits for data, or for {@link #begin}. */
  private record Pending(RetrievalResult request, long received) {}

  private final ClientLedger ledger;
  private final VoucherSigner signer;
  private final VoucherSender sender;
  private final Consumer<PaymentOutcome> listener;
  private final VoucherCodec codec = VoucherCodec.standard();
  private final Map<ChannelId, Pending> pending = new ConcurrentHashMap<>();

  /**
   * Per channel, the cumulative amount of the last voucher this process sent and the responder has
   * not confirmed yet. A request for no more than that is not paid again: the responder asked twice
   * (at its data limit and again on completion) before the voucher reached it.
   */
  private final Map<ChannelId, Long> inFlight = new ConcurrentHashMap<>();

  /** Requests answered by a voucher in flight; paid after all if that voucher is lost. */
  private final Map<ChannelId, Deferred> deferred = new ConcurrentHashMap<>();

  private record Deferred(RetrievalResult request, long received) {}

  /**
   * Channels that restarted since their last payment. Blocks the responder sent, and charged for,
   * may have been lost with the old connection; a responder paused for payment sends them again
   * only once paid, so waiting for them would stall the channel for good. After a restart, one
   * request is paid although the data it covers has not all arrived, provided the shortfall costs
   * no more than the payment interval in progress (what can have been in flight).
   */
  private final Set<ChannelId> restarted = ConcurrentHashMap.newKeySet();

  private volatile boolean payingAhead = true;

  public PaymentClient(
      ClientLedger ledger,
      VoucherSigner signer,
      VoucherSender sender,
      Consumer<PaymentOutcome> listener) {
    this.ledger = ledger;
    this.signer = signer;
    this.sender = sender;
    this.listener = listener;
  }

  /** A client keeping its ledger in {@code directory}, signing with the node's key. */
  public static PaymentClient open(
      Path directory,
      ValidatorContext context,
      VoucherSender sender,
      Clock clock,
      Consumer<PaymentOutcome> listener) {
    return new PaymentClient(
        ClientLedger.open(directory),
        VoucherSigner.of(context, clock, DEFAULT_VOUCHER_VALIDITY),
        sender,
        listener);
  }

  /** The budget right now. */
  public Balance balance() {
    return ledger.balance();
  }

  /** The account of a channel, if payments began for it. */
  public Optional<ClientAccount> account(ChannelId channelId) {
    return ledger.account(channelId);
  }

  /**
   * The channels being paid for that have not ended, as the ledger has them: after a restart, the
   * node checks each against its channels (one that ended while the node was down is settled with
   * {@link #onChannelEnded}).
   */
  public Set<ChannelId> runningChannels() {
    return ledger.runningChannels();
  }

  /** Raises the budget to {@code total} (e.g. the configured budget at start; never lowers it). */
  public void depositUpTo(long total) {
    ledger.depositUpTo(total);
  }

  /**
   * Starts paying for {@code channelId} on {@code terms}, reserving the cost of {@code
   * expectedBytes} (0 when unknown: only the unseal price is reserved, the rest as requests come).
   */
  public PaymentOutcome begin(ChannelId channelId, PaidRetrievalTerms terms, long expectedBytes) {
    PaymentOutcome outcome;
    synchronized (this) {
      Optional<ClientAccount> existing = ledger.account(channelId);
      if (existing.isPresent()) {
        return report(new PaymentOutcome.Ignored(channelId, "payments already began"));
      }
      long estimate = terms.owedFor(Math.max(0, expectedBytes));
      ClientLedger.Reservation r = ledger.beginIfAvailable(channelId, terms, estimate);
      if (!r.made()) {
        return report(new PaymentOutcome.InsufficientFunds(channelId, estimate, 0, r.available()));
      }
      outcome = report(new PaymentOutcome.Reserved(channelId, estimate));
    }
    Pending early = pending.remove(channelId);
    if (early != null) {
      pay(channelId, early.request(), early.received());
    }
    return outcome;
  }

  /** A voucher result arrived on a channel this node initiated. */
  public CompletionStage<PaymentOutcome> onVoucherResult(
      ChannelId channelId, Object result, ChannelState state) {
    if (!(result instanceof RetrievalResult answer)) {
      return done(report(new PaymentOutcome.Ignored(channelId, "not a paid-retrieval result")));
    }
    if (answer.kind() == RetrievalResult.Kind.REFUSED) {
      return done(report(new PaymentOutcome.Refused(channelId, answer.reason())));
    }
    Optional<PaymentOutcome> acknowledged = acknowledge(channelId, answer.received());
    if (answer.asksForPayment()) {
      return pay(channelId, answer, state.received());
    }
    return done(
        acknowledged.orElseGet(
            () -> report(new PaymentOutcome.Ignored(channelId, answer.kind() + ": nothing due"))));
  }

  /** More data arrived: pays a request that was waiting for it. */
  public CompletionStage<PaymentOutcome> onDataReceived(ChannelId channelId, ChannelState state) {
    Pending waiting = pending.get(channelId);
    if (waiting == null) {
      return done(new PaymentOutcome.Ignored(channelId, "no payment waits for data"));
    }
    return pay(channelId, waiting.request(), state.received());
  }

  /** Whether {@link #subscriber} pays ahead of requests (on by default). */
  public void payAheadOfRequests(boolean on) {
    payingAhead = on;
  }

  /**
   * Data arrived: pays for it ahead of the responder's request when {@link PayAhead} says so, with
   * no voucher in flight and no request waiting (those are paid as before).
   */
  public CompletionStage<PaymentOutcome> payAhead(ChannelId channelId, ChannelState state) {
    Optional<ClientAccount> account = ledger.account(channelId);
    if (account.isEmpty()
        || account.get().ended()
        || inFlight.containsKey(channelId)
        || pending.containsKey(channelId)
        || !PayAhead.due(account.get().terms(), account.get().issued(), state.received())) {
      return done(new PaymentOutcome.Ignored(channelId, "nothing to pay ahead"));
    }
    long owed = account.get().terms().owedFor(state.received());
    RetrievalResult ahead =
        new RetrievalResult(
            RetrievalResult.Kind.PAYMENT_DUE, owed, account.get().issued(), 0, "pay ahead", null);
    return pay(channelId, ahead, state.received());
  }

  /**
   * The channel restarted or lost its connection: a voucher in flight may never have arrived. A
   * request that was set aside because of it is paid now (a re-signed voucher for the same
   * cumulative amount costs nothing).
   */
  public CompletionStage<PaymentOutcome> onVoucherMayBeLost(
      ChannelId channelId, ChannelState state) {
    inFlight.remove(channelId);
    Deferred waiting = deferred.remove(channelId);
    if (waiting == null) {
      return done(new PaymentOutcome.Ignored(channelId, "no voucher in flight"));
    }
    return pay(channelId, waiting.request(), Math.max(waiting.received(), state.received()));
  }

  /** The channel ended: what was signed is final, the rest of its reservation is released. */
  public synchronized PaymentOutcome onChannelEnded(ChannelId channelId, Status status) {
    pending.remove(channelId);
    inFlight.remove(channelId);
    deferred.remove(channelId);
    restarted.remove(channelId);
    Optional<ClientAccount> before = ledger.account(channelId);
    if (before.isEmpty() || before.get().ended()) {
      return new PaymentOutcome.Ignored(channelId, "no running paid channel");
    }
    ClientAccount after = ledger.end(channelId, status);
    return report(
        new PaymentOutcome.Settled(
            channelId, status, after.spent(), before.get().held() - after.held()));
  }

  private synchronized Optional<PaymentOutcome> acknowledge(ChannelId channelId, long received) {
    Optional<ClientAccount> account = ledger.account(channelId);
    if (account.isEmpty() || account.get().ended()) {
      return Optional.empty();
    }
    long confirmed = Math.min(received, account.get().issued());
    inFlight.computeIfPresent(channelId, (id, amount) -> amount <= received ? null : amount);
    deferred.computeIfPresent(channelId, (id, d) -> d.request().owed() <= received ? null : d);
    if (confirmed <= account.get().acknowledged()) {
      return Optional.empty();
    }
    ledger.acknowledge(channelId, confirmed);
    return Optional.of(report(new PaymentOutcome.Acknowledged(channelId, confirmed)));
  }

  /**
   * Whether the part of {@code request} that the data received does not cover can be data lost in a
   * restart: the channel restarted since its last payment and the shortfall costs no more than the
   * interval in progress. Consumes the restart (one such payment per restart).
   */
  private boolean lostInRestart(
      ChannelId channelId, ClientAccount account, RetrievalResult request, long payable) {
    if (!restarted.contains(channelId)) {
      return false;
    }
    PaidRetrievalTerms terms = account.terms();
    long inProgress = Math.multiplyExact(terms.pricePerByte(), terms.interval(account.vouchers()));
    if (request.owed() - payable > inProgress) {
      return false;
    }
    restarted.remove(channelId);
    return true;
  }

  /**
   * The channel restarted: a voucher in flight may be lost (see {@link #onVoucherMayBeLost}), and
   * so may blocks the responder sent; a request waiting for those blocks is paid now if the
   * shortfall fits in the interval in progress (see {@link #lostInRestart}).
   */
  public CompletionStage<PaymentOutcome> onRestart(ChannelId channelId, ChannelState state) {
    restarted.add(channelId);
    CompletionStage<PaymentOutcome> resent = onVoucherMayBeLost(channelId, state);
    Pending waiting = pending.get(channelId);
    if (waiting == null) {
      return resent;
    }
    return resent.thenCompose(
        r -> pay(channelId, waiting.request(), Math.max(waiting.received(), state.received())));
  }

  private CompletionStage<PaymentOutcome> pay(
      ChannelId channelId, RetrievalResult request, long received) {
    long nonce;
    long cumulative;
    long increment;
    SignedVoucher voucher;
    synchronized (this) {
      Optional<ClientAccount> found = ledger.account(channelId);
      if (found.isEmpty()) {
        pending.put(channelId, new Pending(request, received));
        return done(
            report(new PaymentOutcome.Ignored(channelId, "payments not begun; request kept")));
      }
      ClientAccount account = found.get();
      if (account.ended()) {
        pending.remove(channelId);
        return done(report(new PaymentOutcome.Ignored(channelId, "channel ended")));
      }
      long payable = account.terms().owedFor(received);
      if (request.owed() > payable && !lostInRestart(channelId, account, request, payable)) {
        pending.put(channelId, new Pending(request, received));
        return done(report(new PaymentOutcome.AwaitingData(channelId, request.owed(), payable)));
      }
      pending.remove(channelId);
      restarted.remove(channelId);
      Long onItsWay = inFlight.get(channelId);
      if (onItsWay != null && request.owed() <= onItsWay) {
        deferred.put(channelId, new Deferred(request, received));
        return done(
            report(
                new PaymentOutcome.Ignored(
                    channelId, "a voucher for " + onItsWay + " is already on its way")));
      }
      cumulative = Math.max(request.owed(), account.issued());
      long needed = cumulative - account.held();
      if (needed > 0) {
        ClientLedger.Reservation r = ledger.reserveIfAvailable(channelId, needed);
        if (!r.made()) {
          return done(
              report(
                  new PaymentOutcome.InsufficientFunds(
                      channelId, request.owed(), account.issued(), r.available())));
        }
      }
      increment = cumulative - account.issued();
      nonce = ledger.issue(channelId, cumulative);
      inFlight.put(channelId, cumulative);
      deferred.remove(channelId);
      voucher =
          signer.sign(
              RetrievalPayment.KIND, channelId, nonce, codec.encode(new PaymentClaim(cumulative)));
    }
    CompletionStage<Void> sent;
    try {
      sent = sender.sendVoucher(channelId, new RetrievalPayment(voucher));
    } catch (RuntimeException e) {
      sent = CompletableFuture.failedFuture(e);
    }
    return sent.handle(
        (ok, error) -> {
          if (error == null) {
            return report(new PaymentOutcome.Paid(channelId, nonce, cumulative, increment));
          }
          inFlight.remove(channelId, cumulative);
          return report(new PaymentOutcome.SendFailed(channelId, nonce, String.valueOf(error)));
        });
  }

  /**
   * A channel subscriber that drives this client from the node's events: voucher results of paid
   * retrieval (decoded with {@code decoder}, usually the registry's), data arriving for a waiting
   * request, restarts and lost connections (a voucher in flight may be lost), and channels ending.
   */
  public Subscriber subscriber(Function<TypedVoucher, Object> decoder) {
    return (event, state) -> {
      if (!state.isInitiator()) {
        return;
      }
      ChannelId channelId = state.channelId();
      if (event.code() == EventCode.NewVoucherResult) {
        state
            .lastVoucherResult()
            .filter(r -> r.type().equals(PaidRetrievalTypes.RESULT.id()))
            .ifPresent(r -> onVoucherResult(channelId, decodeOrNull(decoder, r), state));
      } else if (pending.containsKey(channelId)
          && (event.code() == EventCode.DataReceived
              || event.code() == EventCode.DataReceivedProgress)) {
        onDataReceived(channelId, state);
      } else if (payingAhead && event.code() == EventCode.DataReceivedProgress) {
        payAhead(channelId, state);
      } else if (event.code() == EventCode.Restart) {
        onRestart(channelId, state);
      } else if (event.code() == EventCode.Disconnected) {
        onVoucherMayBeLost(channelId, state);
      }
      if (state.status().isTerminal()) {
        onChannelEnded(channelId, state.status());
      }
    };
  }

  private static Object decodeOrNull(Function<TypedVoucher, Object> decoder, TypedVoucher v) {
    try {
      return decoder.apply(v);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private PaymentOutcome report(PaymentOutcome outcome) {
    try {
      listener.accept(outcome);
    } catch (RuntimeException ignored) {
      // a failing listener must not undo a payment decision already on disk
    }
    return outcome;
  }

  private static CompletionStage<PaymentOutcome> done(PaymentOutcome outcome) {
    return CompletableFuture.completedFuture(outcome);
  }

  @Override
  public void close() {
    ledger.close();
  }
}
