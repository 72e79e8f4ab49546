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
}
