package io.ferry.transport.tcp.frame;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.ipld.Cid;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import org.apache.pekko.util.ByteString;

/**
 * One unit on the wire. Frames about a channel's data use a small integer {@code ref} chosen by the
 * channel's receiving node in its {@link Want}; frames that open, pause or close a channel name it
 * in full.
 */
public sealed interface Frame {

  /** The kind byte that follows the length prefix. */
  byte kind();

  /**
   * The first frame each side sends: who speaks which protocol with which limits.
   *
   * @param version the frame format version (1)
   * @param protocol the protocol ID, {@code /ferry/transfer/1.0.0}
   * @param maxFrameSize the largest frame (kind byte and payload) the sender accepts
   * @param listenAddrs multiaddrs the sender can be dialed at (may be empty)
   * @param revision the optional frames the sender understands, within version 1 ({@link
   *     FrameCodec#REVISION}; 1 for a node that announces none, as nodes before revisions did)
   */
  record Hello(
      int version, String protocol, int maxFrameSize, List<String> listenAddrs, int revision)
      implements Frame {
    public Hello {
      listenAddrs = List.copyOf(listenAddrs);
      if (listenAddrs.size() > 254) {
        throw new IllegalArgumentException("a handshake carries at most 254 listen addresses");
      }
      if (revision < 1 || revision > 255) {
        throw new IllegalArgumentException("revision " + revision + " is not within 1..255");
      }
    }

    /** A handshake of revision 1: no optional frames. */
    public Hello(int version, String protocol, int maxFrameSize, List<String> listenAddrs) {
      this(version, protocol, maxFrameSize, listenAddrs, 1);
    }

    /** Whether the sender answers a {@link Pause} with a {@link CreditReturn} (revision 2). */
    public boolean returnsCredit() {
      return revision >= 2;
    }

    /** Whether the sender reads a {@link Close} that names its run (revision 3). */
    public boolean readsClosedRuns() {
      return revision >= 3;
    }

    @Override
    public byte kind() {
      return FrameCodec.HELLO;
    }
  }

  /** A data-transfer control message. */
  record Message(TransferMessage message) implements Frame {
    public Message {
      Objects.requireNonNull(message, "message");
    }

    @Override
    public byte kind() {
      return FrameCodec.MESSAGE;
    }
  }

  /**
   * One block of a channel: the receiver checks its bytes against the CID and the CID against the
   * traversal.
   *
   * @param ref the receiver's reference for the channel
   * @param index the block's position in the traversal
   * @param cid the block's CID
   * @param data the block's bytes (slices of the received buffers, not copied)
   */
  record Block(long ref, long index, Cid cid, ByteString data) implements Frame {
    @Override
    public byte kind() {
      return FrameCodec.BLOCK;
    }
  }

  /**
   * Sender to receiver: the sending side of a channel is open for a new run, with the engine's
   * control message that goes with the open (if any). The receiver asks for blocks only in answer
   * to an open: a {@link Want} names the run it answers.
   *
   * @param channel the channel
   * @param run the sender's number for this run of the channel (new at each open)
   * @param startIndex the traversal index the sender's engine decided to start at
   * @param message the control message sent with the open, or null
   */
  record Open(ChannelId channel, long run, long startIndex, TransferMessage message)
      implements Frame {
    @Override
    public byte kind() {
      return FrameCodec.OPEN;
    }
  }

  /**
   * Receiver to sender, in answer to an {@link Open}: send me this channel's blocks from {@code
   * startIndex}, using {@code ref}; here is credit for the first bytes. Sent again, with a new
   * reference, after a reconnect.
   *
   * @param channel the channel
   * @param ref the reference the sender puts on this channel's data frames
   * @param run the run of the sender's open this want answers
   * @param startIndex the first traversal index the receiver needs (it holds those before)
   * @param credit bytes the sender may send before it hears more
   * @param paused whether the receiver is paused (the sender holds until a {@link Resume})
   */
  record Want(ChannelId channel, long ref, long run, long startIndex, long credit, boolean paused)
      implements Frame {
    @Override
    public byte kind() {
      return FrameCodec.WANT;
    }
  }

  /**
   * Sender to receiver, answering the receiver's {@link Pause} (only between nodes of revision 2):
   * the sender dropped {@code bytes} of credit it had not used on channel {@code ref}, so the
   * receiver may give them back to its budgets while paused instead of keeping them for a sender
   * that does not send. After the receiver's {@link Resume} it grants credit again.
   */
  record CreditReturn(long ref, long bytes) implements Frame {
    @Override
    public byte kind() {
      return FrameCodec.CREDIT_RETURN;
    }
  }

  /** Receiver to sender: you may send {@code bytes} more on channel {@code ref}. */
  record Credit(long ref, long bytes) implements Frame {
    @Override
    public byte kind() {
      return FrameCodec.CREDIT;
    }
  }

  /**
   * Sender to receiver: the next CIDs of the traversal, from {@code firstIndex} on, so the receiver
   * can say which it already holds before any of them is sent.
   */
  record Offer(long ref, long firstIndex, List<Cid> cids) implements Frame {
    public Offer {
      cids = List.copyOf(cids);
      if (cids.size() > FrameCodec.MAX_OFFER_CIDS) {
        throw new IllegalArgumentException(
            "an offer carries at most " + FrameCodec.MAX_OFFER_CIDS + " CIDs");
      }
    }

    @Override
    public byte kind() {
      return FrameCodec.OFFER;
    }
  }

  /**
   * Receiver to sender: of the {@code count} CIDs offered from {@code firstIndex}, those whose bit
   * is set in {@code held} are already here and must not be sent.
   */
  record Have(long ref, long firstIndex, int count, BitSet held) implements Frame {
    public Have {
      held = (BitSet) held.clone();
      if (held.length() > count) {
        throw new IllegalArgumentException("bit " + (held.length() - 1) + " is beyond " + count);
      }
    }

    @Override
    public BitSet held() {
      return (BitSet) held.clone();
    }

    @Override
    public byte kind() {
      return FrameCodec.HAVE;
    }
  }

  /** Sender to receiver: the traversal ended; it has {@code blocks} blocks in all. */
  record Done(long ref, long blocks) implements Frame {
    @Override
    public byte kind() {
      return FrameCodec.DONE;
    }
  }

  /**
   * Receiver to sender: every block of the traversal ({@code blocks} in all) is verified and stored
   * here; the channel's data movement is complete on both sides.
   */
  record Complete(long ref, long blocks) implements Frame {
    @Override
    public byte kind() {
      return FrameCodec.COMPLETE;
    }
  }

  /** Receiver to sender: hold this channel's blocks until a {@link Resume}. */
  record Pause(ChannelId channel) implements Frame {
    @Override
    public byte kind() {
      return FrameCodec.PAUSE;
    }
  }

  /** Receiver to sender: continue this channel's blocks. */
  record Resume(ChannelId channel) implements Frame {
    @Override
    public byte kind() {
      return FrameCodec.RESUME;
    }
  }

  /**
   * Either side: this channel's data movement is over on my side; {@code error} says why when it
   * failed (empty when it was closed normally, e.g. cancelled).
   *
   * <p>{@code run} names the run the close ends: the sender's run of the channel, which a receiver
   * knows from the last {@link Open} it heard. When both sides close and reopen a channel at the
   * same moment, a close of the old run can arrive after the new run's open or want, and a close
   * that named no run ended the new run. A side on another run ignores a close that names one. 0
   * names no run (the closing side heard no open, or the peer is of a revision before 3): such a
   * close ends whatever run the channel is on, as every close did before. On the wire a close that
   * names a run is its own kind ({@link FrameCodec#CLOSE_RUN}), which a node of an older revision
   * would refuse; it is sent only to peers of revision 3 ({@link FrameCodec#forRevision}).
   *
   * @param channel the channel
   * @param run the sender's run this close ends, or 0 for none
   * @param error why the side failed, or empty
   */
  record Close(ChannelId channel, long run, String error) implements Frame {
    public Close {
      error = error == null ? "" : error;
      if (run < 0) {
        throw new IllegalArgumentException("run " + run + " is negative");
      }
    }

    /** Whether it names the run it ends (revision 3). */
    public boolean namesRun() {
      return run != 0;
    }

    /** The same close naming no run, as a node of a revision before 3 reads it. */
    public Close withoutRun() {
      return new Close(channel, 0, error);
    }

    @Override
    public byte kind() {
      return namesRun() ? FrameCodec.CLOSE_RUN : FrameCodec.CLOSE;
    }
  }

  /** Keep-alive probe; answered by a {@link Pong} with the same nonce. */
  record Ping(long nonce) implements Frame {
    @Override
    public byte kind() {
      return FrameCodec.PING;
    }
  }

  /** The answer to a {@link Ping}. */
  record Pong(long nonce) implements Frame {
    @Override
    public byte kind() {
      return FrameCodec.PONG;
    }
  }

  /**
   * The sender will send nothing more on this connection (e.g. it is a duplicate of another one);
   * the receiver finishes reading and closes.
   */
  record GoAway(String reason) implements Frame {
    @Override
    public byte kind() {
      return FrameCodec.GOAWAY;
    }
  }
}
