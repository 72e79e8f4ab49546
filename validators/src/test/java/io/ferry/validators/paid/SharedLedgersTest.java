package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.ChannelId;
import io.ferry.channels.Status;
import io.ferry.channels.testing.TestPostgres;
import io.ferry.validators.TestPeer;
import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Two members of a cluster open the same ledgers in a real PostgreSQL ({@code
 * scripts/postgres.sh}): a paid channel that moves from one to the other keeps its nonces, its
 * payments and its share of the budget.
 */
class SharedLedgersTest {
  /** As {@code PostgresSchema} creates it beside the journal's tables. */
  private static final String DDL =
      "CREATE TABLE IF NOT EXISTS ferry_ledger_entries (seq BIGSERIAL PRIMARY KEY,"
          + " ledger VARCHAR(200) NOT NULL, entry BYTEA NOT NULL)";

  private static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(2, 1000, 1000, 0);

  private final TestPeer client = TestPeer.generate();
  private final TestPeer provider = TestPeer.generate();
  private final ChannelId channel = client.channelTo(provider, 1);

  private TestPostgres.Database db;
  private PGSimpleDataSource source;

  @BeforeEach
  void database() throws Exception {
    db = TestPostgres.freshDatabase();
    source = new PGSimpleDataSource();
    source.setUrl(db.url());
    source.setUser(db.user());
    source.setPassword(db.password());
    try (Connection c = source.getConnection();
        Statement s = c.createStatement()) {
      s.execute(DDL);
    }
  }

  @AfterEach
  void drop() throws Exception {
    if (db != null) {
      db.close();
    }
  }

  @Test
  void aChannelThatMovesToAnotherMemberCarriesOnWithTheNextNonceAndTheSameBudget() {
    ClientLedger first = ClientLedger.shared(source);
    ClientLedger second = ClientLedger.shared(source);
    first.depositUpTo(10_000);
    first.begin(channel, TERMS);
    first.reserve(channel, 4_000);
    assertThat(first.issue(channel, 2_000)).isEqualTo(1);

    assertThat(second.issue(channel, 4_000)).isEqualTo(2);
    assertThat(first.issue(channel, 6_000)).isEqualTo(3);

    second.end(channel, Status.Completed);
    assertThat(first.account(channel).orElseThrow().ended()).isTrue();
    assertThat(first.balance()).isEqualTo(second.balance());
    assertThat(first.balance().spent()).isEqualTo(6_000);
    assertThat(second.balance().available()).isEqualTo(4_000);
    assertThatThrownBy(() -> second.begin(channel, TERMS))
        .hasMessageContaining("have already begun");
  }

  @Test
  void twoMembersReservingTheSameBudgetAtOnceNeverTogetherExceedIt() throws Exception {
    ClientLedger first = ClientLedger.shared(source);
    ClientLedger second = ClientLedger.shared(source);
    first.depositUpTo(10_000);
    int granted = 0;
    for (int round = 0; round < 40; round++) {
      // Each member begins a channel that wants 6,000 of the 10,000, at the same moment: one of
      // them may have it, never both.
      ChannelId a = client.channelTo(provider, 1_000 + 2L * round);
      ChannelId b = client.channelTo(provider, 1_001 + 2L * round);
      java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
      var one =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> reserveTogether(together, first, a));
      var other =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> reserveTogether(together, second, b));
      int made = (one.get().made() ? 1 : 0) + (other.get().made() ? 1 : 0);
      assertThat(made).as("reservations of 6,000 made in round %d", round).isEqualTo(1);
      assertThat(second.balance().available()).as("left in round %d", round).isEqualTo(4_000);
      granted += made;
      for (ChannelId id : java.util.List.of(a, b)) {
        if (first.account(id).isPresent()) {
          first.end(id, Status.Cancelled);
        }
      }
    }
    assertThat(granted).isEqualTo(40);
    assertThat(first.balance().available()).isEqualTo(10_000);
  }

  /** Waits for the other member, then begins {@code id} with 6,000 reserved if it is left. */
  private static ClientLedger.Reservation reserveTogether(
      java.util.concurrent.CyclicBarrier together, ClientLedger member, ChannelId id) {
    try {
      together.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
    return member.beginIfAvailable(id, TERMS, 6_000);
  }

  @Test
  void aNonceOneMemberCreditedIsRefusedByAnotherAndThePaymentCountsOnce() {
    ResponderLedger first = ResponderLedger.shared(source);
    ResponderLedger second = ResponderLedger.shared(source);
    first.open(channel, TERMS);
    first.recordSent(channel, 1_000, false);
    first.recordPayment(channel, 1, 2_000);

    assertThat(second.isSeen(channel, 1)).isTrue();
    assertThatThrownBy(() -> second.recordPayment(channel, 1, 2_000))
        .hasMessageContaining("nonce 1 was already used");
    second.recordSent(channel, 1_000, false);
    second.recordPayment(channel, 2, 4_000);

    PaidChannel seenByFirst = first.channel(channel).orElseThrow();
    assertThat(seenByFirst.payments()).isEqualTo(2);
    assertThat(seenByFirst.received()).isEqualTo(4_000);
    assertThat(seenByFirst.bytesSent()).isEqualTo(2_000);
    assertThat(seenByFirst).isEqualTo(second.channel(channel).orElseThrow());
  }
}
