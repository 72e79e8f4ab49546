package io.ferry.server.metrics;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per channel milestone, on logger {@code io.ferry.channels.milestones}: opened,
 * accepted, paused, resumed, restarted, completed, cancelled, and failed with the reason. Data
 * progress and the other bookkeeping events stay out of the log (they are in {@code /v1/events} and
 * {@code /metrics}).
 */
public final class MilestoneLog implements Subscriber {
  /** The logger's name, so logback.xml can raise or silence it. */
  public static final String LOGGER = "io.ferry.channels.milestones";

  private final Logger log;

  public MilestoneLog() {
    this(LoggerFactory.getLogger(LOGGER));
  }

  MilestoneLog(Logger log) {
    this.log = log;
  }

  @Override
  public void onEvent(ChannelEvent event, ChannelState state) {
    String line = line(event, state);
    if (line != null && log.isInfoEnabled()) {
      log.info(line);
    }
  }

  /** The log line for this event, or null when it is not a milestone. */
  static String line(ChannelEvent event, ChannelState s) {
    String what =
        switch (event.code()) {
          case Open ->
              (s.isPull() ? "pull" : "push")
                  + " opened "
                  + (s.isInitiator() ? "to " : "by ")
                  + s.otherPeer()
                  + " root "
                  + s.baseCid();
          case Accept -> "accepted";
          case PauseInitiator -> "paused by the initiator";
          case PauseResponder -> "paused by the responder" + reason(event);
          case ResumeInitiator -> "resumed by the initiator";
          case ResumeResponder -> "resumed by the responder";
          case Restart -> "restarted (attempt " + s.restartAttempts() + ")";
          case Disconnected -> "disconnected" + reason(event);
          case DataLimitExceeded -> "paused at the data limit of " + s.dataLimit() + " bytes";
          case Cancel -> "cancelled" + reason(event);
          case Error -> "failed: " + (event.message().isEmpty() ? s.message() : event.message());
          case CleanupComplete ->
              switch (s.status()) {
                case Completed -> "completed: " + moved(s);
                case Failed ->
                    "failed after cleanup" + (s.message().isEmpty() ? "" : ": " + s.message());
                case Cancelled -> "cancelled after cleanup";
                default -> null;
              };
          default -> null;
        };
    return what == null ? null : "channel " + s.channelId() + " " + what;
  }

  private static String reason(ChannelEvent e) {
    return e.message().isEmpty() ? "" : ": " + e.message();
  }

  private static String moved(ChannelState s) {
    return s.isSender()
        ? s.sent() + " bytes in " + s.sentBlocks() + " blocks sent"
        : s.received() + " bytes in " + s.receivedBlocks() + " blocks received";
  }
}
