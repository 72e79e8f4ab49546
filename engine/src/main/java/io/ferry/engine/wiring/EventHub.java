package io.ferry.engine.wiring;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Subscriber;
import io.ferry.channels.Unsubscribe;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.NotUsed;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.BoundedSourceQueue;
import org.apache.pekko.stream.QueueOfferResult;
import org.apache.pekko.stream.javadsl.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every channel event to the node's subscribers without ever making a channel wait: {@link
 * #publish} only appends to each subscriber's bounded queue. Callbacks run on a small pool, one
 * subscriber at a time, in publish order; streams get a bounded Pekko queue. A subscriber that
 * falls more than {@code capacity} events behind is cut off with an error that says so, instead of
 * silently losing events.
 *
 * <p>Every event gets a number in publish order ({@link Live#number()}, from 1 in this hub's {@link
 * #epoch()}), and the last {@code capacity} events are kept, so a stream can start right after a
 * given number ({@link #liveAfter}): what a reconnecting event-stream client needs to resume
 * exactly, without a journal query between a channel and its subscribers.
 */
public final class EventHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventHub.class);

  private final int capacity;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final ExecutorService pool;
  private final long epoch = Math.abs(new java.security.SecureRandom().nextLong() >>> 1);
  private final ArrayDeque<Live> recent = new ArrayDeque<>();
  private final java.util.concurrent.ConcurrentLinkedQueue<Pair<ChannelEvent, ChannelState>>
      incoming = new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicBoolean fanningOut =
      new java.util.concurrent.atomic.AtomicBoolean();
  private long published;

  /**
   * One published event with its number.
   *
   * @param number position in this hub's publish order, from 1
   * @param event the event
   * @param state the channel's state right after it
   */
  public record Live(long number, ChannelEvent event, ChannelState state) {}

  /** Why a stream of events ended: its subscriber did not keep up. */
  public static final class FellBehind extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    FellBehind(String message) {
      super(message);
    }
  }

  public EventHub(int capacity) {
    this.capacity = capacity;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "ferry-events-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Called by channels; never waits, neither on a subscriber nor on another channel. The event is
   * queued; whichever publisher finds no one fanning out numbers the queued events and offers them
   * (offers do not block), so every subscriber sees the numbers ascending and a channel's events in
   * its order. (A lock around numbering and offers held channels up to 0.2 s at a time on a loaded
   * machine, JFR's monitor-enter events during 500 one-block channels.)
   */
  public void publish(ChannelEvent event, ChannelState state) {
    incoming.add(Pair.create(event, state));
    while (!incoming.isEmpty() && fanningOut.compareAndSet(false, true)) {
      try {
        Pair<ChannelEvent, ChannelState> next;
        while ((next = incoming.poll()) != null) {
          fanOut(next.first(), next.second());
        }
      } finally {
        fanningOut.set(false);
      }
    }
  }

  private void fanOut(ChannelEvent event, ChannelState state) {
    synchronized (recent) {
      Live live = new Live(++published, event, state);
      recent.addLast(live);
      if (recent.size() > capacity) {
        recent.removeFirst();
      }
      for (Delivery d : deliveries) {
        d.offer(live);
      }
    }
  }

  /**
   * Identifies this hub's numbering: numbers of another epoch (an earlier run) mean nothing here.
   */
  public long epoch() {
    return epoch;
  }

  /** How many subscribers and streams are listening now. */
  public int followers() {
    return deliveries.size();
  }

  /** The number of the last event published so far (0 before the first). */
  public long lastNumber() {
    synchronized (recent) {
      return published;
    }
  }

  /**
   * Every event numbered after {@code after}, as a stream: the kept ones first, then live ones,
   * none missed or repeated. Empty when the events right after {@code after} are no longer kept
   * (more than {@code capacity} were published since) or {@code after} is beyond the last number.
   */
  public java.util.Optional<Source<Live, NotUsed>> liveAfter(long after) {
    if (!resumable(after)) {
      return java.util.Optional.empty();
    }
    return java.util.Optional.of(
        Source.<Live>queue(2 * capacity)
            .mapMaterializedValue(
                q -> {
                  Stream s = new Stream(q);
                  synchronized (recent) {
                    if (!resumable(after)) {
                      // published past it between the call and the stream's start
                      s.end(() -> q.fail(new FellBehind(tooFarBehind())));
                      return s;
                    }
                    for (Live l : recent) {
                      if (l.number() > after) {
                        s.offer(l);
                      }
                    }
                    deliveries.add(s);
                  }
                  return s;
                })
            .watchTermination(
                (s, done) -> {
                  done.whenComplete((ok, error) -> deliveries.remove(s));
                  return NotUsed.getInstance();
                }));
  }

  private String tooFarBehind() {
    return "event stream fell more than "
        + capacity
        + " events behind; it was failed rather than lose events";
  }

  private boolean resumable(long after) {
    synchronized (recent) {
      long oldest = recent.isEmpty() ? published + 1 : recent.peekFirst().number();
      return after <= published && after >= oldest - 1;
    }
  }

  /** Calls {@code subscriber} for every event from now on, until unsubscribed. */
  public Unsubscribe subscribe(Subscriber subscriber) {
    Callback c = new Callback(subscriber);
    deliveries.add(c);
    return () -> deliveries.remove(c);
  }

  /** Every event from materialization on, as a stream. */
  public Source<Pair<ChannelEvent, ChannelState>, NotUsed> source() {
    return Source.<Live>queue(capacity)
        .mapMaterializedValue(
            q -> {
              Stream s = new Stream(q);
              deliveries.add(s);
              return s;
            })
        .watchTermination(
            (s, done) -> {
              done.whenComplete((ok, error) -> deliveries.remove(s));
              return NotUsed.getInstance();
            })
        .map(l -> Pair.create(l.event(), l.state()));
  }

  @Override
  public void close() {
    for (Delivery d : deliveries) {
      d.close();
    }
    deliveries.clear();
    pool.shutdown();
  }

  private interface Delivery {
    void offer(Live live);

    void close();
  }

  /** A callback subscriber: its own bounded queue, drained on the pool, one event at a time. */
  private final class Callback implements Delivery {
    private final Subscriber subscriber;
    private final ArrayDeque<Pair<ChannelEvent, ChannelState>> queue = new ArrayDeque<>();
    private boolean draining;

    Callback(Subscriber subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void offer(Live live) {
      synchronized (queue) {
        if (queue.size() >= capacity) {
          deliveries.remove(this);
          log.error(
              "subscriber {} fell more than {} events behind and was unsubscribed",
              subscriber,
              capacity);
          return;
        }
        queue.add(Pair.create(live.event(), live.state()));
        if (draining) {
          return;
        }
        draining = true;
      }
      pool.execute(this::drain);
    }

    private void drain() {
      while (true) {
        Pair<ChannelEvent, ChannelState> next;
        synchronized (queue) {
          next = queue.poll();
          if (next == null) {
            draining = false;
            return;
          }
        }
        if (!deliveries.contains(this)) {
          return;
        }
        try {
          subscriber.onEvent(next.first(), next.second());
        } catch (RuntimeException e) {
          log.warn("subscriber {} threw on {}", subscriber, next.first().code(), e);
        }
      }
    }

    @Override
    public void close() {
      synchronized (queue) {
        queue.clear();
      }
    }
  }

  /** A stream subscriber: a bounded Pekko queue that fails the stream when it overflows. */
  private final class Stream implements Delivery {
    private final BoundedSourceQueue<Live> queue;

    Stream(BoundedSourceQueue<Live> queue) {
      this.queue = queue;
    }

    @Override
    public void offer(Live live) {
      QueueOfferResult result = queue.offer(live);
      if (result == QueueOfferResult.dropped()) {
        deliveries.remove(this);
        end(() -> queue.fail(new FellBehind(tooFarBehind())));
      }
    }

    @Override
    public void close() {
      end(queue::complete);
    }

    /**
     * Completes or fails the queue, unless the stream already ended by itself: a consumer that took
     * what it wanted or went away completes the queue, and stays listed until its termination
     * callback runs. Ending such a queue again throws, which used to stop {@link EventHub#close}
     * before it had closed the other subscribers and the pool.
     */
    private void end(Runnable ending) {
      try {
        ending.run();
      } catch (IllegalStateException alreadyEnded) {
        log.debug("event stream had already ended: {}", alreadyEnded.getMessage());
      }
    }
  }
}
