package io.ferry.channels.entity;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.validation.Verdict;
import io.ferry.channels.wire.TransferRequest;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A responder's validation of a new request, before any channel exists: a child of the channel's
 * actor with one behaviour per phase ({@link #idle}, {@link #validating}, {@link #accepted}).
 * Nothing about a request that may be refused goes to the journal (a refused request leaves no
 * channel), so this phase cannot be part of the persisted state; it lives here, in the behaviour,
 * instead of in a flag beside it. A request that arrives again while the first is validated (the
 * initiator restarted before the answer came) is not validated twice: a validator may count or
 * reserve per request. Once one was accepted the channel exists, and its actor answers repeats
 * itself.
 */
final class OpenValidation {
  /** The child's name under the channel's actor. */
  static final String NAME = "open-validation";

  /** What the child is told. */
  sealed interface Command {}

  /** Validate a new request from {@code from}. */
  record Validate(PeerId from, TransferRequest request) implements Command {}

  /** The validation answered. */
  private record Decided(ChannelCommand.DecideRequest decision) implements Command {}

  private final ActorContext<Command> context;
  private final ActorRef<ChannelCommand> channel;
  private final ChannelEnvironment env;

  private OpenValidation(
      ActorContext<Command> context, ActorRef<ChannelCommand> channel, ChannelEnvironment env) {
    this.context = context;
    this.channel = channel;
    this.env = env;
  }

  /** The validation child of {@code channel}, idle. */
  static Behavior<Command> create(ActorRef<ChannelCommand> channel, ChannelEnvironment env) {
    return Behaviors.setup(context -> new OpenValidation(context, channel, env).idle());
  }

  /** No request under validation: the next one is validated. */
  private Behavior<Command> idle() {
    return Behaviors.receive(Command.class)
        .onMessage(Validate.class, this::validate)
        .onMessage(Decided.class, d -> Behaviors.same())
        .build();
  }

  /** A request is validated: repeats wait for its answer, which goes to the channel. */
  private Behavior<Command> validating() {
    return Behaviors.receive(Command.class)
        .onMessage(Validate.class, v -> Behaviors.same())
        .onMessage(
            Decided.class,
            d -> {
              channel.tell(d.decision());
              return d.decision().verdict().isAccepted() ? accepted() : idle();
            })
        .build();
  }

  /** Accepted: the channel exists; a repeat that was already on its way here is not validated. */
  private static Behavior<Command> accepted() {
    return Behaviors.ignore();
  }

  /** Records the channel with the node and validates the request, together. */
  private Behavior<Command> validate(Validate v) {
    TransferRequest request = v.request();
    ChannelId id = new ChannelId(v.from(), env.self(), request.transferId());
    CompletionStage<Verdict> verdict =
        env.validation()
            .validateRequest(
                false,
                request.pull(),
                id,
                v.from(),
                request.voucher(),
                request.baseCid(),
                request.selector());
    CompletionStage<Verdict> both =
        env.listener().register(id).thenCombine(verdict, (registered, answer) -> answer);
    context.pipeToSelf(
        both,
        (answer, error) ->
            new Decided(
                new ChannelCommand.DecideRequest(
                    v.from(),
                    request,
                    error == null
                        ? answer
                        : Verdict.reject("could not validate: " + Actions.cause(error)))));
    return validating();
  }
}
