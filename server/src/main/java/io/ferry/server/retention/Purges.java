package io.ferry.server.retention;

import io.ferry.channels.ChannelId;
import io.ferry.server.http.NodeBackend;
import io.ferry.server.http.Replies;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Purges many channels through {@link NodeBackend#purge}, {@value #IN_FLIGHT} at a time: each waits
 * on the journal's synced deletes, which the journal does one after the other, and meanwhile the
 * next ones get there. Retention sweeps and {@code POST /v1/channels/purge} both go through it.
 */
public final class Purges {
  /** Purges under way at once. */
  public static final int IN_FLIGHT = 8;

  /**
   * What a bulk purge did.
   *
   * @param purged the channels purged, in the order asked
   * @param failed the channels not purged, in the order asked, with why
   */
  public record Report(List<ChannelId> purged, Map<ChannelId, Throwable> failed) {
    public Report {
      purged = List.copyOf(purged);
      failed = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(failed));
    }
  }

  private Purges() {}

  /** Purges {@code ids}; never fails: a channel that cannot be purged is in the report's failed. */
  public static CompletionStage<Report> purge(NodeBackend node, List<ChannelId> ids) {
    AtomicReferenceArray<Throwable> outcome = new AtomicReferenceArray<>(ids.size());
    AtomicInteger next = new AtomicInteger();
    List<CompletableFuture<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(IN_FLIGHT, ids.size()); lane++) {
      lanes.add(lane(node, ids, next, outcome).toCompletableFuture());
    }
    return CompletableFuture.allOf(lanes.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              List<ChannelId> purged = new ArrayList<>();
              Map<ChannelId, Throwable> failed = new LinkedHashMap<>();
              for (int i = 0; i < ids.size(); i++) {
                Throwable error = outcome.get(i);
                if (error == DONE) {
                  purged.add(ids.get(i));
                } else {
                  failed.put(ids.get(i), error);
                }
              }
              return new Report(purged, failed);
            });
  }

  /** Marks a purge that succeeded. */
  private static final Throwable DONE = new Throwable("purged", null, false, false) {};

  /** One lane: purges the next id not taken yet, until none is left. */
  private static CompletionStage<Void> lane(
      NodeBackend node,
      List<ChannelId> ids,
      AtomicInteger next,
      AtomicReferenceArray<Throwable> outcome) {
    int i = next.getAndIncrement();
    if (i >= ids.size()) {
      return CompletableFuture.completedFuture(null);
    }
    CompletionStage<Void> purge;
    try {
      purge = node.purge(ids.get(i));
    } catch (RuntimeException e) {
      purge = CompletableFuture.failedFuture(e);
    }
    return purge
        .handle(
            (v, error) -> {
              outcome.set(i, error == null ? DONE : Replies.unwrap(error));
              return null;
            })
        .thenCompose(v -> lane(node, ids, next, outcome));
  }
}
