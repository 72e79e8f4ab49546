package io.ferry.channels;

/**
 * What happened on a channel. Subscribers receive one {@link ChannelEvent} per applied event. Names
 * and numbers 0-30 are go-data-transfer v1.15's ({@code events.go}), 31-35 are v2's additions,
 * {@link #Progress} is the seed API's original data event (v0.5), kept by name, and {@link
 * #RestartRequested} is Ferry's own.
 */
public enum EventCode {
  /** A channel was created, on either side. */
  Open(0),
  /** The responder accepted the request. */
  Accept(1),
  /** A channel was restarted after a disconnect or a node restart. */
  Restart(2),
  /** Blocks arrived (every delivery, repeats included). */
  DataReceived(3),
  /** Blocks were written to the wire. */
  DataSent(4),
  /** One side cancelled the transfer. */
  Cancel(5),
  /** Something went wrong; the message says what. */
  Error(6),
  /** Cleanup after Completing, Failing or Cancelling finished. */
  CleanupComplete(7),
  /** A new voucher was sent (initiator) or received (responder). */
  NewVoucher(8),
  /** A voucher result was produced (responder) or received (initiator). */
  NewVoucherResult(9),
  /** The initiator paused. */
  PauseInitiator(10),
  /** The initiator resumed. */
  ResumeInitiator(11),
  /** The responder paused. */
  PauseResponder(12),
  /** The responder resumed. */
  ResumeResponder(13),
  /** The initiator finished sending or receiving. */
  FinishTransfer(14),
  /** The initiator heard that the responder completed. */
  ResponderCompletes(15),
  /** The initiator heard that the responder waits for a final voucher. */
  ResponderBeginsFinalization(16),
  /** The responder finished and waits for a final voucher. */
  BeginFinalizing(17),
  /** A message could not be sent to the other peer. */
  Disconnected(18),
  /** The responder completed. */
  Complete(19),
  /** A restart found the channel in a cleanup status; cleanup runs again. */
  CompleteCleanupOnRestart(20),
  /** Blocks were queued for sending (every time, repeats included). */
  DataQueued(21),
  /** Blocks queued for the first time. */
  DataQueuedProgress(22),
  /** Blocks sent for the first time. */
  DataSentProgress(23),
  /** Blocks received for the first time. */
  DataReceivedProgress(24),
  /** Deprecated in go-data-transfer, never fired; kept for numbering. */
  RequestTimedOut(25),
  /** Sending data failed at the transport. */
  SendDataError(26),
  /** Receiving data failed at the transport. */
  ReceiveDataError(27),
  /** The transport queued the request. */
  TransferRequestQueued(28),
  /** The transport request was cancelled. */
  RequestCancelled(29),
  /** The transport opened its side of the channel. */
  Opened(30),
  /** A data limit was set: the responder pauses itself when it is reached. */
  SetDataLimit(31),
  /** The responder will ask for a final voucher before completing. */
  SetRequiresFinalization(32),
  /** The data limit was reached; the responder paused. */
  DataLimitExceeded(33),
  /** The transport started moving data. */
  TransferInitiated(34),
  /** A protocol message could not be sent. */
  SendMessageError(35),
  /**
   * The seed API's data event (go-data-transfer v0.5); later releases split it into the data
   * events.
   */
  Progress(36),
  /**
   * This side asked the other to restart the channel (a restart attempt began); {@link #Restart}
   * follows when the other side answers, {@link #Disconnected} when the attempt fails.
   */
  RestartRequested(37);

  private final int code;

  EventCode(int code) {
    this.code = code;
  }

  /** The numeric code. */
  public int code() {
    return code;
  }

  /** The event with this numeric code. */
  public static EventCode ofCode(int code) {
    for (EventCode e : values()) {
      if (e.code == code) {
        return e;
      }
    }
    throw new IllegalArgumentException("no channel event has code " + code);
  }
}
