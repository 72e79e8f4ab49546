package io.ferry.channels.fsm;

import static io.ferry.channels.EventCode.*;
import static io.ferry.channels.Status.*;
import static io.ferry.channels.fsm.Target.justRecord;
import static io.ferry.channels.fsm.Target.noChange;
import static io.ferry.channels.fsm.Target.to;

import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The channel lifecycle: every legal (status, event) move, as one table of {@link Rule}s. The
 * channel actor asks {@link #decide} before it persists an event; nothing else decides a status.
 *
 * <p>Semantics (go-data-transfer v1's, via go-statemachine): a rule naming a status overrides the
 * event's from-any rule; an event with no rule for the current status is refused with a reason and
 * changes nothing; terminal statuses refuse every event; entering a cleanup status (Completing,
 * Failing, Cancelling) makes the actor clean up and then apply {@link EventCode#CleanupComplete}.
 * Ferry's own changes to go's table are listed, with reasons, in {@code docs/channel-lifecycle.md}.
 */
public final class Transitions {

  /** Marker for a from-any rule: every non-terminal status, unless a rule names it. */
  private static final Set<Status> ANY = Set.of();

  /** Not started, transferring or finishing: every non-terminal status except the cleanup ones. */
  static final Set<Status> ACTIVE =
      EnumSet.of(
          Requested,
          Queued,
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

  /** Cleanup runs here, then {@link EventCode#CleanupComplete} makes the channel terminal. */
  static final Set<Status> CLEANUP = EnumSet.of(Completing, Failing, Cancelling);

  /** Data moves: the transport is running (or paused) on both sides. */
  static final Set<Status> RUNNING =
      EnumSet.of(Ongoing, InitiatorPaused, ResponderPaused, BothPaused);

  /**
   * Where data events are recorded: from the moment the request went out (or the slot was granted)
   * until cleanup, including the finishing statuses, since the last blocks' reports can trail the
   * transport's "finished". That is every active status except the two before any transfer exists
   * (a sender queued again reports what it sent before it gives its slot back).
   */
  static final Set<Status> TRANSFERRING = except(ACTIVE, Requested, Queued);

  private static final List<Rule> RULES =
      List.of(
          // --- opening and acceptance ---------------------------------------------------------
          rule(Open, of(Requested), justRecord()),
          rule(Accept, of(Requested), to(Queued)),
          rule(Accept, of(AwaitingAcceptance), to(Ongoing)),
          rule(TransferInitiated, of(Requested), to(AwaitingAcceptance)),
          rule(TransferInitiated, of(Queued), to(Ongoing)),
          rule(TransferInitiated, TRANSFERRING, justRecord()),
          rule(TransferRequestQueued, of(Ongoing), to(Queued)),
          rule(TransferRequestQueued, ANY, justRecord()),
          rule(Opened, ANY, justRecord()),
          rule(Restart, ACTIVE, justRecord()),
          rule(RestartRequested, ACTIVE, justRecord()),
          // --- data: recorded only while a transfer is under way ---------------------------------
          rule(DataReceived, TRANSFERRING, justRecord()),
          rule(DataSent, TRANSFERRING, justRecord()),
          rule(DataQueued, TRANSFERRING, justRecord()),
          rule(DataQueuedProgress, TRANSFERRING, justRecord()),
          rule(DataSentProgress, TRANSFERRING, justRecord()),
          rule(DataReceivedProgress, TRANSFERRING, justRecord()),
          rule(Progress, TRANSFERRING, justRecord()),
          // --- vouchers, limits, connection trouble: recorded, the actor updates the state -------
          rule(NewVoucher, ANY, justRecord()),
          rule(NewVoucherResult, ANY, justRecord()),
          rule(SetDataLimit, ANY, justRecord()),
          rule(SetRequiresFinalization, ANY, justRecord()),
          rule(Disconnected, ANY, justRecord()),
          rule(SendMessageError, ANY, justRecord()),
          rule(SendDataError, ANY, justRecord()),
          rule(ReceiveDataError, ANY, justRecord()),
          rule(RequestCancelled, ANY, justRecord()),
          // --- pause and resume: statuses while running, flags elsewhere -------------------------
          rule(PauseInitiator, of(Ongoing), to(InitiatorPaused)),
          rule(PauseInitiator, of(ResponderPaused), to(BothPaused)),
          rule(PauseInitiator, except(ACTIVE, Ongoing, ResponderPaused), justRecord()),
          rule(ResumeInitiator, of(InitiatorPaused), to(Ongoing)),
          rule(ResumeInitiator, of(BothPaused), to(ResponderPaused)),
          rule(ResumeInitiator, except(ACTIVE, InitiatorPaused, BothPaused), justRecord()),
          rule(PauseResponder, of(Ongoing), to(ResponderPaused)),
          rule(PauseResponder, of(InitiatorPaused), to(BothPaused)),
          rule(PauseResponder, except(ACTIVE, Ongoing, InitiatorPaused), justRecord()),
          rule(DataLimitExceeded, of(Ongoing), to(ResponderPaused)),
          rule(DataLimitExceeded, of(InitiatorPaused), to(BothPaused)),
          rule(DataLimitExceeded, except(ACTIVE, Ongoing, InitiatorPaused), justRecord()),
          rule(ResumeResponder, of(ResponderPaused), to(Ongoing)),
          rule(ResumeResponder, of(BothPaused), to(InitiatorPaused)),
          rule(ResumeResponder, of(Finalizing), to(Completing)),
          rule(
              ResumeResponder,
              except(ACTIVE, ResponderPaused, BothPaused, Finalizing),
              justRecord()),
          // --- finishing, initiator side ---------------------------------------------------------
          rule(FinishTransfer, RUNNING, to(TransferFinished)),
          rule(FinishTransfer, of(AwaitingAcceptance), to(Completing)),
          rule(FinishTransfer, of(ResponderCompleted), to(Completing)),
          rule(FinishTransfer, of(ResponderFinalizing), to(ResponderFinalizingTransferFinished)),
          rule(
              FinishTransfer,
              of(TransferFinished, ResponderFinalizingTransferFinished),
              justRecord()),
          rule(FinishTransfer, CLEANUP, justRecord()),
          rule(ResponderCompletes, union(RUNNING, of(AwaitingAcceptance)), to(ResponderCompleted)),
          rule(ResponderCompletes, of(ResponderCompleted), justRecord()),
          rule(ResponderCompletes, of(ResponderFinalizing), to(ResponderCompleted)),
          rule(ResponderCompletes, of(TransferFinished), to(Completing)),
          rule(ResponderCompletes, of(ResponderFinalizingTransferFinished), to(Completing)),
          rule(ResponderCompletes, CLEANUP, justRecord()),
          rule(
              ResponderBeginsFinalization,
              union(RUNNING, of(AwaitingAcceptance, ResponderCompleted)),
              to(ResponderFinalizing)),
          rule(
              ResponderBeginsFinalization,
              of(TransferFinished),
              to(ResponderFinalizingTransferFinished)),
          rule(
              ResponderBeginsFinalization,
              of(ResponderFinalizing, ResponderFinalizingTransferFinished),
              justRecord()),
          rule(ResponderBeginsFinalization, CLEANUP, justRecord()),
          // --- finishing, responder side ---------------------------------------------------------
          rule(BeginFinalizing, RUNNING, to(Finalizing)),
          rule(BeginFinalizing, of(Finalizing), justRecord()),
          rule(BeginFinalizing, CLEANUP, justRecord()),
          rule(Complete, union(RUNNING, of(Finalizing)), to(Completing)),
          rule(Complete, CLEANUP, justRecord()),
          // --- failure and cancellation: from anywhere, but an ending keeps its outcome ----------
          rule(Cancel, ANY, to(Cancelling)),
          rule(Cancel, CLEANUP, justRecord()),
          rule(Error, ANY, to(Failing)),
          rule(Error, CLEANUP, justRecord()),
          // --- cleanup ---------------------------------------------------------------------------
          rule(CleanupComplete, of(Completing), to(Completed)),
          rule(CleanupComplete, of(Failing), to(Failed)),
          rule(CleanupComplete, of(Cancelling), to(Cancelled)),
          rule(CompleteCleanupOnRestart, CLEANUP, noChange())
          // RequestTimedOut has no rule: go-data-transfer deprecated it and never fires it.
          );

  /** event -> (status -> target), with from-any rules expanded and overridden. */
  private static final Map<EventCode, Map<Status, Target>> TABLE = compile(RULES);

  private Transitions() {}

  /** What happens when {@code event} arrives while the channel is in {@code from}. */
  public static Outcome decide(Status from, EventCode event) {
    if (from == ChannelNotFoundError) {
      return new Outcome.Refused(
          from,
          event,
          event + " refused: ChannelNotFoundError is not a channel status (there is no channel)");
    }
    if (from.isTerminal()) {
      return new Outcome.Refused(
          from,
          event,
          event + " refused: the channel is " + from + ", a terminal status that accepts no event");
    }
    Target target = TABLE.get(event).get(from);
    if (target == null) {
      return new Outcome.Refused(from, event, refusal(from, event));
    }
    if (target instanceof Target.To t) {
      return new Outcome.Moved(from, t.status());
    }
    if (target instanceof Target.NoChange) {
      return new Outcome.Moved(from, from);
    }
    return new Outcome.Recorded(from);
  }

  /** The table, in the order it is written. */
  public static List<Rule> rules() {
    return RULES;
  }

  /** The target for {@code event} in {@code from} after overriding, if any. */
  public static Optional<Target> target(Status from, EventCode event) {
    return Optional.ofNullable(TABLE.get(event).get(from));
  }

  /** The statuses in which {@code event} is accepted, in enum order. */
  public static Set<Status> acceptedIn(EventCode event) {
    return Collections.unmodifiableSet(allOf(TABLE.get(event).keySet()));
  }

  /**
   * Statuses a channel can be in and still accept events: not terminal, not the not-found answer.
   */
  static boolean isLive(Status status) {
    return !status.isTerminal() && status != ChannelNotFoundError;
  }

  private static String refusal(Status from, EventCode event) {
    Set<Status> accepted = acceptedIn(event);
    String where =
        accepted.isEmpty()
            ? "it is never accepted"
            : "it is accepted only in "
                + accepted.stream().map(Status::name).collect(Collectors.joining(", "));
    return event + " is not allowed while the channel is " + from + " (" + where + ")";
  }

  // --- building the table -----------------------------------------------------------------------

  private static Rule rule(EventCode event, Set<Status> from, Target target) {
    return new Rule(event, from, target);
  }

  private static Set<Status> of(Status first, Status... rest) {
    return EnumSet.of(first, rest);
  }

  private static Set<Status> union(Set<Status> a, Set<Status> b) {
    EnumSet<Status> all = allOf(a);
    all.addAll(b);
    return all;
  }

  private static Set<Status> except(Set<Status> set, Status... removed) {
    EnumSet<Status> rest = allOf(set);
    for (Status s : removed) {
      rest.remove(s);
    }
    return rest;
  }

  private static EnumSet<Status> allOf(Set<Status> set) {
    EnumSet<Status> copy = EnumSet.noneOf(Status.class);
    copy.addAll(set);
    return copy;
  }

  /**
   * Expands the rules into a lookup table and rejects a table that is ambiguous: two specific rules
   * for the same (event, status), or two from-any rules for one event.
   */
  static Map<EventCode, Map<Status, Target>> compile(List<Rule> rules) {
    Map<EventCode, Map<Status, Target>> specific = new EnumMap<>(EventCode.class);
    Map<EventCode, Target> any = new EnumMap<>(EventCode.class);
    for (Rule r : rules) {
      if (r.fromAny()) {
        if (any.put(r.event(), r.target()) != null) {
          throw new IllegalStateException("two from-any rules for " + r.event());
        }
        continue;
      }
      Map<Status, Target> row =
          specific.computeIfAbsent(r.event(), e -> new EnumMap<>(Status.class));
      for (Status s : r.from()) {
        if (row.put(s, r.target()) != null) {
          throw new IllegalStateException("two rules for " + r.event() + " in " + s);
        }
      }
    }
    Map<EventCode, Map<Status, Target>> table = new EnumMap<>(EventCode.class);
    for (EventCode e : EventCode.values()) {
      Map<Status, Target> row = new EnumMap<>(Status.class);
      for (Status s : Status.values()) {
        Target t = specific.getOrDefault(e, Map.of()).get(s);
        if (t == null && isLive(s)) {
          t = any.get(e);
        }
        if (t != null) {
          row.put(s, t);
        }
      }
      table.put(e, Collections.unmodifiableMap(row));
    }
    return Collections.unmodifiableMap(table);
  }
}
