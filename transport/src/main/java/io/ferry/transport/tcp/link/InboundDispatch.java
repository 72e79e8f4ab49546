package io.ferry.transport.tcp.link;

import io.ferry.transport.tcp.channel.ChannelFrames;
import io.ferry.transport.tcp.channel.Violations;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.FrameCodec;
import io.ferry.transport.tcp.frame.InboundBlock;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one frame received from an authenticated peer on a connection: the connection's own
 * frames (keep-alive, going away) here, the rest through the session's {@link ChannelFrames}.
 * Data-path frames (but a completion) read from a connection no longer in use are dropped: they
 * belong to wants already replaced.
 */
public final class InboundDispatch {
  private static final Logger log = LoggerFactory.getLogger(InboundDispatch.class);

  private final PeerSession session;
  private final Connection connection;

  public InboundDispatch(PeerSession session, Connection connection) {
    this.session = session;
    this.connection = connection;
  }

  public void dispatch(Object element) {
    if (boundToReference(element) && !session.inUse(connection)) {
      // A superseded connection: its references belong to wants the channels already replaced.
      log.debug("ignoring {} from {}: it is no longer in use", describe(element), connection);
      return;
    }
    if (element instanceof Frame.Ping p) {
      connection.outbox.offerControl(FrameCodec.encode(new Frame.Pong(p.nonce())));
    } else if (element instanceof Frame.Pong) {
      // liveness only
    } else if (element instanceof Frame.GoAway g) {
      log.debug("the peer stops using {}: {}", connection, g.reason());
      session.onGoAway(connection);
    } else {
      session.frames().dispatch(element);
      if (session.frames().violations().flooding()) {
        log.warn(
            "closing {}: {} protocol violations in a minute; refusing {} for {} s",
            connection,
            Violations.DISCONNECT_AFTER,
            session.peer(),
            io.ferry.transport.tcp.flow.Offenders.BACKOFF.toSeconds());
        session.node().offenders().backOff(session.peer());
        connection.abort(new IllegalStateException("too many protocol violations"));
      }
    }
  }

  /**
   * Data-path frames, which name the receiver's reference of the want they belong to. COMPLETE is
   * not one of them: the receiver holds every block, whichever connection says so.
   */
  private static boolean boundToReference(Object element) {
    return element instanceof InboundBlock
        || element instanceof Frame.Want
        || element instanceof Frame.Credit
        || element instanceof Frame.Offer
        || element instanceof Frame.Have
        || element instanceof Frame.Done;
  }

  private static String describe(Object element) {
    return element instanceof InboundBlock b
        ? "block " + b.cid() + " (ref " + b.ref() + ")"
        : element.getClass().getSimpleName().toLowerCase(Locale.ROOT);
  }
}
