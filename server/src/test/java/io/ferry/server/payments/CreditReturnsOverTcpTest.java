package io.ferry.server.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.validators.paid.PaidChannel;
import io.ferry.validators.paid.PaidRetrievalTerms;
import io.ferry.validators.paid.ResponderLedger;
import io.ferry.validators.paid.RetrievalResult;
import io.ferry.validators.paid.RetrievalResult.Kind;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credit is the peer's: a provider that extends one client credit for about one and a half of its
 * channels serves four paid pulls of that client at once, over the real TCP transport. The channels
 * the credit does not cover wait, paused, and are resumed by the provider as the others pay or
 * finish (the validator's recheck, through the channel's actor): all complete, every payment is
 * exact, and at no point has the provider sent the client more unpaid bytes than its credit.
 */
class CreditReturnsOverTcpTest {
  /** 1 per byte, a payment every 256 KiB. */
  static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(1, 256 << 10, 0, 0);

  static final int CHUNK = 64 << 10;
  static final int SIZE = 1 << 20;
  static final long BLOCK = CHUNK + 1024;

  /** One interval and its block of margin, and half of another. */
  static final long CREDIT = 3 * (TERMS.paymentInterval() + BLOCK) / 2;

  static final int PULLS = 4;

  @TempDir Path dir;
  TestNetwork network;
  PaidNode provider;
  PaidNode client;

  @BeforeEach
  void start() throws Exception {
    network = TestNetwork.tcp();
    Config seller = PaidPulls.sellerOnCredit(TERMS, CREDIT, BLOCK);
    provider = new PaidNode(network, "provider", 51, dir.resolve("provider"), seller).start();
    client =
        new PaidNode(network, "client", 52, dir.resolve("client"), PaidPulls.buyer(100_000_000))
            .start();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    provider.close();
    network.close();
  }

  @Test
  void fourPaidPullsOnCreditForOneAndAHalfAllCompleteWithExactPaymentsAndNothingBeyondIt()
      throws Exception {
    List<ImportResult> dags = new ArrayList<>();
    for (int i = 0; i < PULLS; i++) {
      dags.add(TestDags.file(provider.store, SIZE, CHUNK, 70 + i));
    }
    List<CompletableFuture<ChannelId>> opening = new ArrayList<>();
    for (ImportResult dag : dags) {
      opening.add(
          client
              .payer
              .openPaidPull(provider.id(), TERMS, dag.root(), Selectors.all(), 0)
              .toCompletableFuture());
    }
    List<ChannelId> ids = new ArrayList<>();
    for (CompletableFuture<ChannelId> f : opening) {
      ids.add(f.get(30, TimeUnit.SECONDS));
    }

    long total = 0;
    for (int i = 0; i < PULLS; i++) {
      ChannelState c = client.await(ids.get(i), Status.Completed);
      ChannelState r = provider.await(ids.get(i), Status.Completed);
      long size = dags.get(i).dagSize();
      total += TERMS.owedFor(size);
      assertThat(c.received()).isEqualTo(size).isEqualTo(r.queued());
      assertThat(PaidPulls.export(client.store, dags.get(i).root()))
          .isEqualTo(TestDags.content(SIZE, 70 + i));
    }
    assertThat(waitedForCredit(ids))
        .as("channels that waited for the peer's credit, paused, and were resumed")
        .isPositive();
    assertThat(mostUnpaidAtOnce(ids))
        .as("the most the provider had sent the client unpaid, across its channels")
        .isLessThanOrEqualTo(CREDIT);
    assertThat(client.payer.balance().spent()).isEqualTo(total);
    assertThat(client.payer.balance().reserved()).isZero();

    client.stop();
    provider.stop();
    try (ResponderLedger ledger =
        ResponderLedger.open(
            dir.resolve("provider").resolve("validators").resolve("paid-retrieval"))) {
      for (int i = 0; i < PULLS; i++) {
        PaidChannel account = ledger.channel(ids.get(i)).orElseThrow();
        assertThat(account.bytesSent()).isEqualTo(dags.get(i).dagSize());
        assertThat(account.received()).isEqualTo(TERMS.owedFor(dags.get(i).dagSize()));
        assertThat(account.outstanding()).isZero();
      }
    }
  }

  /** How many of the channels the provider answered, at least once, that they wait for credit. */
  private long waitedForCredit(List<ChannelId> ids) {
    return ids.stream()
        .filter(
            id ->
                PaidPulls.resultsIn(provider.voucherResults(id)).stream()
                    .map(RetrievalResult::kind)
                    .anyMatch(k -> k == Kind.WAITING_FOR_CREDIT))
        .count();
  }

  /**
   * Replays the provider's events in the order it published them: after each, what its channels had
   * queued beyond what the client had paid for, summed. A block is queued only after the payment
   * (or the end of another channel) that made room for it, and each is published after it happened,
   * so the order is the one that counts. Also checks that no channel queued past its data limit.
   */
  private long mostUnpaidAtOnce(List<ChannelId> ids) {
    Map<ChannelId, Long> queued = new HashMap<>();
    Map<ChannelId, Long> paid = new HashMap<>();
    long most = 0;
    for (PaidNode.Seen seen : provider.seen) {
      ChannelState s = seen.state();
      if (!ids.contains(s.channelId())) {
        continue;
      }
      assertThat(s.queued()).isLessThanOrEqualTo(s.dataLimit() == 0 ? 0 : s.dataLimit());
      queued.put(s.channelId(), s.queued());
      if (seen.event().code() == EventCode.NewVoucher) {
        long claim = PaidPulls.claim(s.lastVoucher().orElseThrow());
        paid.merge(s.channelId(), claim / TERMS.pricePerByte(), Math::max);
      }
      long unpaid = 0;
      for (Map.Entry<ChannelId, Long> e : queued.entrySet()) {
        unpaid += Math.max(0, e.getValue() - paid.getOrDefault(e.getKey(), 0L));
      }
      most = Math.max(most, unpaid);
    }
    return most;
  }
}
