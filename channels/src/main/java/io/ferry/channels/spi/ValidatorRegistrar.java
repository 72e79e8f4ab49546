package io.ferry.channels.spi;

/**
 * Where validators are registered (the registration half of go-data-transfer's Manager).
 * Registering a type identifier twice is an error.
 */
public interface ValidatorRegistrar {
  /** Decodes vouchers of this type and validates requests that carry them. */
  <V> void registerVoucherType(VoucherType<V> type, RequestValidator<V> validator);

  /** Revalidates channels with vouchers of this type (may be the same type as above). */
  <V> void registerRevalidator(VoucherType<V> type, Revalidator<V> revalidator);

  /** Lets voucher results of this type be encoded and decoded. */
  <R> void registerVoucherResultType(VoucherType<R> type);

  /**
   * Where this node's plug-ins ask it to look at a channel again (see {@link ValidationUpdates}).
   * The same handle for every plug-in; calls made before the node started its channels are dropped
   * (a channel restarted later is validated afresh).
   */
  ValidationUpdates updates();
}
