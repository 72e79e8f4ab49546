package io.ferry.validators;

import io.ferry.channels.PeerId;
import io.ferry.channels.spi.VoucherType;

/** Voucher and result types used by the registry tests. */
final class TestVouchers {
  private TestVouchers() {}

  record Ticket(String holder, long seats, byte[] stamp, PeerId issuer) {}

  record Receipt(String note) {}

  record Refill(long amount) {}

  static final VoucherType<Ticket> TICKET = VoucherType.of("test/ticket", Ticket.class);
  static final VoucherType<Receipt> RECEIPT = VoucherType.of("test/receipt", Receipt.class);
  static final VoucherType<Refill> REFILL = VoucherType.of("test/refill", Refill.class);
}
