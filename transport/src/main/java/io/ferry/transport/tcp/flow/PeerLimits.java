package io.ferry.transport.tcp.flow;

import io.ferry.transport.tcp.TcpSettings;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Consumer;

/**
 * One peer session's share of the node's limits: upload and download rate limiters for the peer
 * (next to the node-wide ones) and the peer's in-flight receive budget (next to the node-wide one).
 * Limiter callbacks arrive on any thread and are handed to the session's thread.
 */
public final class PeerLimits {
  private final NodeLimits node;
  private final RateLimiter uploadPeer;
  private final RateLimiter downloadPeer;
  private final ByteBudget peerCredit;
  private final Consumer<Runnable> later;
  private final Deque<Runnable> creditWaiters = new ArrayDeque<>();
  private final Runnable budgetFreed;

  /**
   * @param later hands a task to the session's thread
   * @param onUploadUnthrottled runs (on the session's thread) when uploading may continue
   * @param onDownloadUnthrottled runs (on the session's thread) when credit may be returned again
   */
  public PeerLimits(
      NodeLimits node,
      Consumer<Runnable> later,
      Runnable onUploadUnthrottled,
      Runnable onDownloadUnthrottled) {
    this.node = node;
    TcpSettings s = node.settings();
    this.uploadPeer = new RateLimiter(s.uploadRatePerPeer(), node::schedule);
    this.downloadPeer = new RateLimiter(s.downloadRatePerPeer(), node::schedule);
    this.peerCredit = new ByteBudget(s.inFlightPerPeer());
    this.later = later;
    this.budgetFreed = () -> this.later.accept(this::wakeCreditWaiters);
    RateLimiter.RateLimited up = limited(later, onUploadUnthrottled);
    RateLimiter.RateLimited down = limited(later, onDownloadUnthrottled);
    uploadPeer.register(up);
    node.uploadLimit().register(up);
    downloadPeer.register(down);
    node.downloadLimit().register(down);
  }

  private static RateLimiter.RateLimited limited(Consumer<Runnable> later, Runnable resume) {
    return new RateLimiter.RateLimited() {
      @Override
      public void throttle() {
        // Movers check isThrottled() before each block; nothing to do until unthrottled.
      }

      @Override
      public void unthrottle() {
        later.accept(resume);
      }
    };
  }

  public boolean uploadThrottled() {
    return uploadPeer.isThrottled() || node.uploadLimit().isThrottled();
  }

  public boolean downloadThrottled() {
    return downloadPeer.isThrottled() || node.downloadLimit().isThrottled();
  }

  public void uploaded(long bytes) {
    node.sentOnWire(bytes);
    uploadPeer.report(bytes);
    node.uploadLimit().report(bytes);
  }

  public void downloaded(long bytes) {
    downloadPeer.report(bytes);
    node.downloadLimit().report(bytes);
  }

  public long takeCredit(long wanted, long min) {
    long fromPeer = peerCredit.take(wanted, min);
    if (fromPeer == 0) {
      return 0;
    }
    long fromTotal = node.totalCredit().take(fromPeer, min);
    if (fromTotal < fromPeer) {
      peerCredit.give(fromPeer - fromTotal);
    }
    return fromTotal;
  }

  public void giveCredit(long bytes) {
    peerCredit.give(bytes);
    node.totalCredit().give(bytes);
  }

  /**
   * Runs {@code wake} on the session's thread once receive credit is given back (to this peer's
   * budget or the node's). Waiters are woken in the order they asked; each may ask again. Call on
   * the session's thread.
   */
  public void onCreditFreed(Runnable wake) {
    creditWaiters.add(wake);
    // One registration per session: the budgets keep sets, so waiting long adds nothing.
    peerCredit.onFree(budgetFreed);
    node.totalCredit().onFree(budgetFreed);
  }

  private void wakeCreditWaiters() {
    List<Runnable> now = new ArrayList<>(creditWaiters);
    creditWaiters.clear();
    now.forEach(Runnable::run);
  }
}
