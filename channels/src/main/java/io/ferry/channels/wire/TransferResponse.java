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

  /**
   * The responder accepted a new ({@code NEW}) or restart ({@code RESTART}) request: {@code paused}
   * when it accepted paused, {@code receivedBlocks} the traversal blocks it already holds.
   */
  public static TransferResponse accepted(
      MessageType type,
      long transferId,
      boolean paused,
      TypedVoucher voucherResult,
      long receivedBlocks) {
    return new TransferResponse(type, transferId, true, paused, voucherResult, receivedBlocks, "");
  }

  /** The responder rejected a new or restart request (or a voucher), saying why. */
  public static TransferResponse rejected(
      MessageType type, long transferId, TypedVoucher voucherResult, String reason) {
    return new TransferResponse(type, transferId, false, false, voucherResult, 0, reason);
  }

  /** The responder's side is done; {@code finalizing}: it waits for a final voucher first. */
  public static TransferResponse completed(
      long transferId, boolean finalizing, TypedVoucher voucherResult) {
    return new TransferResponse(
        MessageType.COMPLETE, transferId, true, finalizing, voucherResult, 0, "");
  }

  /** The responder failed the channel (or refused to complete it), saying why. */
  public static TransferResponse failed(
      long transferId, TypedVoucher voucherResult, String reason) {
    return rejected(MessageType.COMPLETE, transferId, voucherResult, reason);
  }

  /** The responder accepted a voucher (or a revalidation), paused or not. */
  public static TransferResponse voucherAccepted(
      long transferId, boolean paused, TypedVoucher voucherResult, String message) {
    return new TransferResponse(
        MessageType.VOUCHER_RESULT, transferId, true, paused, voucherResult, 0, message);
  }

  /** The responder rejected a voucher; the channel fails. */
  public static TransferResponse voucherRejected(
      long transferId, TypedVoucher voucherResult, String reason) {
    return rejected(MessageType.VOUCHER_RESULT, transferId, voucherResult, reason);
  }

  /** One side paused or resumed. */
  public static TransferResponse update(long transferId, boolean paused) {
    return new TransferResponse(MessageType.UPDATE, transferId, true, paused, null, 0, "");
  }

  /** The responder cancelled the channel. */
  public static TransferResponse cancel(long transferId) {
    return new TransferResponse(MessageType.CANCEL, transferId, false, false, null, 0, "");
  }
}
