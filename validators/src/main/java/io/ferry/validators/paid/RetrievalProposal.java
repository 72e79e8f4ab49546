package io.ferry.validators.paid;

import java.util.Objects;

/**
 * The voucher a client opens a paid pull with: the terms it agrees to pay.
 *
 * @param terms price, payment intervals and unseal price
 */
public record RetrievalProposal(PaidRetrievalTerms terms) {
  public RetrievalProposal {
    Objects.requireNonNull(terms, "terms");
  }
}
