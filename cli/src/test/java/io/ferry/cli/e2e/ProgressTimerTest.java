package io.ferry.cli.e2e;

import static io.ferry.cli.e2e.FerryProcess.ferry;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.channels.testing.Poll;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Data never waits on the progress timer: #17's test. The issue puts it as "with the progress
 * interval at 10 s, a 64 MiB pull between two nodes completes well before 10 s"; on a shared
 * machine a pull may take longer than any such bound, which would make it a timed test. So the
 * bound is put out of reach instead: two real nodes in separate JVMs report progress on their timer
 * only every hour ({@code ferry.progress-interval = 1h}), otherwise per 64 blocks or 8 MiB or when
 * a store write leaves nothing waiting. No tick fires during the test, so a pull that completes at
 * all completed before the first progress tick; what is asserted is the channel's status and bytes,
 * never a duration.
 *
 * <p>The pull is one whose data stops where only a progress report moves it on: A sells at one unit
 * per byte with a payment due after 1 MiB, 3 MiB, 6 MiB... (intervals of 1 MiB growing by 1 MiB), B
 * pays from a budget. At every payment point A's sender may stop, and B pays only for data its node
 * reported received: were that report left to the timer, each of the pull's 11 payments would wait
 * an hour (without the fix it stays ResponderPaused at the first one, and the bounded wait below
 * fails). A free pull does not show it: its sender never stops for the receiver's report. The pull
 * is opened through the HTTP API, as a user would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProgressTimerTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MIB = 1 << 20;

  @TempDir static Path dir;
  private final HttpClient http = HttpClient.newHttpClient();
  private NodeProcess a;
  private NodeProcess b;

  @BeforeAll
  void startTwoNodes() throws Exception {
    Path aConf = dir.resolve("a.conf");
    Files.writeString(
        aConf,
        """
        ferry.validators.settings.paid-retrieval {
          price-per-byte = 1, payment-interval = 1048576, payment-interval-increase = 1048576
        }
        ferry.progress-interval = 1h
        """);
    Path bConf = dir.resolve("b.conf");
    Files.writeString(
        bConf,
        """
        ferry.payments.budget = 1000000000
        ferry.progress-interval = 1h
        """);
    a = new NodeProcess(dir.resolve("a"), aConf);
    b = new NodeProcess(dir.resolve("b"), bConf);
    a.start();
    b.start();
  }

  @AfterAll
  void stopNodes() throws Exception {
    if (a != null) {
      a.stop();
    }
    if (b != null) {
      b.stop();
    }
  }

  @Test
  void aPaidPullOf64MiBCompletesThoughTheProgressTimerNeverFiresDuringIt() throws Exception {
    byte[] data = new byte[64 * MIB];
    new Random(17).nextBytes(data);
    Path file = dir.resolve("file");
    Files.write(file, data);
    FerryProcess.Result imported = ferry("import", "--home", a.home().toString(), file.toString());
    assertThat(imported.exit()).as(imported.err()).isZero();
    String root = imported.lastLine();

    String body =
        JSON.writeValueAsString(
            JSON.createObjectNode()
                .put("from", a.peerAddress())
                .put("root", root)
                .set(
                    "voucher",
                    JSON.readTree(
                        """
                        {"type": "ferry/paid-retrieval/proposal/1",
                         "value": {"terms": {"pricePerByte": 1, "paymentInterval": 1048576,
                                             "paymentIntervalIncrease": 1048576,
                                             "unsealPrice": 0}}}
                        """)));
    HttpResponse<String> opened =
        http.send(
            HttpRequest.newBuilder(URI.create(b.api() + "/v1/channels/pull"))
                .header("Authorization", "Bearer " + b.token())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(opened.statusCode()).as(opened.body()).isBetween(200, 201);
    String id = JSON.readTree(opened.body()).get("id").asText();

    // Bounded far below the hour a progress tick would take: data that waited on the timer would
    // stop at the first payment point and never get here.
    String status =
        Poll.until(
            Duration.ofMinutes(5),
            "the pull " + id + " to end",
            () -> channel(id).get("status").asText(),
            s -> List.of("Completed", "Failed", "Cancelled").contains(s));
    JsonNode channel = channel(id);
    assertThat(status).as(channel + "\nA's log:\n" + a.log()).isEqualTo("Completed");
    assertThat(channel.get("receivedBytes").asLong()).isGreaterThanOrEqualTo(64L * MIB);
  }

  private JsonNode channel(String id) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(URI.create(b.api() + "/v1/channels/" + id))
                  .header("Authorization", "Bearer " + b.token())
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return JSON.readTree(r.body());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
