package io.ferry.server.payments;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelNotFoundException;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.Subscriber;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.Unsubscribe;
import io.ferry.channels.spi.ValidatorContext;
import io.ferry.engine.Manager;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import io.ferry.validators.VoucherCodec;
import io.ferry.validators.paid.Balance;
import io.ferry.validators.paid.ClientAccount;
import io.ferry.validators.paid.ClientLedger;
import io.ferry.validators.paid.PaidRetrievalProvider;
import io.ferry.validators.paid.PaidRetrievalTerms;
import io.ferry.validators.paid.PaidRetrievalTypes;
import io.ferry.validators.paid.PaymentClient;
import io.ferry.validators.paid.PaymentOutcome;
import io.ferry.validators.paid.RetrievalProposal;
import io.ferry.validators.paid.RetrievalResult;
import io.ferry.validators.paid.VoucherSender;
import io.ferry.validators.signed.VoucherSigner;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pays for the paid pulls a node opens, automatically, from the budget in {@code ferry.payments}.
 *
 * <p>It is a {@link PaymentClient} (the validators module's reserve / spend / release wallet, its
 * ledger in {@code <validators data>/paid-retrieval/client.journal}) driven by the node's channel
 * events:
 *
 * <ul>
 *   <li>a pull this node opened with a {@link RetrievalProposal} voucher is a paid channel: its
 *       first event begins the account (reserving what {@link #openPaidPull} was told to expect);
 *   <li>every paid-retrieval voucher result from the responder is decoded; a payment request is
 *       paid with a signed voucher sent through {@link Manager#sendVoucher} once the data it covers
 *       has arrived, and the amounts the responder confirms count as spent;
 *   <li>a channel that ends (completed, failed, cancelled) makes what was signed final and releases
 *       the rest of its reservation;
 *   <li>when the budget cannot cover a request, the channel is cancelled with the message {@code
 *       insufficient funds: owed X, budget left Y}.
 * </ul>
 *
 * Attach it before the node starts (so it hears the restarts of channels the node resumes) and call
 * {@link #reconcile} after: a channel that ended while the node was down is settled then.
 */
public final class AutoPayer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AutoPayer.class);

  private final Manager node;
  private final PaymentClient client;
  private final VoucherCodec codec = VoucherCodec.standard();
  private final Map<Expectation, Long> expectations = new ConcurrentHashMap<>();
  private final Map<ChannelId, PaymentOutcome> outcomes = new ConcurrentHashMap<>();
  private final List<Consumer<PaymentOutcome>> listeners = new CopyOnWriteArrayList<>();
  private final Unsubscribe subscription;
  private volatile boolean closed;

  /** A pull about to be opened, whose expected size is reserved when its channel appears. */
  private record Expectation(PeerId responder, Cid root) {}

  private AutoPayer(
      Manager node,
      ValidatorContext context,
      PaymentSettings settings,
      Clock clock,
      UnaryOperator<VoucherSender> senderWrapper) {
    this.node = node;
    Path directory = context.dataDirectory().resolve(PaidRetrievalProvider.NAME);
    VoucherSender sender = senderWrapper.apply(this::send);
    // A cluster's members share one client ledger: one budget, nonces that carry on.
    ClientLedger ledger =
        context.shared().map(ClientLedger::shared).orElseGet(() -> ClientLedger.open(directory));
    this.client =
        new PaymentClient(
            ledger,
            VoucherSigner.of(context, clock, settings.voucherValidity()),
            sender,
            this::onOutcome);
    client.depositUpTo(settings.budget());
    client.payAheadOfRequests(settings.payAhead());
    Subscriber payments = client.subscriber(this::decodeResult);
    this.subscription = node.subscribeToEvents((event, state) -> onEvent(payments, event, state));
  }

  /**
   * Starts paying for {@code node}'s paid pulls.
   *
   * @param node the node, not started yet (or its first events are missed)
   * @param context the node's validator context: its peer ID, signer and validators data directory
   *     ({@code <home>/validators}; the ledger goes into its {@code paid-retrieval} directory)
   * @param settings the budget and voucher validity
   * @param clock stamps the vouchers' expiry
   * @throws IllegalArgumentException when the settings have no budget
   */
  public static AutoPayer attach(
      Manager node, ValidatorContext context, PaymentSettings settings, Clock clock) {
    return attach(node, context, settings, clock, UnaryOperator.identity());
  }

  /** As {@link #attach(Manager, ValidatorContext, PaymentSettings, Clock)}, for tests. */
  static AutoPayer attach(
      Manager node,
      ValidatorContext context,
      PaymentSettings settings,
      Clock clock,
      UnaryOperator<VoucherSender> senderWrapper) {
    if (!settings.enabled()) {
      throw new IllegalArgumentException(
          "the node has no payment budget (" + PaymentSettings.PATH + ".budget is 0)");
    }
    if (context.dataDirectory() == null) {
      throw new IllegalArgumentException("the payment ledger needs a data directory");
    }
    return new AutoPayer(node, context, settings, clock, senderWrapper);
  }

  // ---- what the node's users call ----

  /**
   * Opens a paid pull of the DAG under {@code root} from {@code responder} on {@code terms},
   * reserving the cost of {@code expectedBytes} from the budget first (0 when unknown: the budget
   * is then drawn on as the responder asks). Fails without opening a channel when the budget cannot
   * cover the expected cost.
   */
  public CompletionStage<ChannelId> openPaidPull(
      PeerId responder, PaidRetrievalTerms terms, Cid root, Selector selector, long expectedBytes) {
    long estimate = terms.owedFor(Math.max(0, expectedBytes));
    long available = client.balance().available();
    if (estimate > available) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(
              insufficient(estimate, available)
                  + " (the expected "
                  + expectedBytes
                  + " bytes were not opened)"));
    }
    Expectation key = new Expectation(responder, root);
    expectations.put(key, Math.max(0, expectedBytes));
    // The channel's first event takes the expectation (beginIfNew). It may arrive after the open
    // completes, so only a failed open drops it here: dropping it on success too left a channel
    // whose event came late with the unseal price reserved and nothing for the file.
    return node.openPullDataChannel(responder, new RetrievalProposal(terms), root, selector)
        .whenComplete(
            (id, error) -> {
              if (error != null) {
                expectations.remove(key);
              }
            });
  }

  /** The budget right now: deposited, reserved, spent and available. */
  public Balance balance() {
    return client.balance();
  }

  /** The client's account of a paid channel, if payments began for it. */
  public Optional<ClientAccount> account(ChannelId channelId) {
    return client.account(channelId);
  }

  /** The last thing the payer did about a channel (paid, waiting for data, out of funds...). */
  public Optional<PaymentOutcome> lastOutcome(ChannelId channelId) {
    return Optional.ofNullable(outcomes.get(channelId));
  }

  /** Calls {@code listener} with every payment outcome from now on (on the payer's thread). */
  public void onOutcome(Consumer<PaymentOutcome> listener) {
    listeners.add(listener);
  }

  /**
   * Settles every account whose channel ended while the node was not listening (a crash between the
   * channel's end and the ledger's). Call after the node started. Completes with the channels it
   * settled.
   */
  public CompletionStage<List<ChannelId>> reconcile() {
    List<CompletableFuture<Optional<ChannelId>>> checks = new ArrayList<>();
    for (ChannelId id : client.runningChannels()) {
      checks.add(
          node.channelState(id)
              .handle(
                  (state, error) -> {
                    if (state != null && state.status().isTerminal()) {
                      client.onChannelEnded(id, state.status());
                      return Optional.of(id);
                    }
                    if (error != null && !(unwrap(error) instanceof ChannelNotFoundException)) {
                      log.warn("cannot check paid channel {}: {}", id, unwrap(error).toString());
                    }
                    return Optional.<ChannelId>empty();
                  })
              .toCompletableFuture());
    }
    return CompletableFuture.allOf(checks.toArray(new CompletableFuture<?>[0]))
        .thenApply(all -> checks.stream().flatMap(c -> c.join().stream()).toList());
  }

  /** Stops following the node's events and closes the ledger. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    subscription.unsubscribe();
    synchronized (client) {
      client.close();
    }
  }

  // ---- events ----

  private void onEvent(Subscriber payments, ChannelEvent event, ChannelState state) {
    if (closed || !isPaidPull(state)) {
      return;
    }
    try {
      beginIfNew(state);
      payments.onEvent(event, state);
    } catch (RuntimeException e) {
      if (!closed) {
        log.error("payment for {} failed on {}: {}", state.channelId(), event.code(), e.toString());
      }
    }
  }

  /** A pull this node opened with a paid-retrieval proposal. */
  private static boolean isPaidPull(ChannelState state) {
    return state.isInitiator()
        && state.isPull()
        && PaidRetrievalTypes.PROPOSAL.id().equals(state.voucher().type());
  }

  private void beginIfNew(ChannelState state) {
    ChannelId id = state.channelId();
    if (state.status().isTerminal() || client.account(id).isPresent()) {
      return;
    }
    PaidRetrievalTerms terms;
    try {
      terms = codec.decode(state.voucher().bytes(), RetrievalProposal.class).terms();
    } catch (RuntimeException e) {
      log.warn("paid pull {} carries an unreadable proposal: {}", id, e.getMessage());
      return;
    }
    Long expected = expectations.remove(new Expectation(id.responder(), state.baseCid()));
    client.begin(id, terms, expected == null ? 0 : expected);
  }

  private Object decodeResult(TypedVoucher result) {
    return codec.decode(result.bytes(), RetrievalResult.class);
  }

  private CompletionStage<Void> send(ChannelId channelId, Object payment) {
    return node.sendVoucher(
        channelId, new TypedVoucher(PaidRetrievalTypes.PAYMENT.id(), codec.encode(payment)));
  }

  // ---- outcomes ----

  private void onOutcome(PaymentOutcome outcome) {
    outcomes.put(outcome.channelId(), outcome);
    if (outcome instanceof PaymentOutcome.InsufficientFunds f) {
      stopForLackOfFunds(f);
    } else if (outcome instanceof PaymentOutcome.Paid p) {
      log.debug("paid {} in all on {} (voucher {})", p.cumulative(), p.channelId(), p.nonce());
    } else if (outcome instanceof PaymentOutcome.Refused r) {
      log.warn("the responder refused payment on {}: {}", r.channelId(), r.reason());
    } else if (outcome instanceof PaymentOutcome.SendFailed s) {
      log.warn("payment voucher {} for {} was not sent: {}", s.nonce(), s.channelId(), s.error());
    } else if (outcome instanceof PaymentOutcome.Settled s) {
      log.info(
          "paid channel {} ended {}: spent {}, released {}",
          s.channelId(),
          s.status(),
          s.spent(),
          s.released());
    }
    for (Consumer<PaymentOutcome> listener : listeners) {
      try {
        listener.accept(outcome);
      } catch (RuntimeException e) {
        log.warn("a payment listener failed: {}", e.toString());
      }
    }
  }

  /** Cancels a channel the budget cannot pay for, saying how much was owed and what was left. */
  private void stopForLackOfFunds(PaymentOutcome.InsufficientFunds f) {
    Optional<ClientAccount> account = client.account(f.channelId());
    long unusedReservation = account.map(a -> Math.max(0, a.held() - a.issued())).orElse(0L);
    String reason =
        insufficient(f.owed() - f.paid(), f.available() + unusedReservation)
            + " ("
            + f.owed()
            + " owed in all, "
            + f.paid()
            + " paid)";
    log.warn("cancelling {}: {}", f.channelId(), reason);
    node.closeDataTransferChannel(f.channelId(), reason)
        .whenComplete(
            (ok, error) -> {
              if (error != null) {
                log.warn("could not cancel {}: {}", f.channelId(), unwrap(error).toString());
              }
            });
  }

  /** The message of a channel stopped for lack of funds: what it still owes, what is left. */
  static String insufficient(long owed, long left) {
    return "insufficient funds: owed " + owed + ", budget left " + left;
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null
        ? error.getCause()
        : error;
  }
}
