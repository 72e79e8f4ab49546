package io.ferry.transport.tcp.frame;

import org.apache.pekko.stream.Attributes;
import org.apache.pekko.stream.FlowShape;
import org.apache.pekko.stream.Inlet;
import org.apache.pekko.stream.Outlet;
import org.apache.pekko.stream.stage.AbstractInHandler;
import org.apache.pekko.stream.stage.AbstractOutHandler;
import org.apache.pekko.stream.stage.GraphStage;
import org.apache.pekko.stream.stage.GraphStageLogic;
import org.apache.pekko.util.ByteString;

/**
 * Cuts a byte stream into frames: reads the 4-byte length, refuses a length over the limit before
 * buffering its payload, and decodes each complete frame. The first frame must be a handshake
 * ({@link Frame.Hello}) of at most {@link FrameCodec#MAX_HELLO_BYTES}, so that a peer that does not
 * speak Ferry is recognised at once. Fails the stream with a {@link FrameException} naming what was
 * wrong; a stream that ends inside a frame fails too.
 */
public final class FrameDecoder extends GraphStage<FlowShape<ByteString, Frame>> {
  private final Inlet<ByteString> in = Inlet.create("FrameDecoder.in");
  private final Outlet<Frame> out = Outlet.create("FrameDecoder.out");
  private final FlowShape<ByteString, Frame> shape = FlowShape.of(in, out);
  private final int maxFrameSize;
  private final int revision;

  /** A decoder accepting frames of at most {@code maxFrameSize} bytes (kind and payload). */
  public FrameDecoder(int maxFrameSize) {
    this(maxFrameSize, FrameCodec.REVISION);
  }

  /**
   * As {@link #FrameDecoder(int)}, knowing only the frames of {@code revision}: a later revision's
   * frame is refused as an unknown kind, as a node of that revision refuses it.
   */
  public FrameDecoder(int maxFrameSize, int revision) {
    this.revision = revision;
    if (maxFrameSize < 1024) {
      throw new IllegalArgumentException("maximum frame size " + maxFrameSize + " is below 1 KiB");
    }
    this.maxFrameSize = maxFrameSize;
  }

  @Override
  public FlowShape<ByteString, Frame> shape() {
    return shape;
  }

  /**
   * The stream does not log this stage's failures: a malformed frame is a peer's doing, and Pekko
   * logged each at ERROR with a 30-line stack trace (issue 19, 5). The link logs one line naming
   * the peer and what was wrong when the connection closes.
   */
  @Override
  public Attributes initialAttributes() {
    return Attributes.createLogLevels(
        Attributes.logLevelDebug(), Attributes.logLevelDebug(), Attributes.logLevelOff());
  }

  @Override
  public GraphStageLogic createLogic(Attributes attributes) {
    return new GraphStageLogic(shape) {
      private ByteString buffer = ByteString.emptyByteString();
      private boolean handshakeSeen;
      private boolean upstreamDone;

      {
        setHandler(
            in,
            new AbstractInHandler() {
              @Override
              public void onPush() {
                buffer = buffer.concat(grab(in));
                deliver();
              }

              @Override
              public void onUpstreamFinish() {
                upstreamDone = true;
                deliver();
              }
            });
        setHandler(
            out,
            new AbstractOutHandler() {
              @Override
              public void onPull() {
                deliver();
              }
            });
      }

      private void deliver() {
        if (!isAvailable(out)) {
          return;
        }
        Frame frame = next();
        if (frame != null) {
          push(out, frame);
        } else if (upstreamDone) {
          if (buffer.isEmpty()) {
            completeStage();
          } else {
            failStage(
                new FrameException(
                    "connection ended inside a frame ("
                        + buffer.size()
                        + " bytes of an incomplete frame)"));
          }
        } else if (!hasBeenPulled(in)) {
          pull(in);
        }
      }

      private Frame next() {
        if (buffer.size() < 4) {
          return null;
        }
        long length = buffer.iterator().getInt(java.nio.ByteOrder.BIG_ENDIAN) & 0xffffffffL;
        if (!handshakeSeen) {
          if (length > FrameCodec.MAX_HELLO_BYTES
              || (buffer.size() > 4 && buffer.apply(4) != FrameCodec.HELLO)) {
            throw new FrameException(
                "peer did not open with a Ferry handshake (first bytes: "
                    + hex(buffer.take(16))
                    + ")");
          }
        } else if (length > maxFrameSize) {
          throw new FrameException(
              "frame of " + length + " bytes exceeds the maximum " + maxFrameSize);
        }
        if (length == 0) {
          throw new FrameException("frame of 0 bytes (every frame has a kind byte)");
        }
        if (buffer.size() < 4 + length) {
          return null;
        }
        ByteString body = buffer.slice(4, 4 + (int) length);
        buffer = buffer.drop(4 + (int) length);
        if (buffer.isEmpty()) {
          buffer = ByteString.emptyByteString();
        }
        Frame frame = FrameCodec.decode(body);
        if (revision < 2 && frame instanceof Frame.CreditReturn) {
          throw new FrameException(
              "unknown frame kind 0x" + Integer.toHexString(FrameCodec.CREDIT_RETURN));
        }
        if (revision < 3 && frame instanceof Frame.Close c && c.namesRun()) {
          throw new FrameException(
              "unknown frame kind 0x" + Integer.toHexString(FrameCodec.CLOSE_RUN));
        }
        if (!handshakeSeen && !(frame instanceof Frame.Hello)) {
          throw new FrameException("peer did not open with a Ferry handshake");
        }
        if (handshakeSeen && frame instanceof Frame.Hello) {
          throw new FrameException("peer sent a second handshake");
        }
        handshakeSeen = true;
        return frame;
      }
    };
  }

  private static String hex(ByteString bytes) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < bytes.size(); i++) {
      sb.append(String.format("%02x", bytes.apply(i) & 0xff));
    }
    return sb.toString();
  }
}
