package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  /** A clock the test moves by hand. */
  static final class ManualClock extends Clock {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneId.of("UTC");
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  @Test
  void aKnownTotalShowsABarPercentRateAndEta() {
    String line = ProgressBar.line(50L << 20, 100L << 20, 10 << 20, "Ongoing");

    assertThat(line)
        .startsWith(
            "[###############...............]  50%  50.0 MiB / 100.0 MiB  10.0 MiB/s  ETA 0:05")
        .endsWith("Ongoing");
  }

  @Test
  void anUnknownTotalShowsBytesAndRateOnly() {
    assertThat(ProgressBar.line(1536, 0, 512, "Ongoing")).isEqualTo("1.5 KiB  512 B/s  Ongoing");
  }

  @Test
  void theRateIsMeasuredOverTheLastSeconds() {
    ManualClock clock = new ManualClock();
    ProgressBar bar = new ProgressBar(new PrintWriter(new StringWriter()), false, clock, "t");

    bar.update(0, 0, "Ongoing");
    clock.now = clock.now.plus(Duration.ofSeconds(2));
    bar.update(4_000_000, 0, "Ongoing");

    assertThat(bar.rate()).isEqualTo(2_000_000.0);
  }

  @Test
  void onATerminalTheLineIsRedrawnInPlaceAndElsewherePlainLinesOnlyOnChange() {
    ManualClock clock = new ManualClock();
    StringWriter tty = new StringWriter();
    StringWriter pipe = new StringWriter();
    ProgressBar onTty = new ProgressBar(new PrintWriter(tty), true, clock, "pull x");
    ProgressBar onPipe = new ProgressBar(new PrintWriter(pipe), false, clock, "pull x");

    for (int i = 0; i < 3; i++) {
      onTty.update(i * 1000L, 0, "Ongoing");
      onPipe.update(i * 1000L, 0, "Ongoing");
    }
    onTty.update(3000, 0, "Completed");
    onPipe.update(3000, 0, "Completed");
    onTty.finish();

    assertThat(tty.toString()).contains("\r").endsWith("\n");
    assertThat(tty.toString().chars().filter(c -> c == '\n').count()).isEqualTo(1);
    assertThat(tty.toString().chars().filter(c -> c == '\r').count()).isEqualTo(4);
    assertThat(pipe.toString()).doesNotContain("\r");
    assertThat(pipe.toString().lines()).hasSize(2);
    assertThat(pipe.toString().lines().toList().get(1))
        .startsWith("pull x: ")
        .endsWith("Completed");
  }

  @Test
  void sizesAndDurationsReadLikeAPersonWouldWriteThem() {
    assertThat(ProgressBar.bytes(512)).isEqualTo("512 B");
    assertThat(ProgressBar.bytes(3L << 30)).isEqualTo("3.0 GiB");
    assertThat(ProgressBar.duration(65)).isEqualTo("1:05");
    assertThat(ProgressBar.duration(3723)).isEqualTo("1:02:03");
  }

  @Test
  void onATerminalTheLineStartsWithTheShortChannelIdAndShowsPercentRateAndEta() {
    StringWriter tty = new StringWriter();
    ManualClock clock = new ManualClock();
    ProgressBar bar = new ProgressBar(new PrintWriter(tty), true, clock, "pull …12345678");

    bar.update(0, 100L << 20, "");
    clock.now = clock.now.plus(Duration.ofSeconds(1));
    bar.update(10L << 20, 100L << 20, "");

    String last = tty.toString().substring(tty.toString().lastIndexOf('\r') + 1).strip();
    assertThat(last)
        .startsWith("pull …12345678  [###")
        .contains(" 10%")
        .contains("/s")
        .contains("ETA ");
  }

  @Test
  void aShortPauseOfAPaidPullIsNotTheHeadlineALongOneIs() {
    assertThat(TransferCommand.headline("Ongoing", 0)).isEmpty();
    assertThat(TransferCommand.headline("ResponderPaused", 1_000)).isEmpty();
    assertThat(TransferCommand.headline("ResponderPaused", 6_000))
        .startsWith("ResponderPaused for 0:06");
    assertThat(TransferCommand.headline("Finalizing", 0)).isEqualTo("Finalizing");
  }

  @Test
  void progressUsesTheDagsSizeWhenNoTotalWasAnnounced() throws Exception {
    var mapper = new com.fasterxml.jackson.databind.ObjectMapper();

    assertThat(TransferCommand.total(mapper.readTree("{\"totalSize\":0,\"expectedBytes\":500}")))
        .isEqualTo(500);
    assertThat(
            TransferCommand.shortId(mapper.readTree("{\"transferId\":\"18446744073709551615\"}")))
        .isEqualTo("…09551615");
  }
}
