package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.ChannelId;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.validation.Verdict;
import io.ferry.ipld.selector.Selectors;
import io.ferry.validators.TestPeer;
import io.ferry.validators.VoucherRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PaidRetrievalProviderTest {
  private final TestPeer client = TestPeer.generate();
  private final TestPeer provider = TestPeer.generate();
  private final ChannelId channel = client.channelTo(provider, 3);

  @TempDir Path dir;

  private Verdict propose(VoucherRegistry registry, PaidRetrievalTerms terms) throws Exception {
    return propose(registry, channel, terms);
  }

  private Verdict propose(VoucherRegistry registry, ChannelId channel, PaidRetrievalTerms terms)
      throws Exception {
    return registry
        .validateRequest(
            false,
            true,
            channel,
            client.peerId(),
            registry.encode(new RetrievalProposal(terms)),
            ClientChannelStates.ROOT,
            Selectors.all())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void discoveryFindsTheBuiltInPlugInAndItSellsAtTheConfiguredTerms() throws Exception {
    Map<String, String> settings =
        Map.of(
            "paid-retrieval.price-per-byte", "3",
            "paid-retrieval.payment-interval", "4096",
            "paid-retrieval.payment-interval-increase", "1_024");
    VoucherRegistry registry =
        VoucherRegistry.discover(provider.context(dir, settings), getClass().getClassLoader());

    Verdict cheap = propose(registry, new PaidRetrievalTerms(2, 4096, 1024, 0));
    Verdict fair = propose(registry, new PaidRetrievalTerms(3, 4096, 1024, 0));

    assertThat(registry.typeIds())
        .contains(
            PaidRetrievalTypes.PROPOSAL.id(),
            PaidRetrievalTypes.PAYMENT.id(),
            PaidRetrievalTypes.RESULT.id());
    assertThat(cheap.decision()).isEqualTo(Decision.REJECT);
    assertThat(cheap.reason()).contains("price per byte 2 is below the asking 3");
    assertThat(fair.decision()).isEqualTo(Decision.ACCEPT);
    assertThat(fair.dataLimit()).isEqualTo(4096);
    assertThat(Files.exists(dir.resolve("paid-retrieval").resolve("responder.journal"))).isTrue();
  }

  @Test
  void closingTheRegistryClosesTheResponderLedgerWithEverythingItRecorded() throws Exception {
    Map<String, String> settings = Map.of("paid-retrieval.price-per-byte", "3");
    VoucherRegistry registry =
        VoucherRegistry.discover(provider.context(dir, settings), getClass().getClassLoader());
    assertThat(propose(registry, new PaidRetrievalTerms(3, 4096, 0, 0)).decision())
        .isEqualTo(Decision.ACCEPT);

    registry.close();

    Verdict afterClose =
        propose(registry, client.channelTo(provider, 4), new PaidRetrievalTerms(3, 4096, 0, 0));
    assertThat(afterClose.decision()).isEqualTo(Decision.REJECT);
    assertThat(afterClose.reason()).contains("failed");
    try (ResponderLedger reopened = ResponderLedger.open(dir.resolve("paid-retrieval"))) {
      assertThat(reopened.channel(channel)).isPresent();
    }
  }

  @Test
  void aNodeWithoutAPriceRegistersTheTypesButSellsNothing() throws Exception {
    VoucherRegistry registry =
        VoucherRegistry.discover(provider.context(dir, Map.of()), getClass().getClassLoader());

    Verdict verdict = propose(registry, new PaidRetrievalTerms(100, 1, 0, 0));

    assertThat(verdict.decision()).isEqualTo(Decision.REJECT);
    assertThat(verdict.reason()).contains("does not sell");
  }

  @Test
  void aSettingThatIsNotANumberIsRefusedNamingTheKey() {
    Map<String, String> settings = Map.of("paid-retrieval.price-per-byte", "cheap");

    assertThatThrownBy(
            () ->
                VoucherRegistry.discover(
                    provider.context(dir, settings), getClass().getClassLoader()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("paid-retrieval.price-per-byte")
        .hasMessageContaining("'cheap'");
  }
}
