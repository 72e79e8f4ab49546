package io.ferry.channels.wire;

/** The kinds of data-transfer message; numbers as go-data-transfer's (append-only). */
public enum MessageType {
  /** Open a channel (request) / accept or reject it (response). */
  NEW(0),
  /** Pause or resume (request from the initiator, response from the responder). */
  UPDATE(1),
  /** Cancel the channel, either way. */
  CANCEL(2),
  /** Responder to initiator: my side is done (paused = waiting for a final voucher). */
  COMPLETE(3),
  /** Initiator to responder: a new voucher. */
  VOUCHER(4),
  /** Responder to initiator: the result of a voucher. */
  VOUCHER_RESULT(5),
  /** Restart a channel the sender of the request initiated (request) / answer it (response). */
  RESTART(6),
  /** Responder to initiator: please restart our channel. */
  RESTART_EXISTING_CHANNEL(7);

  private final int code;

  MessageType(int code) {
    this.code = code;
  }

  public int code() {
    return code;
  }

  public static MessageType ofCode(int code) {
    for (MessageType t : values()) {
      if (t.code == code) {
        return t;
      }
    }
    throw new IllegalArgumentException("unknown data-transfer message type " + code);
  }
}
