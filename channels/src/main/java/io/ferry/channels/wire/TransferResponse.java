package io.ferry.channels.wire;

import io.ferry.channels.TypedVoucher;

/**
 * A response from a responder (go-data-transfer's TransferResponse), plus a human-readable message
 * so a rejection says why even when the validator sent no voucher result.
 *
 * @param type NEW, UPDATE, CANCEL, COMPLETE, VOUCHER_RESULT or RESTART
 * @param transferId the initiator's transfer id
 * @param accepted whether the request (or voucher) was accepted
 * @param paused the responder's pause flag; on COMPLETE: waiting for a final voucher
 * @param voucherResult the validator's voucher result, or null
 * @param receivedBlocks on a push RESTART response: blocks of the traversal the responder already
 *     holds, which the initiator must not send again
 * @param message why, when rejected; else empty
 */
public record TransferResponse(
    MessageType type,
    long transferId,
    boolean accepted,
    boolean paused,
    TypedVoucher voucherResult,
    long receivedBlocks,
    String message)
    implements TransferMessage {

  public TransferResponse {
    message = message == null ? "" : message;
  }

  public static TransferResponse update(long transferId, boolean paused) {
    return new TransferResponse(MessageType.UPDATE, transferId, true, paused, null, 0, "");
  }

  public static TransferResponse cancel(long transferId) {
    return new TransferResponse(MessageType.CANCEL, transferId, false, false, null, 0, "");
  }
}
