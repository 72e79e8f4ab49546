package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.ChannelId;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.ipld.selector.Selectors;
import io.ferry.validators.MutableClock;
import io.ferry.validators.TestPeer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prices whose amounts do not fit in a long are refused in words, never as "long overflow". */
class PriceArithmeticTest {
  private final TestPeer client = TestPeer.generate();
  private final TestPeer provider = TestPeer.generate();
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));

  @TempDir Path dir;

  private ValidationResult pull(
      PaidRetrievalValidator validator, ChannelId ch, PaidRetrievalTerms terms) throws Exception {
    return validator
        .validatePull(
            new ValidationRequest<>(
                false,
                ch,
                ch.initiator(),
                new RetrievalProposal(terms),
                ClientChannelStates.ROOT,
                Selectors.all()))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void aSellerConfiguredWithTheLargestPriceIsToldItsAmountsCannotBeCounted() {
    assertThatThrownBy(
            () ->
                PaidRetrievalProvider.askingTerms(
                    Map.of("price-per-byte", String.valueOf(Long.MAX_VALUE))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("paid-retrieval")
        .hasMessageContaining("more than the largest amount Ferry can count")
        .hasMessageNotContaining("long overflow");
  }

  @Test
  void aProposalAtTheLargestPriceIsRefusedSayingWhy() throws Exception {
    try (ResponderLedger ledger = ResponderLedger.open(dir)) {
      PaidRetrievalValidator validator =
          new PaidRetrievalValidator(
              provider.peerId(),
              Optional.of(new PaidRetrievalTerms(1, 1000, 1000, 0)),
              ledger,
              clock);

      ValidationResult result =
          pull(
              validator,
              client.channelTo(provider, 1),
              new PaidRetrievalTerms(Long.MAX_VALUE, 1000, 1000, 0));

      assertThat(result.decision()).isEqualTo(Decision.REJECT);
      assertThat(result.reason())
          .contains("terms refused")
          .contains("more than the largest amount Ferry can count");
    }
  }

  @Test
  void aChannelWhoseAmountOwedOutgrowsALongIsRefusedInWords() throws Exception {
    // The first interval's price fits; the bytes sent past it do not.
    long price = Long.MAX_VALUE / 2000;
    PaidRetrievalTerms terms = new PaidRetrievalTerms(price, 1000, 1_000_000, 0);
    try (ResponderLedger ledger = ResponderLedger.open(dir)) {
      PaidRetrievalValidator validator =
          new PaidRetrievalValidator(
              provider.peerId(), Optional.of(terms), new PeerCredit(1L << 40, 100), ledger, clock);
      ChannelId ch = client.channelTo(provider, 1);
      assertThat(pull(validator, ch, terms).decision()).isEqualTo(Decision.ACCEPT);

      ValidationResult result =
          validator.onPullDataSent(ch, 5000).toCompletableFuture().get(10, TimeUnit.SECONDS).get();

      assertThat(result.decision()).isEqualTo(Decision.REJECT);
      assertThat(result.reason()).contains("the amount owed for 5000 bytes");
    }
  }
}
