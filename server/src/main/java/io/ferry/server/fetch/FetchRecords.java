package io.ferry.server.fetch;

import io.ferry.ipld.Cid;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.pekko.NotUsed;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Source;

/**
 * The gateway fetches a node ran since it started, as channel-like records ({@code fetch-N}): shown
 * beside the channels by {@code ferry channels ls} and told, as they change, to whoever listens
 * (the event stream). Kept in memory: a fetch that a restart interrupted is simply run again, and
 * asks only for what is missing.
 */
public final class FetchRecords {
  /**
   * One fetch.
   *
   * @param status {@code Ongoing}, {@code Completed} or {@code Failed}, as a channel's
   * @param message the failure, or what the fetch asked for once it completed
   */
  public record FetchRecord(
      String id,
      URI gateway,
      Cid root,
      String scope,
      String status,
      long blocks,
      long bytes,
      String message,
      Instant createdAt,
      Instant updatedAt) {

    FetchRecord with(String newStatus, GatewayFetch.Progress p, String newMessage, Instant now) {
      return new FetchRecord(
          id,
          gateway,
          root,
          scope,
          newStatus,
          p == null ? blocks : p.blocksFetched(),
          p == null ? bytes : p.bytesFetched(),
          newMessage,
          createdAt,
          now);
    }
  }

  private final Map<String, FetchRecord> records = new ConcurrentHashMap<>();
  private final List<Consumer<FetchRecord>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicLong next = new AtomicLong();
  private final Clock clock;

  public FetchRecords(Clock clock) {
    this.clock = clock;
  }

  /** Tells {@code listener} of every record as it starts, progresses and ends. */
  public void listen(Consumer<FetchRecord> listener) {
    listeners.add(listener);
  }

  /** A new fetch, Ongoing. */
  public FetchRecord start(URI gateway, Cid root, GatewayFetch.Scope scope) {
    Instant now = clock.instant();
    FetchRecord r =
        new FetchRecord(
            "fetch-" + next.incrementAndGet(),
            gateway,
            root,
            scope.word(),
            "Ongoing",
            0,
            0,
            "",
            now,
            now);
    put(r);
    return r;
  }

  /** The fetch {@code id} moved on. */
  public void progress(String id, GatewayFetch.Progress p) {
    update(id, r -> r.with("Ongoing", p, "", clock.instant()));
  }

  /** The fetch {@code id} has every block. */
  public void completed(String id, GatewayFetch.Progress p) {
    String summary =
        p.carRequests()
            + " CAR and "
            + p.rawRequests()
            + " raw requests, "
            + p.blocksHeld()
            + " blocks in the DAG";
    update(id, r -> r.with("Completed", p, summary, clock.instant()));
  }

  /** The fetch {@code id} stopped, for {@code reason}. */
  public void failed(String id, String reason) {
    update(id, r -> r.with("Failed", null, reason, clock.instant()));
  }

  /**
   * Every record change from now on, while the stream is consumed (the latest 256 kept when the
   * consumer is slow); the listener goes when the stream ends.
   */
  public Source<FetchRecord, NotUsed> source() {
    return Source.<FetchRecord>queue(256, OverflowStrategy.dropHead())
        .mapMaterializedValue(
            queue -> {
              Consumer<FetchRecord> listener = queue::offer;
              listeners.add(listener);
              queue.watchCompletion().whenComplete((done, error) -> listeners.remove(listener));
              return NotUsed.notUsed();
            });
  }

  /** Every fetch, oldest first. */
  public List<FetchRecord> all() {
    return records.values().stream()
        .sorted(Comparator.comparing(FetchRecord::createdAt).thenComparing(FetchRecord::id))
        .toList();
  }

  public Optional<FetchRecord> get(String id) {
    return Optional.ofNullable(records.get(id));
  }

  private void update(String id, java.util.function.UnaryOperator<FetchRecord> change) {
    FetchRecord r = records.computeIfPresent(id, (k, old) -> change.apply(old));
    if (r != null) {
      listeners.forEach(l -> l.accept(r));
    }
  }

  private void put(FetchRecord r) {
    records.put(r.id(), r);
    listeners.forEach(l -> l.accept(r));
  }
}
