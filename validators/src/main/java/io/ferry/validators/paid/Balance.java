package io.ferry.validators.paid;

/**
 * The client's budget at one moment.
 *
 * @param budget everything deposited
 * @param reserved set aside for running channels and not spent yet
 * @param spent acknowledged by responders (running channels) or final (ended channels)
 * @param available free for new reservations: {@code budget - reserved - spent}
 */
public record Balance(long budget, long reserved, long spent, long available) {}
