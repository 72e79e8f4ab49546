package io.ferry.channels.spi;

/**
 * A plug-in: registers voucher types and validators when a node starts. Found with {@link
 * java.util.ServiceLoader}: list the implementing class in {@code
 * META-INF/services/io.ferry.channels.spi.ValidatorProvider} inside the jar and put the jar on the
 * node's classpath or in its plugins directory.
 */
public interface ValidatorProvider extends AutoCloseable {
  /** A short name, used for the plug-in's settings and in logs. */
  String name();

  /** Registers this plug-in's types and validators. */
  void register(ValidatorRegistrar registrar, ValidatorContext context);

  /**
   * The node is stopping and will not call this plug-in again: release what {@link #register}
   * opened (files, connections, threads). Called once per registration, after the node's channels
   * have stopped. The default does nothing, so plug-ins without resources need not implement it.
   */
  @Override
  default void close() {}
}
