package io.ferry.server.http;

import static io.ferry.server.http.CompletedPulls.completedPull;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.ferry.channels.ChannelState;
import io.ferry.ipld.Block;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.store.MemoryBlockStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.slf4j.LoggerFactory;

@ResourceLock("stored-data")
class StoredDataTest {

  /** What {@link StoredData} logs at WARN while {@code run} runs. */
  private static List<String> warnings(Runnable run) {
    Logger logger = (Logger) LoggerFactory.getLogger(StoredData.class);
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    logger.addAppender(appender);
    try {
      run.run();
    } finally {
      logger.detachAppender(appender);
    }
    return appender.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
  }

  @Test
  void aStartNamesTheFirstDamagedChannelsAndCountsTheRestInOneLine() {
    MemoryBlockStore store = new MemoryBlockStore();
    List<ChannelState> channels = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      // every root is missing from the store: 500 channels whose data is gone
      channels.add(completedPull(i, Block.of(Multicodec.RAW, new byte[] {(byte) i, 7})));
    }

    List<String> logged =
        warnings(
            () ->
                assertThat(StoredData.checkAtStart(store, channels, Runnable::run).join())
                    .isEqualTo(500));

    assertThat(logged).hasSize(StoredData.NAMED_AT_START + 1);
    assertThat(logged.subList(0, StoredData.NAMED_AT_START))
        .allMatch(m -> m.startsWith("channel ") && m.contains("is missing"));
    assertThat(logged.get(StoredData.NAMED_AT_START))
        .startsWith("500 of 500 completed channels have data missing")
        .contains("dataWarning");
  }

  @Test
  void aFewDamagedChannelsAreEachNamed() {
    MemoryBlockStore store = new MemoryBlockStore();
    Block kept = Block.of(Multicodec.RAW, new byte[] {1});
    store.put(kept);
    List<ChannelState> channels =
        List.of(
            completedPull(1, kept),
            completedPull(2, Block.of(Multicodec.RAW, new byte[] {2})),
            completedPull(3, Block.of(Multicodec.RAW, new byte[] {3})));

    List<String> logged =
        warnings(
            () ->
                assertThat(StoredData.checkAtStart(store, channels, Runnable::run).join())
                    .isEqualTo(2));

    assertThat(logged)
        .hasSize(3)
        .last()
        .isEqualTo("2 of 3 completed channels have data missing from the block store");
  }
}
