package io.ferry.transport.tcp.link;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.SourceShape;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.AsyncCallback;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * The outgoing side of one connection: encoded frames wait here until the TLS stage takes them.
 * Control frames overtake data frames, so a pause or a credit never waits behind megabytes of
 * blocks. Data frames are counted in bytes; the owner stops offering at {@link #HIGH_WATER} and is
 * told when the queue drains below {@link #LOW_WATER}. Offers are thread-safe and may come before
 * the stream runs; offers after {@link #close()} are dropped.
 *
 * <p>Control frames are bounded too, at {@link #CONTROL_LIMIT} bytes and {@link #CONTROL_FRAMES}
 * frames: a peer that keeps asking (pings, wants) and never reads the answers would otherwise grow
 * them without end (issue 19, 5: 800 MB of heap while a flooding peer stayed connected). The
 * overflow listener then ends the connection.
 */
public final class Outbox {
  /** Above this many queued data bytes the owner should stop offering. */
  public static final long HIGH_WATER = 4L << 20;

  /** When queued data bytes fall below this, the drain listener is called. */
  public static final long LOW_WATER = 1L << 20;

  /**
   * Control bytes that may wait at once. An honest session queues far less (its offers, a page of
   * at most 4096 CIDs each and a few pages ahead per sending channel, go first on the wire).
   */
  public static final long CONTROL_LIMIT = 8L << 20;

  /**
   * Control frames that may wait at once: each costs a buffer and a queue node beyond its bytes
   * (about 100 bytes), so a flood of tiny ones (pongs) is bounded by their number.
   */
  public static final int CONTROL_FRAMES = 1 << 16;

  private record Data(ByteString bytes, Runnable onWritten) {}

  private final Queue<ByteString> control = new ConcurrentLinkedQueue<>();
  private final Queue<Data> data = new ConcurrentLinkedQueue<>();
  private final AtomicLong dataBytes = new AtomicLong();
  private final AtomicLong controlBytes = new AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger controlFrames =
      new java.util.concurrent.atomic.AtomicInteger();
  private volatile Runnable onDrained = () -> {};
  private volatile Runnable onOverflow = () -> {};
  private volatile AsyncCallback<Object> wakeUp;
  private volatile boolean closed;
  private volatile boolean drainWanted;

  /** Sets what runs (on the stream's thread) when the queue drains after it was full. */
  public void onDrained(Runnable listener) {
    this.onDrained = listener;
  }

  /**
   * Sets what runs (on the offering thread, once) when control frames would exceed {@link
   * #CONTROL_LIMIT}: the peer does not read what it asked for.
   */
  public void onOverflow(Runnable listener) {
    this.onOverflow = listener;
  }

  /** Queues a control frame; dropped (and the overflow listener told) beyond the limit. */
  public void offerControl(ByteString frame) {
    if (closed) {
      return;
    }
    long bytes = controlBytes.addAndGet(frame.size());
    if (controlFrames.incrementAndGet() > CONTROL_FRAMES || bytes > CONTROL_LIMIT) {
      controlFrames.decrementAndGet();
      controlBytes.addAndGet(-frame.size());
      Runnable overflow = onOverflow;
      onOverflow = () -> {};
      overflow.run();
      return;
    }
    control.add(frame);
    wake();
  }

  public long queuedControlBytes() {
    return controlBytes.get();
  }

  /**
   * Queues a data frame; {@code onWritten} runs when the stream has taken it. Returns whether the
   * owner may offer more now (false: wait for the drain listener).
   */
  public boolean offerData(ByteString frame, Runnable onWritten) {
    if (closed) {
      return false;
    }
    data.add(new Data(frame, onWritten));
    long queued = dataBytes.addAndGet(frame.size());
    wake();
    if (queued >= HIGH_WATER) {
      drainWanted = true;
      return false;
    }
    return true;
  }

  /** Whether data may be offered without going over the high-water mark. */
  public boolean hasRoom() {
    if (dataBytes.get() >= HIGH_WATER) {
      drainWanted = true;
      return false;
    }
    return !closed;
  }

  public long queuedDataBytes() {
    return dataBytes.get();
  }

  /** Drops what is queued and refuses further offers; the stream then completes. */
  public void close() {
    closed = true;
    control.clear();
    controlBytes.set(0);
    controlFrames.set(0);
    data.clear();
    dataBytes.set(0);
    wake();
  }

  public boolean isClosed() {
    return closed;
  }

  private void wake() {
    AsyncCallback<Object> cb = wakeUp;
    if (cb != null) {
      cb.invoke(Boolean.TRUE);
    }
  }

  /** The stream source that empties this outbox. */
  public GraphStage<SourceShape<ByteString>> source() {
    return new GraphStage<>() {
      private final Outlet<ByteString> out = Outlet.create("Outbox.out");
      private final SourceShape<ByteString> shape = SourceShape.of(out);

      @Override
      public SourceShape<ByteString> shape() {
        return shape;
      }

      @Override
      public GraphStageLogic createLogic(Attributes attributes) {
        return new GraphStageLogic(shape) {
          {
            setHandler(
                out,
                new AbstractOutHandler() {
                  @Override
                  public void onPull() {
                    deliver();
                  }
                });
          }

          @Override
          public void preStart() {
            wakeUp = createAsyncCallback(ignored -> deliver());
          }

          private void deliver() {
            if (!isAvailable(out)) {
              if (closed) {
                completeStage();
              }
              return;
            }
            ByteString next = control.poll();
            if (next != null) {
              controlBytes.addAndGet(-next.size());
              controlFrames.decrementAndGet();
              push(out, next);
              return;
            }
            Data d = data.poll();
            if (d != null) {
              long left = dataBytes.addAndGet(-d.bytes().size());
              push(out, d.bytes());
              d.onWritten().run();
              if (left < LOW_WATER && drainWanted) {
                drainWanted = false;
                onDrained.run();
              }
              return;
            }
            if (closed) {
              completeStage();
            }
          }
        };
      }
    };
  }
}
