/**
 * The channel lifecycle as one declarative table: every legal move of a transfer channel is a
 * {@link io.ferry.channels.fsm.Rule} (event, from-statuses, {@link io.ferry.channels.fsm.Target}),
 * and {@link io.ferry.channels.fsm.Transitions#decide} turns a status and an event into an {@link
 * io.ferry.channels.fsm.Outcome}. The channel actor consults it before persisting anything; the
 * lifecycle diagram in {@code docs/channel-lifecycle.md} is generated from it by {@link
 * io.ferry.channels.fsm.LifecycleDiagram}. Plain Java, no actors, no side effects.
 */
package io.ferry.channels.fsm;
