package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.validators.TestPeer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerCompactionTest {
  /** A small threshold keeps the test fast; the real one is 1024. */
  private static final long LIMIT = 16;

  private static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(2, 1000, 1000, 0);

  private final TestPeer client = TestPeer.generate();
  private final TestPeer provider = TestPeer.generate();
  private final ChannelId channel = client.channelTo(provider, 1);
  private final ChannelId ended = client.channelTo(provider, 2);

  @TempDir Path dir;

  @Test
  void aLongResponderJournalIsCompactedOnOpenWithoutChangingTheBooks() {
    PaidChannel before;
    try (ResponderLedger ledger = ResponderLedger.open(dir, LIMIT)) {
      ledger.open(channel, TERMS);
      for (int i = 0; i < LIMIT; i++) {
        ledger.recordSent(channel, 1, false);
      }
      before = ledger.recordPayment(channel, 1, 2048);
      assertThat(ledger.journalEntries()).isGreaterThan(LIMIT);
    }

    try (ResponderLedger reopened = ResponderLedger.open(dir, LIMIT)) {
      assertThat(reopened.journalEntries()).isEqualTo(1);
      assertThat(reopened.channel(channel)).contains(before);
      assertThat(reopened.isSeen(channel, 1)).isTrue();
      reopened.recordSent(channel, 10, true);
    }
    try (ResponderLedger again = ResponderLedger.open(dir, LIMIT)) {
      assertThat(again.channel(channel).orElseThrow().bytesSent()).isEqualTo(LIMIT + 10);
      assertThat(again.channel(channel).orElseThrow().received()).isEqualTo(2048);
      assertThat(again.channel(channel).orElseThrow().payments()).isEqualTo(1);
    }
  }

  @Test
  void aLongClientJournalIsCompactedOnOpenWithoutChangingTheBooks() {
    Balance before;
    ClientAccount running;
    try (ClientLedger ledger = ClientLedger.open(dir, LIMIT)) {
      ledger.depositUpTo(1_000_000);
      ledger.begin(channel, TERMS);
      ledger.begin(ended, TERMS);
      ledger.reserve(ended, 100);
      ledger.issue(ended, 40);
      ledger.end(ended, Status.Cancelled);
      for (int i = 1; i <= LIMIT / 2 + 1; i++) {
        ledger.reserve(channel, 2);
        ledger.issue(channel, 2L * i);
      }
      ledger.acknowledge(channel, 100);
      before = ledger.balance();
      running = ledger.account(channel).orElseThrow();
    }

    try (ClientLedger reopened = ClientLedger.open(dir, LIMIT)) {
      assertThat(reopened.journalEntries()).isEqualTo(3);
      assertThat(reopened.balance()).isEqualTo(before);
      assertThat(reopened.account(channel)).contains(running);
      assertThat(reopened.account(ended).orElseThrow().endedAs()).isEqualTo(Status.Cancelled);
      assertThat(reopened.issue(channel, running.issued())).isEqualTo(running.lastNonce() + 1);
    }
  }
}
