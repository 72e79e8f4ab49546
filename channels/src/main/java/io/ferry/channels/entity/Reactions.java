package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EffectBuilder;
import org.apache.pekko.persistence.typed.javadsl.EffectFactories;

/**
 * Turns a {@link Plan} into a Pekko effect: a refused plan persists nothing (and answers with the
 * reason), an accepted one is persisted in one write, then subscribers hear of each event, timers
 * follow the new state, cleanup starts if it was entered, and the handler's own follow-up runs.
 */
final class Reactions {
  private final EffectFactories<JournalEvent, EntityState> effects;
  private final Actions actions;
  private final JournalWrites writes;
  private final LongSupplier lastSequenceNr;

  Reactions(
      EffectFactories<JournalEvent, EntityState> effects,
      Actions actions,
      JournalWrites writes,
      LongSupplier lastSequenceNr) {
    this.effects = effects;
    this.actions = actions;
    this.writes = writes;
    this.lastSequenceNr = lastSequenceNr;
  }

  /** Persists the plan and then runs {@code then} with the new state. */
  Effect<JournalEvent, EntityState> persist(Plan plan, Consumer<ChannelState> then) {
    return build(plan, s -> then.accept(s.channel()));
  }

  /**
   * Persists the plan and then runs {@code then} with the phase it leaves the channel in (an active
   * one: nothing runs when the plan ended the channel).
   */
  Effect<JournalEvent, EntityState> persistThen(Plan plan, Consumer<EntityState.Active> then) {
    return build(plan, active(then));
  }

  /**
   * Persists the plan, runs {@code then} with the phase it leaves the channel in, and answers
   * {@code replyTo} (when not null) with what {@code reply} makes of the new state.
   */
  Effect<JournalEvent, EntityState> persistThenAnswer(
      Plan plan,
      ActorRef<ChannelReply> replyTo,
      Function<EntityState, ChannelReply> reply,
      Consumer<EntityState.Active> then) {
    EffectBuilder<JournalEvent, EntityState> persisted = build(plan, active(then));
    return replyTo == null ? persisted : persisted.thenReply(replyTo, reply::apply);
  }

  private static Consumer<EntityState> active(Consumer<EntityState.Active> then) {
    return s -> {
      if (s instanceof EntityState.Active active) {
        then.accept(active);
      }
    };
  }

  /** Persists the plan; nothing else to do. */
  Effect<JournalEvent, EntityState> persist(Plan plan) {
    return build(plan, s -> {});
  }

  /** Persists the plan and answers {@code replyTo} with a receipt, or the refusal. */
  Effect<JournalEvent, EntityState> reply(
      Plan plan, ActorRef<ChannelReply> replyTo, Consumer<ChannelState> then) {
    if (plan.refused()) {
      return effects.reply(replyTo, new ChannelReply.Refusal(plan.refusal()));
    }
    return build(plan, s -> then.accept(s.channel()))
        .thenReply(replyTo, s -> new ChannelReply.Receipt(s.channel()));
  }

  /**
   * Persists the plan, runs {@code then} with the phase it leaves the channel in, and answers
   * {@code replyTo} with a receipt, or the refusal.
   */
  Effect<JournalEvent, EntityState> replyThen(
      Plan plan, ActorRef<ChannelReply> replyTo, Consumer<EntityState.Active> then) {
    if (plan.refused()) {
      return effects.reply(replyTo, new ChannelReply.Refusal(plan.refusal()));
    }
    return build(plan, active(then)).thenReply(replyTo, s -> new ChannelReply.Receipt(s.channel()));
  }

  /** Answers when there is someone to answer, without changing anything. */
  Effect<JournalEvent, EntityState> maybeAnswer(
      ActorRef<ChannelReply> replyTo, ChannelReply reply) {
    return replyTo == null ? none() : answer(replyTo, reply);
  }

  /** Answers without changing anything. */
  Effect<JournalEvent, EntityState> answer(ActorRef<ChannelReply> replyTo, ChannelReply reply) {
    return effects.reply(replyTo, reply);
  }

  /** Answers with the channel's current state. */
  Effect<JournalEvent, EntityState> receipt(ActorRef<ChannelReply> replyTo, ChannelState state) {
    return effects.reply(replyTo, new ChannelReply.Receipt(state));
  }

  Effect<JournalEvent, EntityState> none() {
    return effects.none();
  }

  private EffectBuilder<JournalEvent, EntityState> build(Plan plan, Consumer<EntityState> then) {
    if (plan.refused()) {
      actions.log().debug("nothing persisted: {}", plan.refusal());
      return effects.none();
    }
    if (plan.isEmpty()) {
      return effects.none().thenRun(then::accept);
    }
    Consumer<EntityState> after =
        s -> {
          actions.persisted(plan, lastSequenceNr.getAsLong(), s);
          then.accept(s);
        };
    writes.writing(after);
    return effects
        .persist(plan.events())
        .thenRun(
            (EntityState s) -> {
              writes.written();
              after.accept(s);
            });
  }
}
