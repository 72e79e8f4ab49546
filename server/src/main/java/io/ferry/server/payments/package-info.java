/**
 * The client side of paid retrieval, wired into a node: {@link
 * io.ferry.server.payments.PaymentSettings} reads the {@code ferry.payments.*} keys, and {@link
 * io.ferry.server.payments.AutoPayer} pays for the paid pulls the node opens, from its budget and
 * without anyone's help: it follows the node's channel events, decodes the responder's voucher
 * results, signs and sends payment vouchers, releases what a failed or cancelled channel did not
 * use, and cancels a channel the budget cannot pay for with a message that says so. The responder
 * side needs no wiring here: the built-in paid-retrieval plug-in is discovered like any other.
 */
package io.ferry.server.payments;
