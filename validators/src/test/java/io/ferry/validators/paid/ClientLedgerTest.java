package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.validators.TestPeer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which of the client's entries force its journal to disk, that none is lost by waiting, and that
 * the balance kept as accounts change is the sum of every account.
 */
class ClientLedgerTest {
  private static final PaidRetrievalTerms PAID = new PaidRetrievalTerms(2, 1000, 1000, 0);
  private static final PaidRetrievalTerms FREE = new PaidRetrievalTerms(0, 1000, 1000, 0);

  private final TestPeer client = TestPeer.generate();
  private final TestPeer provider = TestPeer.generate();

  @TempDir Path dir;

  @Test
  void aFreeChannelForcesTheLedgerFileNotOnceFromBeginningToEnd() {
    ChannelId channel = client.channelTo(provider, 1);
    try (ClientLedger ledger = ClientLedger.open(dir)) {
      ledger.beginIfAvailable(channel, FREE, 0);
      ledger.end(channel, Status.Completed);

      assertThat(ledger.journalSyncs()).isZero();
    }
  }

  @Test
  void aPaidChannelForcesItsReservationAndVouchersButItsEndRidesWithTheNextSync() {
    ChannelId channel = client.channelTo(provider, 1);
    try (ClientLedger ledger = ClientLedger.open(dir)) {
      ledger.depositUpTo(10_000);
      ledger.beginIfAvailable(channel, PAID, 2000);
      ledger.issue(channel, 2000);
      ledger.end(channel, Status.Completed);

      // the deposit, the beginning, its reservation and the voucher: one force each
      assertThat(ledger.journalSyncs()).isEqualTo(4);
    }
  }

  @Test
  void entriesNotForcedAloneAreOnDiskOnceALaterEntryIsForced() {
    ChannelId free = client.channelTo(provider, 1);
    ChannelId paid = client.channelTo(provider, 2);
    try (ClientLedger ledger = ClientLedger.open(dir)) {
      ledger.depositUpTo(10_000);
      ledger.beginIfAvailable(free, FREE, 0);
      ledger.end(free, Status.Completed);
      ledger.beginIfAvailable(paid, PAID, 2000);

      // What a crash leaves: the bytes forced to disk, read by a second process.
      try (ClientLedger onDisk = ClientLedger.open(dir)) {
        assertThat(onDisk.account(free).orElseThrow().ended()).isTrue();
        assertThat(onDisk.account(paid).orElseThrow().reserved()).isEqualTo(2000);
      }
    }
  }

  @Test
  void theBalanceIsTheSumOfEveryAccountThroughPaymentsEndsReopeningAndCompaction() {
    java.util.Random random = new java.util.Random(17);
    java.util.List<ChannelId> channels = new java.util.ArrayList<>();
    try (ClientLedger ledger = ClientLedger.open(dir, 8)) {
      ledger.depositUpTo(1_000_000);
      for (int i = 1; i <= 40; i++) {
        ChannelId channel = client.channelTo(provider, i);
        channels.add(channel);
        ledger.beginIfAvailable(channel, i % 3 == 0 ? FREE : PAID, 1000 + random.nextInt(5000));
        if (i % 3 != 0) {
          ledger.reserveIfAvailable(channel, random.nextInt(3000));
          long cumulative = random.nextInt(4000);
          ledger.issue(channel, cumulative);
          ledger.acknowledge(channel, cumulative / 2);
        }
        if (i % 4 == 0) {
          ledger.end(channel, i % 8 == 0 ? Status.Cancelled : Status.Completed);
        }
        assertThat(ledger.balance()).isEqualTo(summed(ledger, channels));
      }
      Balance before = ledger.balance();
      assertThat(before.spent()).isPositive();
      assertThat(before.reserved()).isPositive();
      ledger.depositUpTo(2_000_000);
      assertThat(ledger.balance().available()).isEqualTo(before.available() + 1_000_000);
    }
    // Replayed, and (more than 8 entries) compacted into one snapshot per account on open.
    try (ClientLedger reopened = ClientLedger.open(dir, 8)) {
      assertThat(reopened.journalEntries()).isEqualTo(channels.size() + 1L);
      assertThat(reopened.balance()).isEqualTo(summed(reopened, channels));
    }
    try (ClientLedger again = ClientLedger.open(dir, 8)) {
      assertThat(again.balance()).isEqualTo(summed(again, channels));
    }
  }

  /** The balance as the sum of every account, computed apart from the ledger's own sums. */
  private static Balance summed(ClientLedger ledger, java.util.List<ChannelId> channels) {
    long held = 0;
    long spent = 0;
    for (ChannelId id : channels) {
      ClientAccount a = ledger.account(id).orElseThrow();
      held += a.held();
      spent += a.spent();
    }
    long budget = ledger.balance().budget();
    return new Balance(budget, held - spent, spent, budget - held);
  }
}
