package io.ferry.channels.fsm;

import static io.ferry.channels.EventCode.*;
import static io.ferry.channels.Status.*;
import static io.ferry.channels.fsm.LifecycleWalk.moveOf;
import static io.ferry.channels.fsm.LifecycleWalk.walk;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The lifecycle's paths: pausing, opening, finishing and data, walked event by event. */
class LifecyclePathsTest {

  private static final List<EventCode> DATA_EVENTS =
      List.of(
          DataReceived,
          DataSent,
          DataQueued,
          DataQueuedProgress,
          DataSentProgress,
          DataReceivedProgress,
          Progress);

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
}
