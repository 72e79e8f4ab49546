package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PayAheadTest {
  /** Price 2, unseal 100, intervals of 1000 growing by 1000: limits at 1000, 3000, 6000... */
  private static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(2, 1000, 1000, 100);

  @Test
  void paysOnceHalfTheFirstIntervalArrivedUnpaid() {
    assertThat(PayAhead.due(TERMS, 100, 499)).isFalse();
    assertThat(PayAhead.due(TERMS, 100, 500)).isTrue();
  }

  @Test
  void measuresHalfOfTheIntervalThePaidBytesLieIn() {
    long paidFor1200 = 100 + 2 * 1200;
    assertThat(PayAhead.due(TERMS, paidFor1200, 1200 + 999)).as("interval 2000 long").isFalse();
    assertThat(PayAhead.due(TERMS, paidFor1200, 1200 + 1000)).isTrue();
  }

  @Test
  void neverPaysAheadOfTheUnsealPriceOrForFreeData() {
    assertThat(PayAhead.due(TERMS, 0, 10_000)).isFalse();
    assertThat(PayAhead.due(new PaidRetrievalTerms(0, 1000, 0, 0), 0, 10_000)).isFalse();
  }
}
