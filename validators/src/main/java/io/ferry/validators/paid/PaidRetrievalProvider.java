package io.ferry.validators.paid;

import io.ferry.channels.spi.ValidatorContext;
import io.ferry.channels.spi.ValidatorProvider;
import io.ferry.channels.spi.ValidatorRegistrar;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Ferry's built-in paid-retrieval plug-in (name {@code paid-retrieval}). Always registers the three
 * paid-retrieval types, so a node can pay as a client; sells retrievals only when {@code
 * price-per-byte} is configured, with {@code payment-interval} (default 1048576 bytes), {@code
 * payment-interval-increase} (default 1048576) and {@code unseal-price} (default 0); {@code
 * credit-per-peer} bounds the bytes one peer may hold unpaid across all its channels (default 16
 * MiB or four intervals, see {@link PeerCredit}) and {@code largest-block} is the largest block the
 * node serves (default 1 MiB). Its ledger lives in the plug-in's data directory (in a cluster, in
 * the database the members share) and is closed by {@link #close}. The client side ({@link
 * PaymentClient}) is wired by the node (its budget is the node's {@code ferry.payments.budget}).
 */
public final class PaidRetrievalProvider implements ValidatorProvider {
  /** The plug-in's name, and the prefix of its settings. */
  public static final String NAME = "paid-retrieval";

  static final long DEFAULT_INTERVAL = 1 << 20;

  /** The ledgers {@link #register} opened, closed by {@link #close}. */
  private final List<ResponderLedger> ledgers = new CopyOnWriteArrayList<>();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public void register(ValidatorRegistrar registrar, ValidatorContext context) {
    if (context.dataDirectory() == null && context.sharedDatabase() == null) {
      throw new IllegalArgumentException("paid retrieval needs a data directory for its ledger");
    }
    Optional<PaidRetrievalTerms> asking = askingTerms(context.settings());
    // A cluster's members share one ledger, so a paid channel that moves keeps its payments.
    ResponderLedger ledger =
        context
            .shared()
            .map(ResponderLedger::shared)
            .orElseGet(() -> ResponderLedger.open(context.dataDirectory()));
    ledgers.add(ledger);
    PaidRetrievalValidator validator =
        new PaidRetrievalValidator(
            context.self(),
            asking,
            credit(context.settings()),
            ledger,
            Clock.systemUTC(),
            registrar.updates());
    registrar.registerVoucherType(PaidRetrievalTypes.PROPOSAL, validator);
    registrar.registerRevalidator(PaidRetrievalTypes.PAYMENT, validator);
    registrar.registerVoucherResultType(PaidRetrievalTypes.RESULT);
  }

  /** Closes the responder ledger's journal; the node calls this after its channels stopped. */
  @Override
  public void close() {
    for (ResponderLedger ledger : ledgers) {
      ledgers.remove(ledger);
      ledger.close();
    }
  }

  /** The terms this node sells at, from its settings; empty when no price is configured. */
  static Optional<PaidRetrievalTerms> askingTerms(Map<String, String> settings) {
    if (!settings.containsKey("price-per-byte")) {
      return Optional.empty();
    }
    PaidRetrievalTerms terms =
        new PaidRetrievalTerms(
            number(settings, "price-per-byte", 0),
            number(settings, "payment-interval", DEFAULT_INTERVAL),
            number(settings, "payment-interval-increase", DEFAULT_INTERVAL),
            number(settings, "unseal-price", 0));
    Optional<String> uncountable = terms.uncountable();
    if (uncountable.isPresent()) {
      throw new IllegalArgumentException(
          "settings " + NAME + ": price-per-byte and payment-interval: " + uncountable.get());
    }
    return Optional.of(terms);
  }

  /** How much credit one peer gets, from the settings. */
  static PeerCredit credit(Map<String, String> settings) {
    long interval = number(settings, "payment-interval", DEFAULT_INTERVAL);
    PeerCredit defaults = PeerCredit.defaultFor(interval);
    try {
      return new PeerCredit(
          number(settings, "credit-per-peer", defaults.perPeer()),
          number(settings, "largest-block", defaults.largestBlock()));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("settings " + NAME + ": " + e.getMessage(), e);
    }
  }

  private static long number(Map<String, String> settings, String key, long fallback) {
    String text = settings.get(key);
    if (text == null) {
      return fallback;
    }
    try {
      return Long.parseLong(text.strip().replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "setting " + NAME + "." + key + " must be a whole number, was '" + text + "'");
    }
  }
}
