package io.ferry.cli.gateway;

import static io.ferry.cli.gateway.GatewayConformanceTest.header;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.testing.Poll;
import io.ferry.ipld.Cid;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway's limits on real nodes: a client over its request rate gets 429, and while a CAR
 * stream the client does not read holds the only response slot (the stream waits on the client:
 * backpressure, not buffering), another request gets 503 until that stream is closed.
 */
class GatewayLimitsTest {
  @TempDir Path dir;

  @Test
  void aClientOverItsRequestRateIsAnswered429WithRetryAfter() throws Exception {
    try (GatewayNode node =
        GatewayNode.start(
            dir.resolve("rate"), store -> {}, "requests-per-second = 0.01\nburst = 3")) {
      List<Integer> statuses = new ArrayList<>();
      HttpResponse<byte[]> last = null;
      for (int i = 0; i < 5; i++) {
        last = node.get("/ipfs/bafkqaaa?format=raw");
        statuses.add(last.statusCode());
      }

      assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
      assertThat(header(last, "Retry-After")).isPresent();
      assertThat(new String(last.body())).contains("too many requests");
    }
  }

  @Test
  void anUnreadCarStreamHoldsTheOnlyResponseSlotUntilItIsClosed() throws Exception {
    AtomicReference<Cid> root = new AtomicReference<>();
    byte[] data = new byte[48 << 20];
    new Random(7).nextBytes(data);
    try (GatewayNode node =
        GatewayNode.start(
            dir.resolve("cap"),
            store -> {
              try {
                root.set(
                    new UnixFsImporter(UnixFsProfile.DEFAULT, store::put)
                        .importFile(new ByteArrayInputStream(data))
                        .root());
              } catch (java.io.IOException e) {
                throw new UncheckedIOException(e);
              }
            },
            "requests-per-second = 0\nmax-concurrent-responses = 1")) {
      HttpResponse<InputStream> stream =
          node.http.send(
              HttpRequest.newBuilder(
                      URI.create(node.base() + "/ipfs/" + root.get() + "?format=car"))
                  .timeout(Duration.ofSeconds(60))
                  .build(),
              HttpResponse.BodyHandlers.ofInputStream());
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.body().readNBytes(1024)).hasSize(1024);

      HttpResponse<byte[]> refused = node.get("/ipfs/bafkqaaa?format=raw");

      assertThat(refused.statusCode()).isEqualTo(503);
      assertThat(header(refused, "Retry-After")).contains("1");
      stream.body().close();
      // The slot comes back once the server sees the connection go: ask until it has (bounded by
      // time, not by a number of tries, which a fast machine used up before the close arrived).
      Poll.until(
          Duration.ofSeconds(60),
          "the closed CAR stream's response slot is free again",
          () -> {
            try {
              return node.get("/ipfs/bafkqaaa?format=raw").statusCode() == 200;
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          });
    }
  }
}
