/**
 * What a node tells about its channels without being asked for one: a tiny Prometheus registry
 * ({@link io.ferry.server.metrics.MetricRegistry}, counters and gauges with labels, text exposition
 * format 0.0.4), the channel metrics fed by channel events ({@link
 * io.ferry.server.metrics.ChannelMetrics}), and the one-line-per-milestone channel log ({@link
 * io.ferry.server.metrics.MilestoneLog}). Both observers are plain subscribers, called off the
 * channels' threads.
 */
package io.ferry.server.metrics;
