package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.ChannelId;
import io.ferry.validators.TestPeer;
import io.ferry.validators.journal.Journal;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The responder's book across restarts: what replaying its journal must and must not count. */
class ResponderLedgerTest {
  private static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(2, 1000, 1000, 0);

  private final TestPeer client = TestPeer.generate();
  private final TestPeer provider = TestPeer.generate();
  private final ChannelId channel = client.channelTo(provider, 1);

  @TempDir Path dir;

  @Test
  void aPaymentEntryThatAppearsTwiceInTheJournalIsCountedOnce() {
    PaidChannel paid;
    try (ResponderLedger ledger = ResponderLedger.open(dir)) {
      ledger.open(channel, TERMS);
      ledger.recordSent(channel, 1000, true);
      paid = ledger.recordPayment(channel, 1, 2000);
    }
    try (Journal<ResponderLedger.Entry> journal =
        Journal.open(dir.resolve("responder.journal"), ResponderLedger.Entry.class, e -> {})) {
      journal.append(
          new ResponderLedger.Entry.Paid(channel, 1, 2000, paid.dataLimit(), paid.intervals()));
    }

    try (ResponderLedger reopened = ResponderLedger.open(dir)) {
      PaidChannel replayed = reopened.channel(channel).orElseThrow();
      assertThat(replayed.payments()).isEqualTo(1);
      assertThat(replayed.received()).isEqualTo(2000);
      assertThat(replayed).isEqualTo(paid);
    }
  }

  @Test
  void aNonceIsRefusedAfterARestartAsBefore() {
    try (ResponderLedger ledger = ResponderLedger.open(dir)) {
      ledger.open(channel, TERMS);
      ledger.recordPayment(channel, 7, 100);
    }

    try (ResponderLedger reopened = ResponderLedger.open(dir)) {
      assertThat(reopened.isSeen(channel, 7)).isTrue();
      assertThatThrownBy(() -> reopened.recordPayment(channel, 7, 200))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("nonce 7 was already used");
      assertThat(reopened.channel(channel).orElseThrow().received()).isEqualTo(100);
    }
  }

  @Test
  void aFreeChannelForcesTheLedgerFileNotOnceFromOpeningToSettlement() {
    PaidRetrievalTerms free = new PaidRetrievalTerms(0, 1000, 1000, 0);
    try (ResponderLedger ledger = ResponderLedger.open(dir)) {
      ledger.open(channel, free);
      ledger.recordSent(channel, 1000, true);
      ledger.raiseLimit(channel);
      ledger.settle(channel);

      assertThat(ledger.journalSyncs()).isZero();
    }
  }

  @Test
  void aPaidChannelForcesItsOpeningAndPaymentsButItsSettlementRidesWithTheNextSync() {
    try (ResponderLedger ledger = ResponderLedger.open(dir)) {
      ledger.open(channel, TERMS);
      ledger.recordSent(channel, 1000, true);
      ledger.recordPayment(channel, 1, 2000);
      ledger.settle(channel);

      assertThat(ledger.journalSyncs()).isEqualTo(3);
    }
  }

  @Test
  void entriesNotForcedAloneAreOnDiskOnceALaterEntryIsForced() {
    ChannelId freeChannel = client.channelTo(provider, 2);
    ChannelId paidChannel = client.channelTo(provider, 3);
    try (ResponderLedger ledger = ResponderLedger.open(dir)) {
      ledger.open(freeChannel, new PaidRetrievalTerms(0, 1000, 1000, 0));
      ledger.settle(freeChannel);
      ledger.open(paidChannel, TERMS);
      assertThat(ledger.journalSyncs()).isEqualTo(1);

      // What a crash leaves: the bytes forced to disk, read by a second process.
      try (ResponderLedger onDisk = ResponderLedger.open(dir)) {
        assertThat(onDisk.channel(freeChannel).orElseThrow().settled()).isTrue();
        assertThat(onDisk.channel(paidChannel)).isPresent();
      }
    }
  }
}
