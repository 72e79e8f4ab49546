package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.validators.TestPeer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which of the client's entries force its journal to disk, and that none is lost by waiting. */
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
}
