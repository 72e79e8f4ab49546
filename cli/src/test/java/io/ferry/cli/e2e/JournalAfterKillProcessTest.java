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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the journal acknowledged survives a SIGKILL (issue 17's group commit): many pulls between
 * two real node processes run at once, so their channels' writes share the journal's synced writes;
 * every event the client's API had shown is there again after the client is killed with no chance
 * to flush anything and started on the same home.
 */
class JournalAfterKillProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int PULLS = 12;

  @TempDir Path dir;
  private final HttpClient http = HttpClient.newHttpClient();

  private JsonNode call(NodeProcess node, String method, String path, String body)
      throws Exception {
    HttpRequest.Builder req =
        HttpRequest.newBuilder(URI.create(node.api() + path))
            .header("Authorization", "Bearer " + node.token())
            .header("Content-Type", "application/json");
    req = body == null ? req.GET() : req.method(method, HttpRequest.BodyPublishers.ofString(body));
    HttpResponse<String> r = http.send(req.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("%s %s: %s", method, path, r.body()).isBetween(200, 299);
    return JSON.readTree(r.body());
  }

  private String status(NodeProcess node, String id) {
    try {
      return call(node, "GET", "/v1/channels/" + id, null).get("status").asText();
    } catch (Exception e) {
      return "unreadable: " + e.getMessage();
    }
  }

  /** Each channel's status and event count as the client's API shows them. */
  private Map<String, String> seen(NodeProcess node, List<String> ids) throws Exception {
    Map<String, String> seen = new HashMap<>();
    for (String id : ids) {
      String events =
          http.send(
                  HttpRequest.newBuilder(
                          URI.create(node.api() + "/v1/events?follow=false&channel=" + id))
                      .header("Authorization", "Bearer " + node.token())
                      .build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      long count = events.lines().filter(l -> l.startsWith("data:")).count();
      seen.put(id, status(node, id) + ", " + count + " events");
    }
    return seen;
  }

  @Test
  void channelsTheClientAcknowledgedAreAllThereAfterItIsKilledAndRestarted() throws Exception {
    Path conf = dir.resolve("node.conf");
    Files.writeString(conf, "");
    try (NodeProcess provider = new NodeProcess(dir.resolve("provider"), conf).start();
        NodeProcess client = new NodeProcess(dir.resolve("client"), conf).start()) {
      List<String> roots = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        byte[] data = new byte[64 * 1024 + i];
        new Random(17 + i).nextBytes(data);
        Path file = dir.resolve("file" + i);
        Files.write(file, data);
        FerryProcess.Result imported =
            ferry("import", "--home", provider.home().toString(), file.toString());
        assertThat(imported.exit()).as(imported.err()).isZero();
        roots.add(imported.lastLine());
      }
      String from = provider.peerAddress();
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < PULLS; i++) {
        String body =
            JSON.createObjectNode()
                .put("from", from)
                .put("root", roots.get(i % roots.size()))
                .toString();
        ids.add(call(client, "POST", "/v1/channels/pull", body).get("id").asText());
      }
      for (String id : ids) {
        Poll.until(
            Duration.ofSeconds(120),
            "channel " + id + " to complete on the client",
            () -> status(client, id),
            "Completed"::equals);
      }
      Map<String, String> before = seen(client, ids);

      client.kill();
      client.start();

      // The listing may answer 503 while the restarted node's read model catches up.
      Map<String, String> after =
          Poll.until(
              Duration.ofSeconds(120),
              "the restarted client to show every channel as before the kill: " + before,
              () -> {
                try {
                  return seen(client, ids);
                } catch (Exception | AssertionError e) {
                  return Map.<String, String>of();
                }
              },
              before::equals);
      assertThat(after).isEqualTo(before);
      assertThat(before.values()).allSatisfy(v -> assertThat(v).startsWith("Completed, "));
    }
  }
}
