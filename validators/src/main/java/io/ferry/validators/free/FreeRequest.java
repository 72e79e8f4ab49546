package io.ferry.validators.free;

import io.ferry.channels.TypedVoucher;
import io.ferry.channels.spi.VoucherType;
import io.ferry.validators.VoucherCodec;

/**
 * The voucher of a request made without one: "serve this for free". It carries nothing; its type
 * alone asks the responder's {@link FreeValidator}.
 */
public record FreeRequest() {
  /** The type identifier on the wire and in the journal. */
  public static final String TYPE_ID = "ferry/free/1";

  /** The voucher type, for registration. */
  public static final VoucherType<FreeRequest> TYPE = VoucherType.of(TYPE_ID, FreeRequest.class);

  /** The voucher a request without a voucher carries, already encoded. */
  public static TypedVoucher voucher() {
    return new TypedVoucher(TYPE_ID, VoucherCodec.standard().encode(new FreeRequest()));
  }
}
