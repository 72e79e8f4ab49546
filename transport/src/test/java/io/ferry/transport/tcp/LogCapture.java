package io.ferry.transport.tcp;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Captures what the transport logs, for tests that check the log says what went wrong. */
final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture() {
    this("io.ferry.transport");
  }

  /** Captures what {@code name} and the loggers under it log (ROOT: everything). */
  LogCapture(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    appender.start();
    logger.addAppender(appender);
  }

  List<String> messages() {
    return appender.list.stream()
        .map(e -> e.getLevel() + " " + e.getFormattedMessage())
        .collect(Collectors.toList());
  }

  /** The captured events that carry a stack trace or are errors, as "LEVEL logger: message". */
  List<String> errorsOrStackTraces() {
    return appender.list.stream()
        .filter(
            e ->
                e.getThrowableProxy() != null || e.getLevel() == ch.qos.logback.classic.Level.ERROR)
        .map(e -> e.getLevel() + " " + e.getLoggerName() + ": " + e.getFormattedMessage())
        .collect(Collectors.toList());
  }

  /** Waits until a captured message contains {@code text}. */
  void await(String text) throws InterruptedException {
    RecordingHandler.await(
        java.time.Duration.ofSeconds(20),
        "a log message containing \"" + text + "\"",
        () -> messages().stream().anyMatch(m -> m.contains(text)));
  }

  @Override
  public void close() {
    logger.detachAppender(appender);
  }
}
