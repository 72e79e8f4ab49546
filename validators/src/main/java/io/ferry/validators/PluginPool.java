package io.ferry.validators;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The registry's default threads for plug-in calls: a fixed number of daemon threads that expire
 * when idle, so a plug-in that blocks briefly (an fsync, a query) delays neither the channel engine
 * nor the common fork-join pool (which has one thread on a two-core machine).
 */
final class PluginPool {
  /** Threads in the pool. */
  static final int THREADS = 8;

  private PluginPool() {}

  static Executor create() {
    AtomicInteger count = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            THREADS,
            THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            task -> {
              Thread t = new Thread(task, "ferry-validators-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
