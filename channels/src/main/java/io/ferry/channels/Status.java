package io.ferry.channels;

/**
 * Where a transfer channel is in its lifecycle. The first seventeen values, their order and their
 * numbers are go-data-transfer's ({@code statuses.go}); {@link #Queued} and {@link
 * #AwaitingAcceptance} are the two that go-data-transfer v2 added. Which event moves a channel from
 * one status to another is decided by the transition table in {@code io.ferry.channels.fsm}, not
 * here.
 */
public enum Status {
  /** A transfer was requested and has not been accepted yet. */
  Requested(0),
  /** Data is moving. */
  Ongoing(1),
  /** The initiator finished sending or receiving and waits for the responder to confirm. */
  TransferFinished(2),
  /** The initiator heard that the responder is done, but its own side is not finished yet. */
  ResponderCompleted(3),
  /** The responder finished and waits for a final voucher from the initiator. */
  Finalizing(4),
  /** Cleanup before {@link #Completed}. */
  Completing(5),
  /** The transfer completed successfully. Terminal. */
  Completed(6),
  /** Cleanup before {@link #Failed}. */
  Failing(7),
  /** The transfer failed. Terminal. */
  Failed(8),
  /** Cleanup before {@link #Cancelled}. */
  Cancelling(9),
  /** The transfer was cancelled by either side. Terminal. */
  Cancelled(10),
  /** The initiator paused the channel; only the initiator can unpause it. */
  InitiatorPaused(11),
  /** The responder paused the channel; only the responder can unpause it. */
  ResponderPaused(12),
  /** Both sides paused the channel; both must unpause. */
  BothPaused(13),
  /** Initiator side: the responder finished and waits for a final voucher. */
  ResponderFinalizing(14),
  /** Initiator side: as {@link #ResponderFinalizing}, and all data has arrived locally. */
  ResponderFinalizingTransferFinished(15),
  /** Answer for a channel that does not exist. Never stored. */
  ChannelNotFoundError(16),
  /** Accepted, but waiting for a free slot under the node's concurrency limits. */
  Queued(17),
  /** The request is on its way; the responder has not answered yet. */
  AwaitingAcceptance(18);

  private final int code;

  Status(int code) {
    this.code = code;
  }

  /** The numeric code, as go-data-transfer numbers it. */
  public int code() {
    return code;
  }

  /** Completed, Failed and Cancelled: no event is accepted any more. */
  public boolean isTerminal() {
    return this == Completed || this == Failed || this == Cancelled;
  }

  /** Completing, Failing and Cancelling: cleanup runs, then the channel becomes terminal. */
  public boolean isCleanup() {
    return this == Completing || this == Failing || this == Cancelling;
  }

  /** The terminal status a cleanup status leads to. */
  public Status terminalAfterCleanup() {
    return switch (this) {
      case Completing -> Completed;
      case Failing -> Failed;
      case Cancelling -> Cancelled;
      default -> throw new IllegalStateException(this + " is not a cleanup status");
    };
  }

  /** Finished in any way, or about to be: terminal or cleanup. */
  public boolean isEnding() {
    return isTerminal() || isCleanup();
  }

  /** The status with this numeric code. */
  public static Status ofCode(int code) {
    for (Status s : values()) {
      if (s.code == code) {
        return s;
      }
    }
    throw new IllegalArgumentException("no channel status has code " + code);
  }
}
