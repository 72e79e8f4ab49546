package io.ferry.server.metrics;

import io.ferry.engine.FerryNode;
import io.ferry.engine.cluster.ClusterView;
import io.ferry.persistence.blocks.PostgresBlockStore;
import io.ferry.persistence.shared.SharedDatabase;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A cluster member's metrics: the members it sees by status and how many it cannot reach, the
 * remote peers (shards) it serves, the shared database pool's connections, and what its writes did
 * to the shared block store. Computed at every scrape from the member's own view.
 */
public final class ClusterMetrics {
  private ClusterMetrics() {}

  /** Registers them in {@code registry}. */
  public static void register(
      MetricRegistry registry, FerryNode node, SharedDatabase db, PostgresBlockStore blocks) {
    registry.computedGauge(
        "ferry_cluster_members",
        "Members this member sees, by status (Joining, Up, Leaving, Exiting, Down...).",
        () -> byStatus(node.cluster()),
        "status");
    registry.computedGauge(
        "ferry_cluster_unreachable_members",
        "Members this member's failure detector cannot reach.",
        () -> one(node.cluster().members().stream().filter(m -> !m.reachable()).count()));
    registry.computedGauge(
        "ferry_cluster_peers_served",
        "Remote peers (channel shards) this member serves: it holds their connection.",
        () -> one(node.peersServed()));
    registry.computedGauge(
        "ferry_shared_pool_connections",
        "Connections of this member's pool to the shared database, by state.",
        () -> {
          SharedDatabase.PoolStats s = db.stats();
          return List.of(
              new MetricRegistry.Sample(List.of("active"), s.active()),
              new MetricRegistry.Sample(List.of("idle"), s.idle()),
              new MetricRegistry.Sample(List.of("waiting"), s.waiting()));
        },
        "state");
    registry.computedCounter(
        "ferry_block_store_added_blocks_total",
        "Blocks this member's writes added to the cluster's shared block store.",
        () -> one(blocks.writes().added()));
    registry.computedCounter(
        "ferry_block_store_already_held_blocks_total",
        "Blocks this member wrote to the shared block store that it held already (fetched again).",
        () -> one(blocks.writes().alreadyHeld()));
  }

  private static List<MetricRegistry.Sample> byStatus(ClusterView view) {
    Map<String, Long> counts = new TreeMap<>();
    view.members().forEach(m -> counts.merge(m.status(), 1L, Long::sum));
    return counts.entrySet().stream()
        .map(e -> new MetricRegistry.Sample(List.of(e.getKey()), e.getValue()))
        .toList();
  }

  private static List<MetricRegistry.Sample> one(long value) {
    return List.of(new MetricRegistry.Sample(List.of(), value));
  }
}
