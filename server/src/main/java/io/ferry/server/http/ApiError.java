package io.ferry.server.http;

/**
 * The body of every error answer: a short, stable error word and a sentence on what was wrong.
 *
 * @param error e.g. {@code unauthorized}, {@code not-found}, {@code bad-request}, {@code conflict}
 * @param detail what exactly was wrong, naming the value at fault
 */
public record ApiError(String error, String detail) {}
