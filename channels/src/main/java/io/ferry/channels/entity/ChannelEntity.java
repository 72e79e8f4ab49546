package io.ferry.channels.entity;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.entity.ChannelCommand.BeginOpen;
import io.ferry.channels.entity.ChannelCommand.Cancel;
import io.ferry.channels.entity.ChannelCommand.CompleteCleanup;
import io.ferry.channels.entity.ChannelCommand.DecideCompletion;
import io.ferry.channels.entity.ChannelCommand.DecideProgress;
import io.ferry.channels.entity.ChannelCommand.DecideRequest;
import io.ferry.channels.entity.ChannelCommand.DecideVoucher;
import io.ferry.channels.entity.ChannelCommand.FinishData;
import io.ferry.channels.entity.ChannelCommand.GetState;
import io.ferry.channels.entity.ChannelCommand.LetBlockCross;
import io.ferry.channels.entity.ChannelCommand.MarkAdmitted;
import io.ferry.channels.entity.ChannelCommand.MarkDisconnected;
import io.ferry.channels.entity.ChannelCommand.MarkQueued;
import io.ferry.channels.entity.ChannelCommand.MarkReconnected;
import io.ferry.channels.entity.ChannelCommand.MessageFailed;
import io.ferry.channels.entity.ChannelCommand.Open;
import io.ferry.channels.entity.ChannelCommand.Passivate;
import io.ferry.channels.entity.ChannelCommand.Pause;
import io.ferry.channels.entity.ChannelCommand.PauseAtLimit;
import io.ferry.channels.entity.ChannelCommand.ReceiveRequest;
import io.ferry.channels.entity.ChannelCommand.ReceiveResponse;
import io.ferry.channels.entity.ChannelCommand.ReceiverFailed;
import io.ferry.channels.entity.ChannelCommand.ReceiverReady;
import io.ferry.channels.entity.ChannelCommand.RecordProgress;
import io.ferry.channels.entity.ChannelCommand.Restart;
import io.ferry.channels.entity.ChannelCommand.Resume;
import io.ferry.channels.entity.ChannelCommand.ResumeCleanup;
import io.ferry.channels.entity.ChannelCommand.SendVoucher;
import io.ferry.channels.entity.ChannelCommand.TimeOut;
import io.ferry.channels.entity.Deadlines.Wait;
import io.ferry.channels.entity.EntityState.Active;
import io.ferry.channels.entity.EntityState.AwaitingRestart;
import io.ferry.channels.entity.EntityState.CleaningUp;
import io.ferry.channels.entity.EntityState.Ended;
import io.ferry.channels.entity.EntityState.Live;
import io.ferry.channels.entity.EntityState.NoChannel;
import io.ferry.channels.entity.EntityState.RestartedHere;
import java.util.Set;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilder;
import org.apache.pekko.persistence.typed.javadsl.CommandHandlerBuilderByState;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * One transfer channel as a persistent actor (one per {@link ChannelId}, reached through Cluster
 * Sharding). Every command that changes the channel first asks the transition table; refused events
 * persist nothing. Persisted events fold into an immutable {@link EntityState}; side effects
 * (messages, transport calls, validators) run after persisting, and asynchronous answers come back
 * as commands. The phase handlers live in {@link Opening}, {@link Running}, {@link Ending} and
 * {@link Restarting}. The actor keeps nothing beside its state: what only this incarnation knows (a
 * restart it began or answered, its data side) is folded from the events it wrote, which name it
 * ({@link EntityState}), and a request validated before any channel exists is a child's ({@link
 * OpenValidation}). The one exception is a command whose events the journal has not confirmed
 * ({@link JournalWrites}): a failed write restarts the persistent behavior, and that command must
 * outlive the restart to be handled again, or followed up, exactly once.
 */
public final class ChannelEntity
    extends EventSourcedBehavior<ChannelCommand, JournalEvent, EntityState> {

  /** The sharding entity type of channels; the entity id is the channel id's text form. */
  public static final EntityTypeKey<ChannelCommand> TYPE_KEY =
      EntityTypeKey.create(ChannelCommand.class, "Channel");

  /**
   * The journal tag on every channel event: the node's event stream ({@code /v1/events}) reads the
   * journal by this tag, and the tag's offsets are the stream's resumable event IDs.
   */
  public static final String EVENT_TAG = "ferry-channel";

  private static final Set<String> TAGS = Set.of(EVENT_TAG);

  private final ChannelId id;
  private final ChannelEnvironment env;
  private final Opening opening;
  private final Running running;
  private final Ending ending;
  private final Restarting restarting;
  private final PeerMessages peer;
  private final Actions actions;

  /** The command whose events the journal has not confirmed: outlives a restart after a failure. */
  private final JournalWrites writes;

  // ---- factory ----

  /**
   * The behavior of the channel named {@code entityId}.
   *
   * @param shard the sharding shard, asked to passivate the entity once it is terminal; null when
   *     the actor runs outside sharding (unit tests)
   */
  public static Behavior<ChannelCommand> create(
      String entityId, ChannelEnvironment env, ActorRef<ClusterSharding.ShardCommand> shard) {
    ChannelId id = ChannelId.parse(entityId); // a bad id fails here, naming itself
    return Behaviors.setup(
        context ->
            Behaviors.withTimers(
                timers -> {
                  ChannelEntity entity = new ChannelEntity(id, env, context, timers, shard);
                  return entity.writes.reportingRejections(entity);
                }));
  }

  /** The persistence id of a channel: {@code Channel|<channel id>}. */
  public static PersistenceId persistenceId(ChannelId id) {
    return PersistenceId.of(TYPE_KEY.name(), id.toString());
  }

  // ---- constructor ----

  private ChannelEntity(
      ChannelId id,
      ChannelEnvironment env,
      ActorContext<ChannelCommand> context,
      TimerScheduler<ChannelCommand> timers,
      ActorRef<ClusterSharding.ShardCommand> shard) {
    super(persistenceId(id), JournalWrites.ON_PERSIST_FAILURE);
    this.id = id;
    this.env = env;
    this.actions =
        new Actions(
            context,
            env,
            new Deadlines(timers, env.settings()),
            shard,
            UUID.randomUUID().toString());
    this.writes = new JournalWrites(actions, () -> lastSequenceNumber(context));
    Reactions reactions =
        new Reactions(Effect(), actions, writes, () -> lastSequenceNumber(context));
    this.opening = new Opening(actions, reactions);
    this.running = new Running(actions, reactions);
    this.ending = new Ending(actions, reactions);
    this.restarting = new Restarting(actions, reactions);
    this.peer = new PeerMessages(actions, reactions, opening, running, ending, restarting);
  }

  // ---- empty state ----

  @Override
  public EntityState emptyState() {
    return EntityState.EMPTY;
  }

  // ---- commands: queries first, then one block per phase, catch-all last ----

  /**
   * The handlers, by phase. The three active phases share {@link #active}, which comes after the
   * handlers only one of them has: a {@link Live} channel may begin a restart attempt and waits out
   * its backoff, one {@link AwaitingRestart} takes the answer to its request (or its failure), and
   * a restart under way ({@link AwaitingRestart}, {@link RestartedHere}) is not begun again.
   */
  @Override
  public CommandHandler<ChannelCommand, JournalEvent, EntityState> commandHandler() {
    CommandHandlerBuilder<ChannelCommand, JournalEvent, EntityState> builder =
        newCommandHandlerBuilder();
    noChannel(builder.forStateType(NoChannel.class));
    live(builder.forStateType(Live.class));
    awaitingRestart(builder.forStateType(AwaitingRestart.class));
    restartedHere(builder.forStateType(RestartedHere.class));
    active(builder.forStateType(Active.class));
    cleaningUp(builder.forStateType(CleaningUp.class));
    ended(builder.forStateType(Ended.class));
    CommandHandler<ChannelCommand, JournalEvent, EntityState> handlers = builder.build();
    return (state, command) -> {
      writes.handling(state, command);
      return handlers.apply(state, command);
    };
  }

  /** Before the first event: open, or validate a peer's request; nothing else has a channel. */
  private void noChannel(
      CommandHandlerBuilderByState<ChannelCommand, JournalEvent, NoChannel, EntityState> on) {
    on.onCommand(GetState.class, (s, c) -> Effect().reply(c.replyTo(), new ChannelReply.Unknown()))
        .onCommand(Open.class, (s, c) -> opening.open(c))
        .onCommand(BeginOpen.class, (s, c) -> opening.beginOpen(c))
        .onCommand(DecideRequest.class, (s, c) -> opening.decideWithoutChannel(c))
        .onCommand(ChannelCommand.Recheck.class, (s, c) -> running.recheckBeforeOpen(c))
        .onCommand(ReceiveRequest.class, (s, c) -> opening.requestWithoutChannel(c))
        .onCommand(Pause.class, (s, c) -> noSuchChannel(c.replyTo()))
        .onCommand(Resume.class, (s, c) -> noSuchChannel(c.replyTo()))
        .onCommand(SendVoucher.class, (s, c) -> noSuchChannel(c.replyTo()))
        .onCommand(
            ChannelCommand.WithReply.class,
            (s, c) -> Effect().reply(c.replyTo(), new ChannelReply.Unknown()))
        .onCommand(Passivate.class, (s, c) -> Effect().stop())
        .onAnyCommand(this::nothingToDo);
  }

  /** Active, no restart under way: a restart begins an attempt; a stalled channel backs off. */
  private void live(
      CommandHandlerBuilderByState<ChannelCommand, JournalEvent, Live, EntityState> on) {
    on.onCommand(Restart.class, (s, c) -> restarting.restart(s, c.replyTo()))
        .onCommand(
            PeerMessages::isRestartRequest,
            (s, c) ->
                peer.restartRequested(
                    s.channel(), (ReceiveRequest) c, st -> restarting.restart(s, null)))
        .onCommand(
            MarkReconnected.class,
            (s, c) -> s.channel().stalled() ? restarting.restart(s, null) : Effect().none())
        .onCommand(expired(Wait.RESTART), (s, c) -> restarting.backoffOver(s));
  }

  /** This incarnation's restart request awaits its answer: the attempt ends here. */
  private void awaitingRestart(
      CommandHandlerBuilderByState<ChannelCommand, JournalEvent, AwaitingRestart, EntityState> on) {
    on.onCommand(Restart.class, (s, c) -> restarting.restartUnderWay(s, c.replyTo()))
        .onCommand(
            PeerMessages::isRestartRequest,
            (s, c) ->
                peer.restartRequested(
                    s.channel(), (ReceiveRequest) c, st -> restarting.restartUnderWay(s, null)))
        .onCommand(
            PeerMessages::isRestartAnswer, (s, c) -> peer.restartAnswered(s, (ReceiveResponse) c))
        .onCommand(
            MarkReconnected.class,
            (s, c) -> s.channel().stalled() ? restarting.restartUnderWay(s, null) : Effect().none())
        .onCommand(
            MarkDisconnected.class, (s, c) -> restarting.disconnectedDuringAttempt(s, c.reason()))
        .onCommand(expired(Wait.RESTART_ANSWER), (s, c) -> restarting.unanswered(s))
        .onCommand(
            c -> c instanceof MessageFailed f && Restarting.isRestartRequest(f.type()),
            (s, c) -> restarting.attemptNotSent(s, ((MessageFailed) c).reason()));
  }

  /** Responder that restarted the channel in this incarnation: a wake-up finds it under way. */
  private void restartedHere(
      CommandHandlerBuilderByState<ChannelCommand, JournalEvent, RestartedHere, EntityState> on) {
    on.onCommand(Restart.class, (s, c) -> restarting.restartUnderWay(s, c.replyTo()))
        .onCommand(
            PeerMessages::isRestartRequest,
            (s, c) ->
                peer.restartRequested(
                    s.channel(), (ReceiveRequest) c, st -> restarting.restartUnderWay(s, null)))
        .onCommand(
            MarkReconnected.class,
            (s, c) ->
                s.channel().stalled() ? restarting.restartUnderWay(s, null) : Effect().none());
  }

  /** Opening, moving data or finishing, in any of the three phases above. */
  private void active(
      CommandHandlerBuilderByState<ChannelCommand, JournalEvent, Active, EntityState> on) {
    on.onCommand(GetState.class, (s, c) -> receipt(s, c.replyTo()))
        // opening and restarting
        .onCommand(Open.class, (s, c) -> alreadyExists(c))
        .onCommand(BeginOpen.class, (s, c) -> alreadyExists(c.open()))
        .onCommand(ReceiverReady.class, (s, c) -> opening.receiverReady(s.channel(), c))
        .onCommand(ReceiverFailed.class, (s, c) -> opening.receiverFailed(s, c))
        .onCommand(DecideRequest.class, (s, c) -> opening.decide(s.channel(), c))
        .onCommand(
            MarkDisconnected.class, (s, c) -> restarting.disconnected(s.channel(), c.reason()))
        // data, pauses, vouchers
        .onCommand(RecordProgress.class, (s, c) -> running.progress(s.channel(), c.progress()))
        .onCommand(PauseAtLimit.class, (s, c) -> running.pauseAtLimit(s.channel(), c))
        .onCommand(LetBlockCross.class, (s, c) -> running.letBlockCross(s.channel(), c))
        .onCommand(Pause.class, (s, c) -> running.pause(s.channel(), c.replyTo()))
        .onCommand(Resume.class, (s, c) -> running.resume(s, c.replyTo()))
        .onCommand(
            SendVoucher.class, (s, c) -> running.sendVoucher(s.channel(), c.voucher(), c.replyTo()))
        .onCommand(DecideVoucher.class, (s, c) -> running.applyVerdict(s, c.verdict(), true))
        .onCommand(DecideProgress.class, this::decideProgress)
        .onCommand(ChannelCommand.Recheck.class, (s, c) -> running.recheck(s.channel(), c))
        .onCommand(MarkQueued.class, (s, c) -> running.queued(s.channel(), c.reason()))
        .onCommand(MarkAdmitted.class, (s, c) -> running.admitted(s.channel()))
        // ending
        .onCommand(FinishData.class, (s, c) -> ending.dataFinished(s.channel(), c.error()))
        .onCommand(
            DecideCompletion.class, (s, c) -> ending.completionDecided(s.channel(), c.verdict()))
        .onCommand(Cancel.class, (s, c) -> ending.cancel(s.channel(), c.reason(), c.replyTo()))
        .onCommand(TimeOut.class, (s, c) -> ending.timedOut(s, c.expired()))
        .onCommand(
            MessageFailed.class,
            (s, c) ->
                restarting.isLastWord(s.channel(), c.type())
                    ? restarting.lastWordNotSent(s.channel(), c.reason())
                    : ending.messageFailed(s.channel(), c))
        // messages from the other peer
        .onCommand(ReceiveRequest.class, (s, c) -> peer.request(s, c))
        .onCommand(ReceiveResponse.class, (s, c) -> peer.response(s.channel(), c))
        .onCommand(Passivate.class, (s, c) -> Effect().stop())
        .onAnyCommand(this::nothingToDo);
  }

  /** Cleanup runs: it finishes (or resumes after a stop); asks are answered with the state. */
  private void cleaningUp(
      CommandHandlerBuilderByState<ChannelCommand, JournalEvent, CleaningUp, EntityState> on) {
    on.onCommand(GetState.class, (s, c) -> receipt(s, c.replyTo()))
        .onCommand(Open.class, (s, c) -> alreadyExists(c))
        .onCommand(BeginOpen.class, (s, c) -> alreadyExists(c.open()))
        .onCommand(CompleteCleanup.class, (s, c) -> ending.cleanupDone(s.channel()))
        .onCommand(ResumeCleanup.class, (s, c) -> ending.resumeCleanup(s.channel()))
        .onCommand(Restart.class, (s, c) -> restarting.restartEnding(s.channel(), c.replyTo()))
        .onCommand(Cancel.class, (s, c) -> receipt(s, c.replyTo()))
        .onCommand(ReceiveRequest.class, (s, c) -> peer.requestWhenEnding(s.channel(), c))
        .onCommand(DecideRequest.class, (s, c) -> opening.decideWhenEnding(c))
        .onCommand(Passivate.class, (s, c) -> Effect().stop())
        .onCommand(ChannelCommand.WithReply.class, (s, c) -> notRunning(s, c.replyTo()))
        .onAnyCommand(this::nothingToDo);
  }

  /** Terminal: the channel answers questions, refuses changes, and tells peers it has ended. */
  private void ended(
      CommandHandlerBuilderByState<ChannelCommand, JournalEvent, Ended, EntityState> on) {
    on.onCommand(GetState.class, (s, c) -> receipt(s, c.replyTo()))
        .onCommand(Open.class, (s, c) -> alreadyExists(c))
        .onCommand(BeginOpen.class, (s, c) -> alreadyExists(c.open()))
        .onCommand(Restart.class, (s, c) -> restarting.restartEnding(s.channel(), c.replyTo()))
        .onCommand(Cancel.class, (s, c) -> ending.cancel(s.channel(), c.reason(), c.replyTo()))
        .onCommand(ReceiveRequest.class, (s, c) -> peer.requestWhenEnding(s.channel(), c))
        .onCommand(DecideRequest.class, (s, c) -> opening.decideWhenEnding(c))
        .onCommand(Passivate.class, (s, c) -> Effect().stop())
        .onCommand(ChannelCommand.WithReply.class, (s, c) -> notRunning(s, c.replyTo()))
        .onAnyCommand(this::nothingToDo);
  }

  /** Matches a {@link TimeOut} of {@code wait}. */
  private static java.util.function.Predicate<ChannelCommand> expired(Wait wait) {
    return c -> c instanceof TimeOut t && t.expired() == wait;
  }

  private Effect<JournalEvent, EntityState> receipt(
      EntityState s, org.apache.pekko.actor.typed.ActorRef<ChannelReply> replyTo) {
    return Effect().reply(replyTo, new ChannelReply.Receipt(s.channel()));
  }

  private Effect<JournalEvent, EntityState> alreadyExists(Open open) {
    return Effect()
        .reply(
            open.replyTo(),
            new ChannelReply.Refusal("channel " + open.channelId() + " already exists"));
  }

  private Effect<JournalEvent, EntityState> noSuchChannel(
      org.apache.pekko.actor.typed.ActorRef<ChannelReply> replyTo) {
    return Effect().reply(replyTo, new ChannelReply.Refusal("no such channel"));
  }

  private Effect<JournalEvent, EntityState> notRunning(
      EntityState s, org.apache.pekko.actor.typed.ActorRef<ChannelReply> replyTo) {
    ChannelState state = s.channel();
    return Effect()
        .reply(
            replyTo,
            new ChannelReply.Refusal("channel " + state.channelId() + " is " + state.status()));
  }

  /** A command with nothing to do in this phase (a late answer, a timer that outlived its wait). */
  private Effect<JournalEvent, EntityState> nothingToDo(EntityState s, ChannelCommand c) {
    actions.log().debug("nothing to do for {} in {}", c.getClass().getSimpleName(), phase(s));
    return Effect().none();
  }

  private static String phase(EntityState s) {
    return s.exists() ? s.channel().status().toString() : "no channel";
  }

  private Effect<JournalEvent, EntityState> decideProgress(Active s, DecideProgress c) {
    return c.verdict().isPresent()
        ? running.applyVerdict(s, c.verdict().get(), false)
        : Effect().none();
  }

  // ---- events: a pure fold ----

  @Override
  public EventHandler<EntityState, JournalEvent> eventHandler() {
    return newEventHandlerBuilder()
        .forAnyState()
        .onAnyEvent((state, event) -> state.apply(event, actions.incarnation()));
  }

  /** Every event carries {@link #EVENT_TAG}, in journal order across all channels. */
  @Override
  public Set<String> tagsFor(JournalEvent event) {
    return TAGS;
  }

  // ---- signals: after recovery, resume what was in flight (a command whose write failed too) ----

  @Override
  public SignalHandler<EntityState> signalHandler() {
    return newSignalHandlerBuilder()
        .onSignal(
            RecoveryCompleted.instance(),
            s -> {
              env.listener().running(id);
              writes.recovered(s);
              actions.updateDeadlines(s);
              if (s instanceof CleaningUp) {
                actions.tellSelf(new ResumeCleanup());
              }
            })
        .onSignal(PostStop.instance(), s -> env.listener().stopped(id))
        .build();
  }

  // ---- retention: snapshot every N events, keep two, as a successor recovers them ----

  @Override
  public RetentionCriteria retentionCriteria() {
    return RetentionCriteria.snapshotEvery(env.settings().snapshotEvery(), 2);
  }

  /**
   * Snapshots keep the phase as a successor recovers it: no restart phase of this incarnation, and
   * nothing of its data side.
   */
  @Override
  public SnapshotAdapter<EntityState> snapshotAdapter() {
    return new SnapshotAdapter<>() {
      @Override
      public Object toJournal(EntityState state) {
        return EntityState.recovered(state);
      }

      @Override
      public EntityState fromJournal(Object from) {
        return EntityState.recovered((EntityState) from);
      }
    };
  }
}
