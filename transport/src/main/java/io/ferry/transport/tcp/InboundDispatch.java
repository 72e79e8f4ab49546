package io.ferry.transport.tcp;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.transport.tcp.frame.Frame;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes one frame received from an authenticated peer to the channel it concerns: data frames by
 * the receiver's reference, the rest by channel ID. Frames for channels this node does not know
 * (any more) are dropped: after a restart or a cancel some are always in flight. So are data-path
 * frames (but a completion) read from a connection no longer in use: they belong to wants already
 * replaced.
 */
final class InboundDispatch {
  private static final Logger log = LoggerFactory.getLogger(InboundDispatch.class);

  private final PeerSession session;
  private final SessionIo sessionIo;
  private final SessionChannels channels;
  private final Connection connection;

  InboundDispatch(PeerSession session, Connection connection) {
    this.session = session;
    this.sessionIo = session.io();
    this.channels = session.channels();
    this.connection = connection;
  }

  void dispatch(Object element) {
    if (boundToReference(element) && !session.inUse(connection)) {
      // A superseded connection: its references belong to wants the channels already replaced.
      log.debug("ignoring {} from {}: it is no longer in use", describe(element), connection);
      return;
    }
    if (element instanceof InboundBlock b) {
      ReceiveChannel r = channels.receiveByRef(b.ref());
      if (r != null) {
        r.onBlock(b);
      } else {
        log.debug("dropping block {} for stale reference {}", b.cid(), b.ref());
      }
    } else if (element instanceof Frame.Message m) {
      onMessage(m.message());
    } else if (element instanceof Frame.Want w) {
      onWant(w);
    } else if (element instanceof Frame.Credit c) {
      SendChannel s = channels.sendByRef(c.ref());
      if (s != null) {
        s.onCredit(c.bytes());
      }
    } else if (element instanceof Frame.Offer o) {
      ReceiveChannel r = channels.receiveByRef(o.ref());
      if (r != null) {
        r.onOffer(o);
      }
    } else if (element instanceof Frame.Have h) {
      SendChannel s = channels.sendByRef(h.ref());
      if (s != null) {
        s.onHave(h);
      }
    } else if (element instanceof Frame.Done d) {
      ReceiveChannel r = channels.receiveByRef(d.ref());
      if (r != null) {
        r.onDone(d.blocks());
      }
    } else if (element instanceof Frame.Complete d) {
      SendChannel s = channels.sendByRef(d.ref());
      if (s != null) {
        s.onComplete(d.blocks());
      } else {
        session.earlyComplete(d.ref());
      }
    } else if (element instanceof Frame.Pause p) {
      pauseOrResume(p.channel(), p.seq(), true);
    } else if (element instanceof Frame.Resume r) {
      pauseOrResume(r.channel(), r.seq(), false);
    } else if (element instanceof Frame.Ack a) {
      log.debug(
          "{} acknowledged request {} on {} at index {}",
          sessionIo.peer(),
          a.seq(),
          a.channel(),
          a.index());
    } else if (element instanceof Frame.Close c) {
      session.forgetEarly(c.channel());
      SendChannel s = channels.send(c.channel());
      if (s != null) {
        s.onRemoteClose(c.error());
      }
      ReceiveChannel r = channels.receive(c.channel());
      if (r != null) {
        r.onRemoteClose(c.error());
      }
    } else if (element instanceof Frame.Ping p) {
      connection.outbox.offerControl(
          io.ferry.transport.tcp.frame.FrameCodec.encode(new Frame.Pong(p.nonce())));
    } else if (element instanceof Frame.Pong) {
      // liveness only
    } else if (element instanceof Frame.GoAway g) {
      log.debug("{} stops using {}: {}", sessionIo.peer(), connection, g.reason());
      session.onGoAway(connection);
    } else {
      log.warn("{} sent an unexpected {}", sessionIo.peer(), element.getClass().getSimpleName());
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

  /** A control message for the engine, unless it is about a channel of other peers. */
  private void onMessage(TransferMessage message) {
    PeerId peer = sessionIo.peer();
    if (message instanceof TransferRequest r
        && r.type() == MessageType.RESTART_EXISTING_CHANNEL
        && (r.restartChannel() == null
            || !r.restartChannel().isParty(peer)
            || !r.restartChannel().isParty(sessionIo.self()))) {
      log.warn(
          "refused a control message from {} about channel {}: {} is not its counterparty",
          peer,
          r.restartChannel(),
          peer);
      return;
    }
    sessionIo.handler().onMessage(peer, message);
  }

  /** The receiver of a channel wants its blocks, if it is the channel's counterparty. */
  private void onWant(Frame.Want want) {
    ChannelId id = want.channel();
    PeerId peer = sessionIo.peer();
    if (!id.isParty(peer) || !id.isParty(sessionIo.self())) {
      log.warn("refused a want from {} for channel {}: {} is not its counterparty", peer, id, peer);
      sessionIo.control(new Frame.Close(id, peer + " is not a party of channel " + id));
      return;
    }
    SendChannel ch = channels.send(id);
    if (ch != null) {
      session.want(ch, want);
    } else if (session.node().isOpenWithAnotherPeer(id, peer)) {
      log.warn("refused a want from {} for channel {}: it is open with another peer", peer, id);
      sessionIo.control(new Frame.Close(id, "channel " + id + " is not open with " + peer));
    } else {
      session.earlyWant(want);
    }
  }

  private void pauseOrResume(ChannelId id, long seq, boolean pause) {
    SendChannel s = channels.send(id);
    if (s != null) {
      if (pause) {
        s.onRemotePause(seq);
      } else {
        s.onRemoteResume(seq);
      }
      return;
    }
    ReceiveChannel r = channels.receive(id);
    if (r != null) {
      if (pause) {
        r.onRemotePause(seq);
      } else {
        r.onRemoteResume(seq);
      }
      return;
    }
    session.earlyPause(id, seq, pause);
  }
}
