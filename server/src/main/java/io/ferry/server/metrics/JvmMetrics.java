package io.ferry.server.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * The process and the JVM in the names Prometheus' client libraries use ({@code process_*}, {@code
 * jvm_*}), so dashboards made for any JVM service work, and {@code ferry_build_info} with the
 * version as a label.
 */
public final class JvmMetrics {
  private JvmMetrics() {}

  /** Registers them in {@code registry}. */
  public static void register(MetricRegistry registry, String version) {
    registry.computedGauge(
        "ferry_build_info",
        "Always 1; the label says which Ferry this node runs.",
        () -> List.of(new MetricRegistry.Sample(List.of(version), 1)),
        "version");
    var runtime = ManagementFactory.getRuntimeMXBean();
    registry.computedGauge(
        "process_start_time_seconds",
        "Start time of the process since the Unix epoch, in seconds.",
        () -> List.of(new MetricRegistry.Sample(List.of(), runtime.getStartTime() / 1000.0)));
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      registry.computedCounter(
          "process_cpu_seconds_total",
          "CPU time the process used, user and system, in seconds.",
          () -> List.of(new MetricRegistry.Sample(List.of(), os.getProcessCpuTime() / 1e9)));
    }
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
      registry.computedGauge(
          "process_open_fds",
          "Open file descriptors.",
          () -> List.of(new MetricRegistry.Sample(List.of(), unix.getOpenFileDescriptorCount())));
      registry.computedGauge(
          "process_max_fds",
          "The limit of open file descriptors.",
          () -> List.of(new MetricRegistry.Sample(List.of(), unix.getMaxFileDescriptorCount())));
    }
    var memory = ManagementFactory.getMemoryMXBean();
    registry.computedGauge(
        "jvm_memory_used_bytes",
        "Memory the JVM uses, by area.",
        () -> memory("heap", memory.getHeapMemoryUsage(), memory.getNonHeapMemoryUsage(), false),
        "area");
    registry.computedGauge(
        "jvm_memory_max_bytes",
        "The most memory the JVM may use, by area (-1 when unbounded).",
        () -> memory("heap", memory.getHeapMemoryUsage(), memory.getNonHeapMemoryUsage(), true),
        "area");
    var threads = ManagementFactory.getThreadMXBean();
    registry.computedGauge(
        "jvm_threads_current",
        "Live threads.",
        () -> List.of(new MetricRegistry.Sample(List.of(), threads.getThreadCount())));
    registry.computedCounter(
        "jvm_gc_collection_seconds_total",
        "Time spent in garbage collection, all collectors, in seconds.",
        () ->
            List.of(
                new MetricRegistry.Sample(
                    List.of(),
                    ManagementFactory.getGarbageCollectorMXBeans().stream()
                            .mapToLong(g -> Math.max(0, g.getCollectionTime()))
                            .sum()
                        / 1000.0)));
  }

  private static List<MetricRegistry.Sample> memory(
      String heap, MemoryUsage h, MemoryUsage nonHeap, boolean max) {
    return List.of(
        new MetricRegistry.Sample(List.of(heap), max ? h.getMax() : h.getUsed()),
        new MetricRegistry.Sample(List.of("nonheap"), max ? nonHeap.getMax() : nonHeap.getUsed()));
  }
}
