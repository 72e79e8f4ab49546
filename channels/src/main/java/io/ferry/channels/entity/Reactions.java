package io.ferry.channels.entity;

import io.ferry.channels.ChannelState;
import java.util.function.Consumer;
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
  private final LongSupplier lastSequenceNr;

  Reactions(
      EffectFactories<JournalEvent, EntityState> effects,
      Actions actions,
      LongSupplier lastSequenceNr) {
    this.effects = effects;
    this.actions = actions;
    this.lastSequenceNr = lastSequenceNr;
  }

  /** Persists the plan and then runs {@code then} with the new state. */
  Effect<JournalEvent, EntityState> persist(Plan plan, Consumer<ChannelState> then) {
    return build(plan, then);
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
    return build(plan, then).thenReply(replyTo, s -> new ChannelReply.Receipt(s.channel()));
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

  private EffectBuilder<JournalEvent, EntityState> build(Plan plan, Consumer<ChannelState> then) {
    if (plan.refused()) {
      actions.log().debug("nothing persisted: {}", plan.refusal());
      return effects.none();
    }
    if (plan.isEmpty()) {
      return effects.none().thenRun((EntityState s) -> then.accept(s.channel()));
    }
    return effects
        .persist(plan.events())
        .thenRun(
            (EntityState s) -> {
              actions.persisted(plan, lastSequenceNr.getAsLong());
              then.accept(s.channel());
            });
  }
}
