package io.ferry.channels.wire;

/**
 * A data-transfer control message between two peers. Requests travel from the initiator to the
 * responder, responses the other way (except {@link MessageType#RESTART_EXISTING_CHANNEL}, a
 * request the responder sends). The receiving side finds the channel from the sending peer and the
 * transfer id.
 */
public sealed interface TransferMessage permits TransferRequest, TransferResponse {
  MessageType type();

  long transferId();
}
