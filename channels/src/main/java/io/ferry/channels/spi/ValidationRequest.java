package io.ferry.channels.spi;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;

/**
 * What a validator is asked to judge: a new (or restarted) push or pull request.
 *
 * @param isRestart whether this restarts an existing channel rather than opening a new one
 * @param channelId the channel the request is for
 * @param counterparty the peer that asked: the sender of a push, the receiver of a pull
 * @param voucher the decoded voucher
 * @param baseCid root of the requested DAG
 * @param selector which part of the DAG
 * @param bytesMoved for a restart, the bytes the channel's own journal says it moved before: queued
 *     by the responder of a pull, received by the responder of a push (0 for a new request). A
 *     validator whose own books lag behind (the node died between the channel's write and its own)
 *     catches up with it, or the bytes are never charged and nobody asks for the payment.
 */
public record ValidationRequest<V>(
    boolean isRestart,
    ChannelId channelId,
    PeerId counterparty,
    V voucher,
    Cid baseCid,
    Selector selector,
    long bytesMoved) {
  /** A request with no bytes moved before. */
  public ValidationRequest(
      boolean isRestart,
      ChannelId channelId,
      PeerId counterparty,
      V voucher,
      Cid baseCid,
      Selector selector) {
    this(isRestart, channelId, counterparty, voucher, baseCid, selector, 0);
  }
}
