/**
 * Serving without payment: the voucher a request carries when its initiator gave none ({@link
 * io.ferry.validators.free.FreeRequest}, type {@code ferry/free/1}) and the built-in validator that
 * accepts it according to the node's {@link io.ferry.validators.free.FreePolicy}: pulls by anyone,
 * pushes from listed peers, or nothing, in which case the refusal names the voucher types the node
 * does accept.
 */
package io.ferry.validators.free;
