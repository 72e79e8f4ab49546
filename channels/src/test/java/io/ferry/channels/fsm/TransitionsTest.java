package io.ferry.channels.fsm;

import static io.ferry.channels.EventCode.*;
import static io.ferry.channels.Status.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lifecycle's semantics, one rule of thumb per test. */
class TransitionsTest {

  private static final List<EventCode> DATA_EVENTS =
      List.of(
          DataReceived,
          DataSent,
          DataQueued,
          DataQueuedProgress,
          DataSentProgress,
          DataReceivedProgress,
          Progress);

  /** Applies each event in turn, failing on a refusal, and returns the final status. */
  private static Status walk(Status start, EventCode... events) {
    Status at = start;
    for (EventCode e : events) {
      Outcome o = Transitions.decide(at, e);
      assertThat(o.isApplied()).as("%s in %s: %s", e, at, o).isTrue();
      at = o.resultingStatus();
    }
    return at;
  }

  private static Status moveOf(Status from, EventCode event) {
    Outcome o = Transitions.decide(from, event);
    assertThat(o).as("%s in %s", event, from).isInstanceOf(Outcome.Moved.class);
    return ((Outcome.Moved) o).to();
  }

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
    for (Status s : Transitions.ACTIVE) {
      assertThat(moveOf(s, Cancel)).isEqualTo(Cancelling);
      assertThat(moveOf(s, Error)).isEqualTo(Failing);
    }
  }

  // --- pause and resume -------------------------------------------------------------------------

  @Test
  void initiatorThenResponderPauseMakeBothPausedAndResumesUndoThemInAnyOrder() {
    assertThat(walk(Ongoing, PauseInitiator)).isEqualTo(InitiatorPaused);
    assertThat(walk(Ongoing, PauseInitiator, PauseResponder)).isEqualTo(BothPaused);
    assertThat(walk(Ongoing, PauseInitiator, PauseResponder, ResumeInitiator))
        .isEqualTo(ResponderPaused);
    assertThat(walk(Ongoing, PauseInitiator, PauseResponder, ResumeResponder))
        .isEqualTo(InitiatorPaused);
    assertThat(walk(Ongoing, PauseInitiator, PauseResponder, ResumeInitiator, ResumeResponder))
        .isEqualTo(Ongoing);
    assertThat(walk(Ongoing, PauseResponder, PauseInitiator, ResumeResponder, ResumeInitiator))
        .isEqualTo(Ongoing);
  }

  @Test
  void onlyTheSideThatPausedCanUnpauseItsHalf() {
    assertThat(Transitions.decide(InitiatorPaused, ResumeResponder))
        .isEqualTo(new Outcome.Recorded(InitiatorPaused));
    assertThat(Transitions.decide(ResponderPaused, ResumeInitiator))
        .isEqualTo(new Outcome.Recorded(ResponderPaused));
  }

  @Test
  void pausingAgainIsOnlyRecorded() {
    assertThat(Transitions.decide(InitiatorPaused, PauseInitiator))
        .isEqualTo(new Outcome.Recorded(InitiatorPaused));
    assertThat(Transitions.decide(BothPaused, PauseResponder))
        .isEqualTo(new Outcome.Recorded(BothPaused));
  }

  @Test
  void exceedingTheDataLimitPausesTheResponderLikePauseResponder() {
    for (Status s : Status.values()) {
      assertThat(Transitions.decide(s, DataLimitExceeded).resultingStatus())
          .as("%s", s)
          .isEqualTo(Transitions.decide(s, PauseResponder).resultingStatus());
    }
    assertThat(walk(Ongoing, DataLimitExceeded, ResumeResponder)).isEqualTo(Ongoing);
    assertThat(walk(InitiatorPaused, DataLimitExceeded)).isEqualTo(BothPaused);
  }

  @Test
  void aPauseBeforeTheTransferStartsIsRecordedWithoutLeavingThePreTransferStatus() {
    for (Status s : List.of(Requested, Queued, AwaitingAcceptance)) {
      for (EventCode e :
          List.of(PauseInitiator, PauseResponder, ResumeInitiator, ResumeResponder)) {
        assertThat(Transitions.decide(s, e))
            .as("%s in %s", e, s)
            .isEqualTo(new Outcome.Recorded(s));
      }
    }
  }

  @Test
  void pauseAndResumeAreRefusedWhileCleaningUp() {
    for (Status s : List.of(Completing, Failing, Cancelling)) {
      for (EventCode e :
          List.of(
              PauseInitiator,
              PauseResponder,
              ResumeInitiator,
              ResumeResponder,
              DataLimitExceeded)) {
        assertThat(Transitions.decide(s, e).isApplied()).as("%s in %s", e, s).isFalse();
      }
    }
  }

  // --- opening: Queued and AwaitingAcceptance ---------------------------------------------------

  @Test
  void aResponderWaitsInQueuedForASlotAndStartsWhenTheTransferIsInitiated() {
    assertThat(walk(Requested, Open, Accept)).isEqualTo(Queued);
    for (EventCode e : DATA_EVENTS) {
      assertThat(Transitions.decide(Queued, e).isApplied()).as("%s in Queued", e).isFalse();
    }
    assertThat(walk(Queued, TransferInitiated)).isEqualTo(Ongoing);
    assertThat(walk(Queued, TransferInitiated, DataSent, Complete, CleanupComplete))
        .isEqualTo(Completed);
  }

  @Test
  void anInitiatorAwaitsAcceptanceAfterSendingItsRequest() {
    assertThat(walk(Requested, Open, TransferInitiated)).isEqualTo(AwaitingAcceptance);
    assertThat(walk(AwaitingAcceptance, Accept)).isEqualTo(Ongoing);
    assertThat(Transitions.decide(AwaitingAcceptance, DataReceived))
        .isEqualTo(new Outcome.Recorded(AwaitingAcceptance));
    assertThat(Transitions.decide(Ongoing, Accept).isApplied()).isFalse();
  }

  @Test
  void anInitiatorWhoseTransportFinishesBeforeAnyAcceptanceCompletes() {
    assertThat(moveOf(AwaitingAcceptance, FinishTransfer)).isEqualTo(Completing);
  }

  @Test
  void openingAnExistingChannelAgainIsRefused() {
    assertThat(Transitions.decide(Requested, Open)).isEqualTo(new Outcome.Recorded(Requested));
    assertThat(Transitions.decide(Ongoing, Open).isApplied()).isFalse();
    assertThat(Transitions.decide(Queued, Open).isApplied()).isFalse();
  }

  // --- finishing --------------------------------------------------------------------------------

  @Test
  void aResponderWithoutFinalizationCompletesStraightFromOngoing() {
    assertThat(walk(Ongoing, Complete, CleanupComplete)).isEqualTo(Completed);
  }

  @Test
  void aResponderThatRequiresFinalizationWaitsForTheFinalVoucher() {
    assertThat(walk(Ongoing, BeginFinalizing)).isEqualTo(Finalizing);
    assertThat(walk(Ongoing, BeginFinalizing, NewVoucher, ResumeResponder, CleanupComplete))
        .isEqualTo(Completed);
    assertThat(walk(ResponderPaused, BeginFinalizing, Complete)).isEqualTo(Completing);
  }

  @Test
  void anInitiatorCompletesWhenBothItsSideAndTheResponderAreDoneInEitherOrder() {
    assertThat(walk(Ongoing, FinishTransfer, ResponderCompletes)).isEqualTo(Completing);
    assertThat(walk(Ongoing, ResponderCompletes)).isEqualTo(ResponderCompleted);
    assertThat(walk(Ongoing, ResponderCompletes, FinishTransfer)).isEqualTo(Completing);
  }

  @Test
  void anInitiatorFollowsTheRespondersFinalizationInEitherOrder() {
    assertThat(walk(Ongoing, ResponderBeginsFinalization)).isEqualTo(ResponderFinalizing);
    assertThat(walk(Ongoing, ResponderBeginsFinalization, FinishTransfer))
        .isEqualTo(ResponderFinalizingTransferFinished);
    assertThat(walk(Ongoing, FinishTransfer, ResponderBeginsFinalization))
        .isEqualTo(ResponderFinalizingTransferFinished);
    assertThat(
            walk(
                Ongoing,
                FinishTransfer,
                ResponderBeginsFinalization,
                NewVoucher,
                ResponderCompletes,
                CleanupComplete))
        .isEqualTo(Completed);
    assertThat(walk(Ongoing, ResponderBeginsFinalization, ResponderCompletes, FinishTransfer))
        .isEqualTo(Completing);
  }

  @Test
  void aRepeatedFinalizationNoticeDoesNotUndoAFinishedTransfer() {
    assertThat(Transitions.decide(ResponderFinalizingTransferFinished, ResponderBeginsFinalization))
        .isEqualTo(new Outcome.Recorded(ResponderFinalizingTransferFinished));
    assertThat(Transitions.decide(ResponderFinalizingTransferFinished, FinishTransfer))
        .isEqualTo(new Outcome.Recorded(ResponderFinalizingTransferFinished));
  }

  @Test
  void aResponderCompletingWhilePausedIsSimplyCompleted() {
    assertThat(moveOf(ResponderPaused, ResponderCompletes)).isEqualTo(ResponderCompleted);
  }

  @Test
  void finishingEventsOfOneRoleAreRefusedInTheOtherRolesStatuses() {
    for (EventCode e : List.of(FinishTransfer, ResponderCompletes, ResponderBeginsFinalization)) {
      assertThat(Transitions.decide(Finalizing, e).isApplied()).as("%s", e).isFalse();
    }
    for (Status s :
        List.of(
            TransferFinished,
            ResponderCompleted,
            ResponderFinalizing,
            ResponderFinalizingTransferFinished)) {
      assertThat(Transitions.decide(s, BeginFinalizing).isApplied()).as("%s", s).isFalse();
      assertThat(Transitions.decide(s, Complete).isApplied()).as("%s", s).isFalse();
    }
  }

  @Test
  void finishingEventsDuringCleanupAreRecordedWithoutLeavingIt() {
    for (Status s : List.of(Completing, Failing, Cancelling)) {
      for (EventCode e :
          List.of(
              FinishTransfer,
              ResponderCompletes,
              ResponderBeginsFinalization,
              BeginFinalizing,
              Complete)) {
        assertThat(Transitions.decide(s, e))
            .as("%s in %s", e, s)
            .isEqualTo(new Outcome.Recorded(s));
      }
    }
  }

  // --- data events ------------------------------------------------------------------------------

  @Test
  void dataEventsAreRecordedOnlyInTransferringStatuses() {
    Set<Status> transferring =
        EnumSet.of(
            AwaitingAcceptance,
            Ongoing,
            InitiatorPaused,
            ResponderPaused,
            BothPaused,
            TransferFinished,
            ResponderCompleted,
            ResponderFinalizing,
            ResponderFinalizingTransferFinished,
            Finalizing);
    for (EventCode e : DATA_EVENTS) {
      for (Status s : Status.values()) {
        Outcome o = Transitions.decide(s, e);
        if (transferring.contains(s)) {
          assertThat(o).as("%s in %s", e, s).isEqualTo(new Outcome.Recorded(s));
        } else {
          assertThat(o.isApplied()).as("%s in %s", e, s).isFalse();
        }
      }
    }
  }

  @Test
  void aDisconnectIsRecordedWithoutChangingTheStatus() {
    for (Status s : Transitions.ACTIVE) {
      assertThat(Transitions.decide(s, Disconnected)).isEqualTo(new Outcome.Recorded(s));
      assertThat(Transitions.decide(s, SendMessageError)).isEqualTo(new Outcome.Recorded(s));
    }
    assertThat(Transitions.decide(Cancelling, Disconnected))
        .isEqualTo(new Outcome.Recorded(Cancelling));
  }

  @Test
  void requestTimedOutIsNeverAccepted() {
    for (Status s : Status.values()) {
      Outcome o = Transitions.decide(s, RequestTimedOut);
      assertThat(o.isApplied()).isFalse();
    }
    assertThat(((Outcome.Refused) Transitions.decide(Ongoing, RequestTimedOut)).reason())
        .contains("never accepted");
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
