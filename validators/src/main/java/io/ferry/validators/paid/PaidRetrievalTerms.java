package io.ferry.validators.paid;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a paid retrieval costs. Amounts are whole numbers of the smallest currency unit (as
 * attoFIL); nothing is ever rounded.
 *
 * @param pricePerByte the price of each byte sent
 * @param paymentInterval bytes sent before the first payment is due
 * @param paymentIntervalIncrease how much each following interval is longer than the one before
 *     (intervals of 1000 growing by 1000 ask for payment after 1000, 3000, 6000, 10000... bytes)
 * @param unsealPrice paid up front, before any data moves; 0 when nothing needs unsealing
 */
public record PaidRetrievalTerms(
    long pricePerByte, long paymentInterval, long paymentIntervalIncrease, long unsealPrice) {

  public PaidRetrievalTerms {
    if (pricePerByte < 0) {
      throw new IllegalArgumentException("price per byte must be >= 0, was " + pricePerByte);
    }
    if (paymentInterval <= 0) {
      throw new IllegalArgumentException("payment interval must be > 0, was " + paymentInterval);
    }
    if (paymentIntervalIncrease < 0) {
      throw new IllegalArgumentException(
          "payment interval increase must be >= 0, was " + paymentIntervalIncrease);
    }
    if (unsealPrice < 0) {
      throw new IllegalArgumentException("unseal price must be >= 0, was " + unsealPrice);
    }
  }

  /**
   * Whether nothing is ever owed on these terms (no price per byte, no unseal price): a ledger's
   * entries for such a channel can never be about money, so they need not be forced to disk one by
   * one.
   */
  public boolean free() {
    return pricePerByte == 0 && unsealPrice == 0;
  }

  /**
   * The cumulative amount owed once {@code bytes} were sent: the unseal price plus every byte.
   *
   * @throws ArithmeticException when the amount does not fit in a long
   */
  public long owedFor(long bytes) {
    try {
      return Math.addExact(unsealPrice, Math.multiplyExact(pricePerByte, bytes));
    } catch (ArithmeticException e) {
      throw new ArithmeticException(
          "the amount owed for "
              + bytes
              + " bytes at "
              + pricePerByte
              + " per byte"
              + (unsealPrice > 0 ? " plus an unseal price of " + unsealPrice : "")
              + " is more than the largest amount Ferry can count ("
              + Long.MAX_VALUE
              + ")");
    }
  }

  /**
   * Why amounts on these terms cannot be counted, or empty when they can: what the first interval
   * costs must fit in a long (a price of {@code Long.MAX_VALUE} per byte does not).
   */
  public Optional<String> uncountable() {
    try {
      owedFor(interval(0));
      return Optional.empty();
    } catch (ArithmeticException e) {
      return Optional.of(e.getMessage());
    }
  }

  /** The length of interval number {@code index} (the first is 0). */
  public long interval(long index) {
    return Math.addExact(paymentInterval, Math.multiplyExact(paymentIntervalIncrease, index));
  }

  /**
   * Why these (proposed) terms are worse for the seller than {@code asking}, or empty when they are
   * at least as good: a price or unseal price below the asking one, or intervals longer than the
   * asking ones (the seller would extend more credit).
   */
  public Optional<String> shortfallAgainst(PaidRetrievalTerms asking) {
    List<String> problems = new ArrayList<>();
    if (pricePerByte < asking.pricePerByte) {
      problems.add(
          "price per byte " + pricePerByte + " is below the asking " + asking.pricePerByte);
    }
    if (unsealPrice < asking.unsealPrice) {
      problems.add("unseal price " + unsealPrice + " is below the asking " + asking.unsealPrice);
    }
    if (paymentInterval > asking.paymentInterval) {
      problems.add(
          "payment interval "
              + paymentInterval
              + " is longer than the asking "
              + asking.paymentInterval);
    }
    if (paymentIntervalIncrease > asking.paymentIntervalIncrease) {
      problems.add(
          "payment interval increase "
              + paymentIntervalIncrease
              + " is larger than the asking "
              + asking.paymentIntervalIncrease);
    }
    return problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems));
  }
}
