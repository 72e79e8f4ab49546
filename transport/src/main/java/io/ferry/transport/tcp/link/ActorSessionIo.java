package io.ferry.transport.tcp.link;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.store.BlockStore;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.channel.ReceiveChannel;
import io.ferry.transport.tcp.channel.SendChannel;
import io.ferry.transport.tcp.channel.SendCounts;
import io.ferry.transport.tcp.channel.SessionChannels;
import io.ferry.transport.tcp.channel.SessionIo;
import io.ferry.transport.tcp.flow.PeerLimits;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.FrameCodec;
import io.ferry.transport.tcp.link.SessionCommand.Later;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BiConsumer;
import org.apache.pekko.actor.typed.javadsl.ActorContext;

/**
 * What a {@link PeerSession} gives its channels ({@link SessionIo}): the node's settings, store and
 * handler, the connection in use ({@link PeerLink}), the peer's limits, and the session actor's
 * thread, on which every callback runs (as a {@link Later} message to the actor).
 */
public final class ActorSessionIo implements SessionIo {
  private final ActorContext<SessionCommand> ctx;
  private final TransportContext node;
  private final PeerId peer;
  private final PeerLink link;
  private final PeerLimits limits;
  private final SessionChannels channels;

  public ActorSessionIo(
      ActorContext<SessionCommand> ctx,
      TransportContext node,
      PeerId peer,
      PeerLink link,
      PeerLimits limits,
      SessionChannels channels) {
    this.ctx = ctx;
    this.node = node;
    this.peer = peer;
    this.link = link;
    this.limits = limits;
    this.channels = channels;
  }

  /** Runs {@code action} on the session's thread, after what is queued there now. */
  public static void later(ActorContext<SessionCommand> ctx, Runnable action) {
    ctx.getSelf().tell(new Later(action));
  }

  @Override
  public PeerId self() {
    return node.self();
  }

  @Override
  public PeerId peer() {
    return peer;
  }

  @Override
  public TcpSettings settings() {
    return node.settings();
  }

  @Override
  public TransportHandler handler() {
    return node.handler();
  }

  @Override
  public BlockStore store() {
    return node.store();
  }

  @Override
  public String remoteAddress() {
    Connection c = link.active();
    return c == null || c.remote == null || c.remote.getAddress() == null
        ? null
        : c.remote.getAddress().getHostAddress();
  }

  @Override
  public boolean isConnected() {
    return link.active() != null;
  }

  @Override
  public boolean peerReturnsCredit() {
    Connection c = link.active();
    // Revision 2 on both sides: a node speaking an older revision neither sends nor takes it.
    return c != null
        && c.hello() != null
        && c.hello().returnsCredit()
        && node.settings().revision() >= 2;
  }

  @Override
  public void control(Frame frame) {
    link.control(frame);
  }

  @Override
  public void send(Frame frame, CompletableFuture<Void> sent) {
    link.send(frame, sent);
  }

  @Override
  public boolean data(Frame.Block frame, Runnable onWritten) {
    return link.data(FrameCodec.encode(frame), () -> later(onWritten));
  }

  @Override
  public boolean hasRoom() {
    return link.hasRoom();
  }

  @Override
  public <T> void blocking(Callable<T> work, BiConsumer<T, Throwable> then) {
    CompletableFuture<T> f =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return work.call();
              } catch (Exception e) {
                throw new CompletionException(e);
              }
            },
            node.blockingExecutor());
    ctx.pipeToSelf(f, (value, error) -> new Later(() -> then.accept(value, error)));
  }

  @Override
  public void later(Runnable action) {
    later(ctx, action);
  }

  @Override
  public long newRef(ReceiveChannel channel) {
    long ref = node.newRef();
    channels.bind(ref, channel);
    return ref;
  }

  @Override
  public void unbind(ReceiveChannel channel) {
    channels.unbind(channel);
  }

  @Override
  public void bind(long ref, SendChannel channel) {
    channels.bind(ref, channel);
  }

  @Override
  public long newRun() {
    return node.newRun();
  }

  @Override
  public PeerLimits limits() {
    return limits;
  }

  @Override
  public void rememberCounted(ChannelId id, SendCounts.Highest highest) {
    channels.rememberCounted(id, highest);
  }

  @Override
  public SendCounts.Highest recallCounted(ChannelId id) {
    return channels.recallCounted(id);
  }

  @Override
  public void rememberReceiving(ChannelId id, ReceiveChannel.Left left) {
    channels.rememberReceiving(id, left);
  }

  @Override
  public ReceiveChannel.Left recallReceiving(ChannelId id) {
    return channels.recallReceiving(id);
  }

  @Override
  public void releaseSlot(ChannelId id) {
    node.slots().release(id, peer);
  }

  @Override
  public boolean retakeSlot(ChannelId id, Runnable admitted) {
    return node.slots().acquire(id, peer, () -> later(admitted));
  }

  @Override
  public void chargePages(ChannelId id, long bytes) {
    node.admission().charge(id, bytes);
  }

  @Override
  public boolean reserveReadAhead(long bytes, boolean anyway) {
    return node.admission().memory().map(m -> m.takeReadAhead(bytes, anyway)).orElse(true);
  }

  @Override
  public void giveBackReadAhead(long bytes) {
    node.admission().memory().ifPresent(m -> m.giveReadAhead(bytes));
  }

  @Override
  public String whyQueued() {
    return node.slots().whyWaiting(peer);
  }

  @Override
  public void retire(ChannelId id) {
    SendChannel s = channels.removeSend(id);
    if (s != null && s.wasAdmitted()) {
      node.slots().release(id, peer);
    } else if (s != null) {
      node.slots().cancel(id);
    }
    channels.removeReceive(id);
    node.retired(id);
  }
}
