package io.ferry.server.payments;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;

/**
 * How a node pays for the paid retrievals it pulls: the {@code ferry.payments} keys.
 *
 * @param budget everything the node may ever spend on paid pulls, in the smallest currency unit;
 *     kept in the client ledger, so raising it adds the difference and lowering it takes nothing
 *     back. 0: the node pays nothing and {@link AutoPayer} is not started
 * @param voucherValidity how long a signed payment voucher stays valid; a responder refuses it
 *     after that
 * @param payAhead whether to pay for data as it arrives, before the responder stops at its limit
 *     and asks (pay as you go); when off, only requests are paid
 */
public record PaymentSettings(long budget, Duration voucherValidity, boolean payAhead) {
  /** Where the keys live in the node's configuration. */
  public static final String PATH = "ferry.payments";

  /** Where an early draft of the docs put the budget; refused so that it is not silently lost. */
  static final String LEGACY_BUDGET = "ferry.validators.settings.paid-retrieval.budget";

  public PaymentSettings {
    if (budget < 0) {
      throw new IllegalArgumentException(PATH + ".budget must be >= 0, was " + budget);
    }
    if (voucherValidity == null || voucherValidity.isNegative() || voucherValidity.isZero()) {
      throw new IllegalArgumentException(
          PATH + ".voucher-validity must be positive, was " + voucherValidity);
    }
  }

  /** Paying ahead. */
  public PaymentSettings(long budget, Duration voucherValidity) {
    this(budget, voucherValidity, true);
  }

  /** No budget: the node pays for nothing. */
  public static PaymentSettings none() {
    return new PaymentSettings(0, Duration.ofMinutes(10));
  }

  /** A budget, with vouchers valid for 10 minutes. */
  public static PaymentSettings withBudget(long budget) {
    return new PaymentSettings(budget, Duration.ofMinutes(10));
  }

  /**
   * Reads {@code ferry.payments} from a node's configuration (the node's {@code reference.conf}
   * supplies what {@code config} lacks).
   *
   * @throws IllegalArgumentException naming the key when a value is missing, of the wrong kind or
   *     out of range
   */
  public static PaymentSettings from(Config config) {
    if (config.hasPath(LEGACY_BUDGET)) {
      throw new IllegalArgumentException(
          LEGACY_BUDGET + " is not read any more: set " + PATH + ".budget instead");
    }
    Config c = config.withFallback(ConfigFactory.defaultReference()).resolve().getConfig(PATH);
    try {
      return new PaymentSettings(
          c.getLong("budget"), c.getDuration("voucher-validity"), c.getBoolean("pay-ahead"));
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }

  /** Whether the node pays at all. */
  public boolean enabled() {
    return budget > 0;
  }
}
