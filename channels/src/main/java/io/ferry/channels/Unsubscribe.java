package io.ferry.channels;

/** Ends a subscription (go-data-transfer's {@code Unsubscribe}). Calling it twice is harmless. */
@FunctionalInterface
public interface Unsubscribe extends AutoCloseable {
  void unsubscribe();

  @Override
  default void close() {
    unsubscribe();
  }
}
