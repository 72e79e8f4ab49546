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
 */
public final class EventHub implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EventHub.class);

  private final int capacity;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();
  private final ExecutorService pool;

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

  /** Called by channels; never blocks. */
  public void publish(ChannelEvent event, ChannelState state) {
    for (Delivery d : deliveries) {
      d.offer(event, state);
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
    return Source.<Pair<ChannelEvent, ChannelState>>queue(capacity)
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
            });
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
    void offer(ChannelEvent event, ChannelState state);

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
    public void offer(ChannelEvent event, ChannelState state) {
      synchronized (queue) {
        if (queue.size() >= capacity) {
          deliveries.remove(this);
          log.error(
              "subscriber {} fell more than {} events behind and was unsubscribed",
              subscriber,
              capacity);
          return;
        }
        queue.add(Pair.create(event, state));
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
    private final BoundedSourceQueue<Pair<ChannelEvent, ChannelState>> queue;

    Stream(BoundedSourceQueue<Pair<ChannelEvent, ChannelState>> queue) {
      this.queue = queue;
    }

    @Override
    public void offer(ChannelEvent event, ChannelState state) {
      QueueOfferResult result = queue.offer(Pair.create(event, state));
      if (result == QueueOfferResult.dropped()) {
        deliveries.remove(this);
        end(
            () ->
                queue.fail(
                    new IllegalStateException(
                        "event stream fell more than "
                            + capacity
                            + " events behind; it was failed rather than lose events")));
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
