package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.StubValidation;
import io.ferry.ipld.selector.Selectors;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EntityStateTest {
  private static final Instant AT = Instant.parse("2026-01-01T00:00:00Z");
  private static final ChannelId ID = new ChannelId(ALICE, BOB, 7);

  private static ChannelState opened() {
    return EntityState.fold(
        null,
        new JournalEvent.Opened(
            ID,
            ALICE,
            BOB,
            ALICE,
            Peers.cid("root"),
            Selectors.all(),
            StubValidation.voucher("v"),
            AT));
  }

  @Test
  void everyPlannedEventRecordsTheStatusItLeavesTheChannelIn() {
    Plan plan =
        Plan.from(opened())
            .add(new JournalEvent.TransferStarted(AT))
            .add(new JournalEvent.Accepted(AT))
            .add(new JournalEvent.Paused(Side.INITIATOR, "wait", AT));

    assertThat(plan.events())
        .extracting(JournalEvent::status)
        .containsExactly(Status.AwaitingAcceptance, Status.Ongoing, Status.InitiatorPaused);
  }

  @Test
  void replaySetsTheRecordedStatusWhateverTheTableSaysToday() {
    // Today's table moves TransferInitiated from Requested to AwaitingAcceptance.
    ChannelState replayed =
        EntityState.fold(opened(), new JournalEvent.TransferStarted(AT).producing(Status.Ongoing));

    assertThat(replayed.status()).isEqualTo(Status.Ongoing);
  }

  @Test
  void anEventFromAnOlderJournalWithoutAStatusTakesTheTablesStatus() {
    ChannelState replayed = EntityState.fold(opened(), new JournalEvent.TransferStarted(AT));

    assertThat(replayed.status()).isEqualTo(Status.AwaitingAcceptance);
  }

  @Test
  void replayFailsNamingTheChannelWhenTheTableRefusesAStoredEventWithoutStatus() {
    ChannelState terminal =
        EntityState.fold(
            opened(), new JournalEvent.Cancelled("gone", AT).producing(Status.Cancelled));

    assertThatThrownBy(() -> EntityState.fold(terminal, new JournalEvent.DataLimitSet(1000, AT)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(ID.toString())
        .hasMessageContaining("DataLimitSet")
        .hasMessageContaining("Cancelled");
  }
}
