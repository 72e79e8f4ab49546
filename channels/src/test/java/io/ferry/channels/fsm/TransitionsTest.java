package io.ferry.channels.fsm;

import static io.ferry.channels.EventCode.*;
import static io.ferry.channels.Status.*;
import static io.ferry.channels.fsm.LifecycleWalk.moveOf;
import static io.ferry.channels.fsm.LifecycleWalk.walk;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The lifecycle's semantics, one rule of thumb per test. */
class TransitionsTest {

  // --- table mechanics --------------------------------------------------------------------------

  @Test
  void aRuleForASpecificStatusOverridesTheFromAnyRule() {
    var table =
        Transitions.compile(
            List.of(
                new Rule(Cancel, Set.of(), Target.to(Cancelling)),
                new Rule(Cancel, Set.of(Completing), Target.justRecord())));

    assertThat(table.get(Cancel).get(Ongoing)).isEqualTo(Target.to(Cancelling));
    assertThat(table.get(Cancel).get(Completing)).isEqualTo(Target.justRecord());
    assertThat(table.get(Cancel)).doesNotContainKeys(Completed, Failed, Cancelled);
    // and the real table relies on it:
    assertThat(Transitions.decide(Ongoing, Cancel))
        .isEqualTo(new Outcome.Moved(Ongoing, Cancelling));
    assertThat(Transitions.decide(Completing, Cancel)).isEqualTo(new Outcome.Recorded(Completing));
  }

  @Test
  void anAmbiguousTableIsRejected() {
    assertThatThrownBy(
            () ->
                Transitions.compile(
                    List.of(
                        new Rule(Accept, Set.of(Requested), Target.to(Ongoing)),
                        new Rule(Accept, Set.of(Requested, Queued), Target.justRecord()))))
        .hasMessageContaining("Accept")
        .hasMessageContaining("Requested");
    assertThatThrownBy(
            () ->
                Transitions.compile(
                    List.of(
                        new Rule(Error, Set.of(), Target.to(Failing)),
                        new Rule(Error, Set.of(), Target.justRecord()))))
        .hasMessageContaining("two from-any rules for Error");
  }

  @Test
  void aRuleCannotNameATerminalStatus() {
    assertThatThrownBy(() -> new Rule(Cancel, Set.of(Completed), Target.justRecord()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Completed");
  }

  @Test
  void everyRuleOfTheTableIsVisibleAndMatchesDecide() {
    assertThat(Transitions.rules()).isNotEmpty();
    for (Rule r : Transitions.rules()) {
      for (Status s : Status.values()) {
        if (!r.fromAny() && r.appliesTo(s)) {
          assertThat(Transitions.target(s, r.event())).contains(r.target());
          Outcome decided = Transitions.decide(s, r.event());
          Outcome expected =
              r.target() instanceof Target.To to
                  ? new Outcome.Moved(s, to.status())
                  : r.target() instanceof Target.NoChange
                      ? new Outcome.Moved(s, s)
                      : new Outcome.Recorded(s);
          assertThat(decided).as("%s", r).isEqualTo(expected);
        }
      }
    }
  }

  // --- terminal and cleanup ---------------------------------------------------------------------

  @Test
  void terminalStatusesRefuseEveryEvent() {
    for (Status s : List.of(Completed, Failed, Cancelled)) {
      for (EventCode e : EventCode.values()) {
        assertThat(Transitions.decide(s, e)).isInstanceOf(Outcome.Refused.class);
      }
    }
  }

  @Test
  void channelNotFoundErrorIsNoStatusAndRefusesEveryEvent() {
    for (EventCode e : EventCode.values()) {
      Outcome o = Transitions.decide(ChannelNotFoundError, e);
      assertThat(o).isInstanceOf(Outcome.Refused.class);
      assertThat(((Outcome.Refused) o).reason()).contains("ChannelNotFoundError");
    }
  }

  @Test
  void cleanupCompleteTakesEachCleanupStatusToItsTerminalStatus() {
    assertThat(walk(Ongoing, Complete, CleanupComplete)).isEqualTo(Completed);
    assertThat(walk(Ongoing, Error, CleanupComplete)).isEqualTo(Failed);
    assertThat(walk(Ongoing, Cancel, CleanupComplete)).isEqualTo(Cancelled);
    for (Status s : List.of(Completing, Failing, Cancelling)) {
      assertThat(moveOf(s, CleanupComplete)).isEqualTo(s.terminalAfterCleanup());
    }
  }

  @Test
  void cleanupCompleteIsRefusedOutsideCleanupStatuses() {
    for (Status s : Status.values()) {
      if (!s.isCleanup()) {
        assertThat(Transitions.decide(s, CleanupComplete).isApplied()).as("%s", s).isFalse();
      }
    }
  }

  @Test
  void completeCleanupOnRestartReentersACleanupStatusSoCleanupRunsAgain() {
    for (Status s : List.of(Completing, Failing, Cancelling)) {
      assertThat(Transitions.decide(s, CompleteCleanupOnRestart))
          .isEqualTo(new Outcome.Moved(s, s, true));
    }
    assertThat(Transitions.decide(Ongoing, CompleteCleanupOnRestart).isApplied()).isFalse();
    assertThat(Transitions.decide(Finalizing, CompleteCleanupOnRestart).isApplied()).isFalse();
  }

  @Test
  void anEndingKeepsItsOutcomeWhenACancelOrAnErrorArrivesDuringCleanup() {
    assertThat(Transitions.decide(Completing, Cancel)).isEqualTo(new Outcome.Recorded(Completing));
    assertThat(Transitions.decide(Completing, Error)).isEqualTo(new Outcome.Recorded(Completing));
    assertThat(Transitions.decide(Cancelling, Error)).isEqualTo(new Outcome.Recorded(Cancelling));
    assertThat(Transitions.decide(Failing, Cancel)).isEqualTo(new Outcome.Recorded(Failing));
    assertThat(Transitions.decide(Failing, Complete)).isEqualTo(new Outcome.Recorded(Failing));
  }

  @Test
  void cancelAndErrorEndEveryActiveStatus() {
    List<Status> active =
        Stream.of(Status.values())
            .filter(s -> !s.isTerminal() && !s.isCleanup() && s != ChannelNotFoundError)
            .toList();
    assertThat(active).hasSize(12).containsExactlyInAnyOrderElementsOf(Transitions.ACTIVE);
    for (Status s : active) {
      assertThat(moveOf(s, Cancel)).isEqualTo(Cancelling);
      assertThat(moveOf(s, Error)).isEqualTo(Failing);
    }
  }

  // --- refusals ---------------------------------------------------------------------------------

  @Test
  void everyRefusalNamesTheStatusAndTheEvent() {
    for (Status s : Status.values()) {
      for (EventCode e : EventCode.values()) {
        if (Transitions.decide(s, e) instanceof Outcome.Refused r) {
          assertThat(r.status()).isEqualTo(s);
          assertThat(r.event()).isEqualTo(e);
          assertThat(r.reason()).contains(s.name()).contains(e.name());
        }
      }
    }
  }

  @Test
  void aRefusalSaysWhereTheEventWouldBeAccepted() {
    Outcome.Refused r = (Outcome.Refused) Transitions.decide(Ongoing, CleanupComplete);
    assertThat(r.reason())
        .isEqualTo(
            "CleanupComplete is not allowed while the channel is Ongoing"
                + " (it is accepted only in Completing, Failing, Cancelling)");
  }

  // --- outcome values ---------------------------------------------------------------------------

  @Test
  void aMoveIsAReentryExactlyWhenItStaysInItsStatus() {
    assertThat(new Outcome.Moved(Ongoing, Finalizing).reentered()).isFalse();
    assertThat(new Outcome.Moved(Failing, Failing).reentered()).isTrue();
    assertThatThrownBy(() -> new Outcome.Moved(Ongoing, Finalizing, true))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void onlyRefusalsAreNotApplied() {
    assertThat(new Outcome.Moved(Ongoing, Completing).isApplied()).isTrue();
    assertThat(new Outcome.Recorded(Ongoing).isApplied()).isTrue();
    assertThat(new Outcome.Refused(Completed, Cancel, "no").isApplied()).isFalse();
  }
}
