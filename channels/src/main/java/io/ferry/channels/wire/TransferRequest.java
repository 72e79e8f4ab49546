package io.ferry.channels.wire;

import io.ferry.channels.ChannelId;
import io.ferry.channels.TypedVoucher;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;

/**
 * A request from an initiator (go-data-transfer's TransferRequest).
 *
 * @param type NEW, UPDATE, CANCEL, VOUCHER, RESTART or RESTART_EXISTING_CHANNEL
 * @param transferId the initiator's transfer id
 * @param pull whether the initiator receives the data (NEW, RESTART)
 * @param paused the initiator's pause flag (UPDATE; NEW when opened paused)
 * @param baseCid root of the DAG (NEW, RESTART), else null
 * @param selector which part of the DAG (NEW, RESTART), else null
 * @param voucher the voucher (NEW, RESTART, VOUCHER), else null
 * @param restartChannel the channel to restart (RESTART_EXISTING_CHANNEL), else null
 * @param receivedBlocks on a pull RESTART: blocks of the traversal the initiator already holds,
 *     which the responder must not send again
 */
public record TransferRequest(
    MessageType type,
    long transferId,
    boolean pull,
    boolean paused,
    Cid baseCid,
    Selector selector,
    TypedVoucher voucher,
    ChannelId restartChannel,
    long receivedBlocks)
    implements TransferMessage {

  public static TransferRequest open(
      long transferId, boolean pull, Cid baseCid, Selector selector, TypedVoucher voucher) {
    return new TransferRequest(
        MessageType.NEW, transferId, pull, false, baseCid, selector, voucher, null, 0);
  }

  public static TransferRequest restart(
      long transferId,
      boolean pull,
      Cid baseCid,
      Selector selector,
      TypedVoucher voucher,
      long receivedBlocks) {
    return new TransferRequest(
        MessageType.RESTART,
        transferId,
        pull,
        false,
        baseCid,
        selector,
        voucher,
        null,
        receivedBlocks);
  }

  public static TransferRequest update(long transferId, boolean paused) {
    return new TransferRequest(
        MessageType.UPDATE, transferId, false, paused, null, null, null, null, 0);
  }

  public static TransferRequest cancel(long transferId) {
    return new TransferRequest(
        MessageType.CANCEL, transferId, false, false, null, null, null, null, 0);
  }

  public static TransferRequest voucher(long transferId, TypedVoucher voucher) {
    return new TransferRequest(
        MessageType.VOUCHER, transferId, false, false, null, null, voucher, null, 0);
  }

  public static TransferRequest restartExistingChannel(ChannelId channelId) {
    return new TransferRequest(
        MessageType.RESTART_EXISTING_CHANNEL, 0, false, false, null, null, null, channelId, 0);
  }
}
