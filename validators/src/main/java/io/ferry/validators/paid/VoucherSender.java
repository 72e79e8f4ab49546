package io.ferry.validators.paid;

import io.ferry.channels.ChannelId;
import java.util.concurrent.CompletionStage;

/**
 * How the payment client sends a voucher on a channel; the node wires it to {@code
 * Manager.sendVoucher}.
 */
@FunctionalInterface
public interface VoucherSender {
  CompletionStage<Void> sendVoucher(ChannelId channelId, Object voucher);
}
