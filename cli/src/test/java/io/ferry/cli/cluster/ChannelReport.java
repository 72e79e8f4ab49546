package io.ferry.cli.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.ferry.cli.ApiClient;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Why a channel ended as it did, for an assertion's message: its status and message as each node
 * that holds it sees them (a member of the cluster, the outside peer at its other end), and the
 * last events each journaled, so a failure on a loaded CI machine says what happened.
 */
final class ChannelReport {
  private static final int EVENTS = 25;

  private ChannelReport() {}

  /** The channel {@code id} as seen by each of {@code nodes} (those that cannot answer say so). */
  static String of(String id, List<MemberJvm> nodes) {
    StringBuilder out = new StringBuilder("channel ").append(id);
    for (MemberJvm node : nodes) {
      out.append("\n  on ").append(node).append(": ");
      if (!node.isAlive()) {
        out.append("(not running)");
        continue;
      }
      try {
        JsonNode c = node.api().get("/v1/channels/" + id);
        out.append(c.path("status").asText())
            .append(", message: ")
            .append(c.path("message").asText())
            .append(", received ")
            .append(c.path("receivedBytes").asLong())
            .append(", sent ")
            .append(c.path("sentBytes").asLong());
        if (c.has("host")) {
          out.append(", host ").append(c.path("host").asText());
        }
        for (String e : lastEvents(node, id)) {
          out.append("\n    ").append(e);
        }
      } catch (RuntimeException e) {
        out.append("(unreadable: ").append(e.getMessage()).append(')');
      }
    }
    return out.toString();
  }

  /** The channel's last events in {@code node}'s journal, oldest first, one line each. */
  private static List<String> lastEvents(MemberJvm node, String id) {
    List<String> events = new ArrayList<>();
    String sse =
        node.getText(
            "/v1/events?follow=false&channel=" + URLEncoder.encode(id, StandardCharsets.UTF_8));
    for (String line : sse.split("\n")) {
      if (!line.startsWith("data:")) {
        continue;
      }
      try {
        JsonNode e = ApiClient.json().readTree(line.substring(5).strip());
        events.add(
            e.path("timestamp").asText()
                + " "
                + e.path("code").asText()
                + ": "
                + e.path("message").asText());
      } catch (IOException ex) {
        events.add(line);
      }
    }
    return events.subList(Math.max(0, events.size() - EVENTS), events.size());
  }
}
