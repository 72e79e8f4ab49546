package io.ferry.transport.tcp.channel;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.MessageType;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.transport.tcp.flow.Admission;
import io.ferry.transport.tcp.flow.Offenders;
import io.ferry.transport.tcp.frame.Frame;
import io.ferry.transport.tcp.frame.InboundBlock;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the frames of one peer session to the channels they concern: data frames by the receiver's
 * reference, the rest by channel ID, and control messages to the engine. A frame about a channel
 * this side has not opened (or closed already) is dropped: no frame waits for an open, since a
 * receiver asks for data only in answer to its sender's {@link Frame.Open}, and after a restart or
 * a cancel some frames of the old run are always in flight. Confined to the session's thread.
 */
public final class ChannelFrames {
  private static final Logger log = LoggerFactory.getLogger(ChannelFrames.class);

  private final SessionIo io;
  private final SessionChannels channels;
  private final Admission admission;
  private final Offenders offenders;
  private Violations violations;

  public ChannelFrames(
      SessionIo io, SessionChannels channels, Admission admission, Offenders offenders) {
    this.io = io;
    this.channels = channels;
    this.admission = admission;
    this.offenders = offenders;
  }

  /** The frames this peer should not have sent, counted. */
  public Violations violations() {
    if (violations == null) {
      violations = new Violations(io.peer(), System::nanoTime, offenders::counted);
    }
    return violations;
  }

  /** Routes {@code element}, a frame (or an inbound block) about a channel or a message. */
  public void dispatch(Object element) {
    if (element instanceof InboundBlock b) {
      ReceiveChannel r = channels.receiveByRef(b.ref());
      if (r != null) {
        r.onBlock(b);
      } else {
        log.debug("dropping block {} for stale reference {}", b.cid(), b.ref());
      }
    } else if (element instanceof Frame.Message m) {
      onMessage(m.message());
    } else if (element instanceof Frame.Open o) {
      onOpen(o);
    } else if (element instanceof Frame.Want w) {
      onWant(w);
    } else if (element instanceof Frame.Credit c) {
      SendChannel s = channels.sendByRef(c.ref());
      if (s != null) {
        s.onCredit(c.bytes());
      }
    } else if (element instanceof Frame.CreditReturn c) {
      ReceiveChannel r = channels.receiveByRef(c.ref());
      if (r != null) {
        r.onCreditReturned(c.bytes());
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
      }
    } else if (element instanceof Frame.Pause p) {
      SendChannel s = channels.send(p.channel());
      if (s != null) {
        s.onRemotePause();
      }
    } else if (element instanceof Frame.Resume r) {
      SendChannel s = channels.send(r.channel());
      if (s != null) {
        s.onRemoteResume();
      }
    } else if (element instanceof Frame.Close c) {
      onClose(c);
    } else {
      violations().record(io.peer() + " sent an unexpected " + element.getClass().getSimpleName());
    }
  }

  /**
   * The peer closed its side of a channel, unless the close names a run this side is not on: both
   * sides closed and reopened at once, and the close of the old run arrived after the new run's
   * open or want. A sending side is on its own run (any other named run is one it left, possibly in
   * a previous process of this node, whose runs are not ordered with this one's); a receiving side
   * on the run of the last open it heard, or on none between runs, when every close applies.
   */
  private void onClose(Frame.Close c) {
    SendChannel s = channels.send(c.channel());
    if (s != null) {
      if (c.namesRun() && c.run() != s.run()) {
        log.debug(
            "{}: ignoring a close of run {}, this side sends run {}",
            c.channel(),
            c.run(),
            s.run());
      } else {
        s.onRemoteClose(c.error());
      }
    }
    ReceiveChannel r = channels.receive(c.channel());
    if (r != null) {
      if (c.namesRun() && r.run() >= 0 && c.run() != r.run()) {
        log.debug(
            "{}: ignoring a close of run {}, this side receives run {}",
            c.channel(),
            c.run(),
            r.run());
      } else {
        r.onRemoteClose(c.error());
      }
    }
  }

  /** A control message for the engine, unless it is about a channel of other peers. */
  private void onMessage(TransferMessage message) {
    PeerId peer = io.peer();
    if (message instanceof TransferRequest r
        && r.type() == MessageType.RESTART_EXISTING_CHANNEL
        && (r.restartChannel() == null || !isParty(r.restartChannel()))) {
      violations()
          .record(
              "refused a control message from "
                  + peer
                  + " about channel "
                  + r.restartChannel()
                  + ": "
                  + peer
                  + " is not its counterparty");
      return;
    }
    if (message instanceof TransferRequest r && !admitted(r)) {
      return;
    }
    io.handler().onMessage(peer, message);
  }

  /**
   * Whether a request for a channel the peer initiates may reach the engine: a new one within the
   * open-channel caps (else it is refused here, saying which cap), a restart always.
   */
  private boolean admitted(TransferRequest r) {
    if (r.type() != MessageType.NEW && r.type() != MessageType.RESTART) {
      return true;
    }
    ChannelId id = new ChannelId(io.peer(), io.self(), r.transferId());
    if (r.type() == MessageType.RESTART) {
      admission.track(id);
      return true;
    }
    Optional<String> refusal = admission.admit(id, io.remoteAddress());
    if (refusal.isEmpty()) {
      return true;
    }
    log.debug("refused request {} from {}: {}", r.transferId(), io.peer(), refusal.get());
    io.control(
        new Frame.Message(
            TransferResponse.rejected(MessageType.NEW, r.transferId(), null, refusal.get())));
    return false;
  }

  /**
   * The sender opened a run of a channel: its engine's message first, then the receiving side asks
   * for the blocks (if it is open here; a receiver opens before the message that makes its sender
   * open, so one that is not open closed since).
   */
  private void onOpen(Frame.Open open) {
    ChannelId id = open.channel();
    if (!isParty(id)) {
      violations()
          .record(
              "refused an open from "
                  + io.peer()
                  + " for channel "
                  + id
                  + ": "
                  + io.peer()
                  + " is not its counterparty");
      return;
    }
    if (open.message() != null) {
      onMessage(open.message());
    }
    ReceiveChannel r = channels.receive(id);
    if (r != null) {
      r.onOpen(open.run(), open.startIndex());
    } else {
      log.debug("{}: an open of run {} for a channel not received here", id, open.run());
    }
  }

  /** The receiver of a channel wants its blocks, if it is the channel's counterparty. */
  private void onWant(Frame.Want want) {
    ChannelId id = want.channel();
    PeerId peer = io.peer();
    if (!isParty(id)) {
      if (violations()
          .record(
              "refused a want from " + peer + " for channel " + id + ": not its counterparty")) {
        io.control(new Frame.Close(id, 0, peer + " is not a party of channel " + id));
      }
      return;
    }
    SendChannel ch = channels.send(id);
    if (ch != null) {
      ch.onWant(want);
    } else {
      log.debug("{}: a want of run {} for a channel not sent from here", id, want.run());
    }
  }

  private boolean isParty(ChannelId id) {
    return id.isParty(io.peer()) && id.isParty(io.self());
  }
}
