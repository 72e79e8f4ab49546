package io.ferry.persistence.journal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * Forces a LevelDB directory's write-ahead logs to disk for every writer that asks, one force for
 * all who asked while the previous one ran: group commit. LevelDB has written each record into its
 * log (the page cache) before the writer asks, so a force after the ask covers it. Every {@code
 * .log} file is forced, not only the newest: LevelDB closes a log it rotates away from without
 * syncing it, and its records are in no synced table until the memtable is flushed.
 */
final class LogSyncer implements AutoCloseable {
  private final Path directory;
  private final Thread thread;
  private final AtomicLong forces = new AtomicLong();
  private final AtomicLong asks = new AtomicLong();
  private List<CompletableFuture<Void>> waiting = new ArrayList<>();
  private boolean closed;

  LogSyncer(Path directory) {
    this.directory = directory;
    this.thread = new Thread(this::run, "ferry-journal-sync");
    thread.setDaemon(true);
    thread.start();
  }

  /** Completes once everything written to the logs before this call is on disk. */
  CompletableFuture<Void> sync() {
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (this) {
      if (closed) {
        done.completeExceptionally(new IllegalStateException("the journal is closed"));
        return done;
      }
      asks.incrementAndGet();
      waiting.add(done);
      notifyAll();
    }
    return done;
  }

  /** How many times the logs were forced. */
  long forces() {
    return forces.get();
  }

  /** How many writers asked. */
  long asks() {
    return asks.get();
  }

  private void run() {
    while (true) {
      List<CompletableFuture<Void>> group;
      synchronized (this) {
        while (waiting.isEmpty() && !closed) {
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closed = true;
          }
        }
        if (waiting.isEmpty()) {
          return;
        }
        group = waiting;
        waiting = new ArrayList<>();
      }
      try {
        forceLogs();
        forces.incrementAndGet();
        group.forEach(done -> done.complete(null));
      } catch (IOException | RuntimeException e) {
        IOException failure =
            new IOException("could not force the journal's log in " + directory + " to disk", e);
        group.forEach(done -> done.completeExceptionally(failure));
      }
    }
  }

  private void forceLogs() throws IOException {
    List<Path> logs;
    try (Stream<Path> files = Files.list(directory)) {
      logs = files.filter(p -> p.getFileName().toString().endsWith(".log")).toList();
    }
    for (Path log : logs) {
      try (FileChannel channel = FileChannel.open(log, StandardOpenOption.READ)) {
        channel.force(false);
      } catch (NoSuchFileException e) {
        // Deleted after its memtable was written to a table, which LevelDB synced.
      }
    }
  }

  /** Forces what is still waiting, then stops. */
  @Override
  public void close() {
    synchronized (this) {
      closed = true;
      notifyAll();
    }
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
