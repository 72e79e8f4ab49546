package io.ferry.transport.local;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one peer's work one task at a time, in the order it was posted, on a shared pool: what a
 * peer receives (messages, blocks, acknowledgements) is handled in arrival order, like bytes on one
 * connection. A task that throws is logged; the next one still runs.
 */
final class Inbox implements Executor {
  private static final Logger log = LoggerFactory.getLogger(Inbox.class);

  private final Executor pool;
  private final String name;
  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private boolean running;

  Inbox(Executor pool, String name) {
    this.pool = pool;
    this.name = name;
  }

  @Override
  public void execute(Runnable task) {
    synchronized (tasks) {
      tasks.add(task);
      if (running) {
        return;
      }
      running = true;
    }
    pool.execute(this::drain);
  }

  private void drain() {
    for (int done = 0; ; done++) {
      Runnable next;
      synchronized (tasks) {
        next = tasks.poll();
        if (next == null || done == 64) {
          if (next != null) {
            // Give other peers a turn: continue on a fresh pool task.
            ((ArrayDeque<Runnable>) tasks).addFirst(next);
            pool.execute(this::drain);
          } else {
            running = false;
          }
          return;
        }
      }
      try {
        next.run();
      } catch (RuntimeException e) {
        log.error("task on {}'s inbox failed", name, e);
      }
    }
  }
}
