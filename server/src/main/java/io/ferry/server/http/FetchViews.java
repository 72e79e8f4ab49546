package io.ferry.server.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.channels.Status;
import io.ferry.server.fetch.FetchRecords.FetchRecord;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gateway fetches shown as channels ({@code fetch-N} beside the channels of {@code GET
 * /v1/channels}) and as events ({@code event: fetch} on {@code /v1/events}): the gateway's URL is
 * the other peer and the sender, this node the recipient, the direction a pull, the role {@code
 * fetch}.
 */
final class FetchViews {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FetchViews() {}

  /** The records a channel listing with these filters shows (none when filtered by peer ID). */
  static List<ChannelView> matching(
      List<FetchRecord> records,
      Optional<Status> status,
      boolean peerFilter,
      boolean onlyActive,
      String self) {
    if (peerFilter) {
      return List.of();
    }
    return records.stream()
        .filter(r -> status.isEmpty() || r.status().equals(status.get().name()))
        .filter(r -> !onlyActive || r.status().equals("Ongoing"))
        .map(r -> view(r, self))
        .toList();
  }

  static ChannelView view(FetchRecord r, String self) {
    String gateway = r.gateway().toString();
    return new ChannelView(
        r.id(),
        self,
        gateway,
        r.id().substring("fetch-".length()),
        self,
        gateway,
        "pull",
        "fetch",
        r.root().toString(),
        JSON.createObjectNode().put("dag-scope", r.scope()),
        gateway,
        self,
        r.status(),
        0, // totalSize
        0, // expectedBytes: a gateway does not say the DAG's size
        0,
        0,
        r.bytes(),
        0,
        0,
        r.blocks(),
        0,
        false,
        false,
        false,
        false,
        0,
        r.message(),
        List.of(),
        List.of(),
        0,
        0,
        r.createdAt().toString(),
        r.updatedAt().toString(),
        null, // host: a fetch runs where it was started, not on a cluster shard
        null);
  }

  /** A record change as an event of the stream ({@code channel}, {@code code}, {@code status}). */
  static Map<String, Object> event(FetchRecord r) {
    String code =
        switch (r.status()) {
          case "Completed" -> "FetchCompleted";
          case "Failed" -> "FetchFailed";
          default -> r.blocks() == 0 ? "FetchStarted" : "FetchProgress";
        };
    return Map.of(
        "channel", r.id(),
        "code", code,
        "message", r.message(),
        "timestamp", r.updatedAt().toString(),
        "status", r.status(),
        "gateway", r.gateway().toString(),
        "root", r.root().toString(),
        "receivedBytes", r.bytes(),
        "receivedBlocks", r.blocks());
  }
}
