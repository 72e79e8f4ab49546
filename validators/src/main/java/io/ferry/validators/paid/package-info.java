/**
 * Paid retrieval, Filecoin-style: the responder serves a pull in payment intervals that grow by a
 * fixed increase, pausing at each interval's data limit until the initiator sends a signed voucher
 * for the cumulative amount owed, and asks for a final payment when the transfer completes with
 * something still owed. The responder keeps what each channel owes and has paid in a journal; the
 * client side ({@link io.ferry.validators.paid.PaymentClient}) pays automatically from a budget,
 * reserving before, spending once the responder acknowledges and releasing what an ended channel
 * did not use, with its own journal. Both journals make payments survive restarts and are
 * idempotent by nonce.
 */
package io.ferry.validators.paid;
