package io.ferry.transport.tcp;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.LoggerFactory;

/** Captures what the transport logs, for tests that check the log says what went wrong. */
final class LogCapture implements AutoCloseable {
  private final Logger logger = (Logger) LoggerFactory.getLogger("io.ferry.transport");
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  LogCapture() {
    appender.start();
    logger.addAppender(appender);
  }

  List<String> messages() {
    return appender.list.stream()
        .map(e -> e.getLevel() + " " + e.getFormattedMessage())
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
