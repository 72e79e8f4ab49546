package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class SseReaderTest {

  /** A body that, like an idle event stream, sends nothing until it is closed. */
  private static final class IdleStream extends InputStream {
    private final CountDownLatch closed = new CountDownLatch(1);
    private final CountDownLatch reading = new CountDownLatch(1);

    @Override
    public int read() {
      return read(new byte[1], 0, 1);
    }

    @Override
    public int read(byte[] b, int off, int len) {
      reading.countDown();
      try {
        closed.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return -1;
    }

    @Override
    public void close() {
      closed.countDown();
    }
  }

  @Test
  void closingFromAnotherThreadEndsAReadThatWaitsForTheNextLine() throws Exception {
    // The demo and `ferry pull` close the stream from another thread when they are done; closing
    // the reader first waited for the lock the blocked read held, so the demo hung for minutes.
    IdleStream body = new IdleStream();
    SseReader sse = new SseReader(body);
    CompletableFuture<Optional<SseReader.Event>> next =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return sse.next();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertThat(body.reading.await(30, TimeUnit.SECONDS)).as("the read began").isTrue();

    CompletableFuture<Void> close =
        CompletableFuture.runAsync(
            () -> {
              try {
                sse.close();
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });

    close.get(30, TimeUnit.SECONDS);
    assertThat(next.get(30, TimeUnit.SECONDS)).isEmpty();
  }

  @Test
  void eventsAreParsedWithTheirIdAndTypeAndKeepAlivesSkipped() throws Exception {
    String text = ": keep-alive\n\nid: 7\nevent: channel\ndata: {\"a\":1}\ndata: x\n\n";
    SseReader sse = new SseReader(new java.io.ByteArrayInputStream(text.getBytes("UTF-8")));

    assertThat(sse.next()).contains(new SseReader.Event("7", "channel", "{\"a\":1}\nx"));
    assertThat(sse.next()).isEmpty();
  }
}
