package io.ferry.transport.tcp.frame;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Varint;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.util.ByteString;

/**
 * Encodes frames to bytes and decodes frame bodies. A frame on the wire is {@code length (u32,
 * big-endian) | kind (u8) | payload}, where length counts the kind byte and the payload. Numbers
 * inside payloads are unsigned LEB128 varints unless noted; layouts are in docs/protocol.md.
 */
public final class FrameCodec {
  public static final byte HELLO = 0x00;
  public static final byte MESSAGE = 0x01;
  public static final byte BLOCK = 0x02;
  public static final byte WANT = 0x03;
  public static final byte CREDIT = 0x04;
  public static final byte OFFER = 0x05;
  public static final byte HAVE = 0x06;
  public static final byte DONE = 0x07;
  public static final byte PAUSE = 0x08;
  public static final byte RESUME = 0x09;
  public static final byte OPEN = 0x0A;
  public static final byte CLOSE = 0x0B;
  public static final byte PING = 0x0C;
  public static final byte PONG = 0x0D;
  public static final byte GOAWAY = 0x0E;
  public static final byte COMPLETE = 0x0F;
  public static final byte CREDIT_RETURN = 0x10;
  public static final byte CLOSE_RUN = 0x11;

  /** The protocol this codec speaks. */
  public static final String PROTOCOL = "/ferry/transfer/1.0.0";

  /** The frame format version in {@link Frame.Hello}. */
  public static final int VERSION = 1;

  /**
   * The revision this node speaks within {@link #VERSION}: 2 adds {@link Frame.CreditReturn}, 3 a
   * {@link Frame.Close} that names the run it ends ({@link #CLOSE_RUN}). A node of version 1
   * refuses any other version, so the revision travels in the handshake where such a node ignores
   * it: as one more listen address, {@code /ferry-revision/<n>}, which it cannot parse and skips.
   * No such address means revision 1.
   */
  public static final int REVISION = 3;

  private static final String REVISION_ADDRESS = "/ferry-revision/";

  /** "FRRY": the first bytes of every handshake payload. */
  static final byte[] MAGIC = {'F', 'R', 'R', 'Y'};

  /** Bytes before the payload: length and kind. */
  public static final int HEADER_BYTES = 5;

  /** The largest handshake a peer may send, whatever the frame limit. */
  public static final int MAX_HELLO_BYTES = 16 * 1024;

  /** The most CIDs one {@link Frame.Offer} may carry. */
  public static final int MAX_OFFER_CIDS = 4096;

  private static final String[] NAMES = {
    "hello",
    "message",
    "block",
    "want",
    "credit",
    "offer",
    "have",
    "done",
    "pause",
    "resume",
    "open",
    "close",
    "ping",
    "pong",
    "go-away",
    "complete",
    "credit-return",
    "close-run"
  };

  private FrameCodec() {}

  /** The name of a frame kind, for errors and logs. */
  public static String kindName(int kind) {
    return kind >= 0 && kind < NAMES.length
        ? NAMES[kind]
        : "unknown kind 0x" + Integer.toHexString(kind);
  }

  /** The whole frame, length prefix included. Block data is not copied. */
  public static ByteString encode(Frame frame) {
    if (frame instanceof Frame.Block b) {
      Out head = new Out(64 + b.cid().byteLength());
      head.u32(0).u8(BLOCK).varint(b.ref()).varint(b.index()).bytes(b.cid().toBytes());
      int length = head.size() - 4 + b.data().size();
      head.putU32At(0, length);
      return head.toByteString().concat(b.data());
    }
    Out out = new Out(64);
    out.u32(0).u8(frame.kind());
    if (frame instanceof Frame.Hello h) {
      out.bytes(MAGIC).u8(h.version()).shortString(h.protocol()).u32(h.maxFrameSize());
      List<String> addrs = new ArrayList<>(h.listenAddrs());
      if (h.revision() > 1) {
        addrs.add(REVISION_ADDRESS + h.revision());
      }
      out.u8(addrs.size());
      addrs.forEach(out::shortString);
    } else if (frame instanceof Frame.Message m) {
      out.bytes(MessageCodec.encode(m.message()));
    } else if (frame instanceof Frame.Want w) {
      out.channel(w.channel()).varint(w.ref()).varint(w.run()).varint(w.startIndex());
      out.varint(w.credit()).u8(w.paused() ? 1 : 0);
    } else if (frame instanceof Frame.Credit c) {
      out.varint(c.ref()).varint(c.bytes());
    } else if (frame instanceof Frame.CreditReturn c) {
      out.varint(c.ref()).varint(c.bytes());
    } else if (frame instanceof Frame.Offer o) {
      out.varint(o.ref()).varint(o.firstIndex()).varint(o.cids().size());
      o.cids().forEach(c -> out.bytes(c.toBytes()));
    } else if (frame instanceof Frame.Have h) {
      byte[] bits = java.util.Arrays.copyOf(h.held().toByteArray(), (h.count() + 7) / 8);
      out.varint(h.ref()).varint(h.firstIndex()).varint(h.count()).bytes(bits);
    } else if (frame instanceof Frame.Done d) {
      out.varint(d.ref()).varint(d.blocks());
    } else if (frame instanceof Frame.Complete d) {
      out.varint(d.ref()).varint(d.blocks());
    } else if (frame instanceof Frame.Pause p) {
      out.channel(p.channel());
    } else if (frame instanceof Frame.Resume r) {
      out.channel(r.channel());
    } else if (frame instanceof Frame.Open o) {
      out.channel(o.channel()).varint(o.run()).varint(o.startIndex());
      if (o.message() != null) {
        out.bytes(MessageCodec.encode(o.message()));
      }
    } else if (frame instanceof Frame.Close c) {
      out.channel(c.channel());
      if (c.namesRun()) {
        out.varint(c.run());
      }
      out.bytes(utf8(c.error()));
    } else if (frame instanceof Frame.Ping p) {
      out.u64(p.nonce());
    } else if (frame instanceof Frame.Pong p) {
      out.u64(p.nonce());
    } else if (frame instanceof Frame.GoAway g) {
      out.bytes(utf8(g.reason()));
    } else {
      throw new IllegalStateException("no encoding for " + frame);
    }
    out.putU32At(0, out.size() - 4);
    return out.toByteString();
  }

  /**
   * {@code frame} as a node of {@code revision} reads it: below 3, a close that names its run names
   * none (such a node would refuse the kind and drop the connection). Other frames unchanged.
   */
  public static Frame forRevision(Frame frame, int revision) {
    if (revision < 3 && frame instanceof Frame.Close c && c.namesRun()) {
      return c.withoutRun();
    }
    return frame;
  }

  /**
   * Decodes a frame's body (kind byte and payload, without the length prefix).
   *
   * @throws FrameException when the body is malformed; the message names the frame kind and what
   *     was wrong
   */
  public static Frame decode(ByteString body) {
    if (body.isEmpty()) {
      throw new FrameException("empty frame (no kind byte)");
    }
    int kind = body.apply(0) & 0xff;
    try {
      if (kind == BLOCK) {
        return decodeBlock(body);
      }
      ByteBuffer in = ByteBuffer.wrap(body.toArrayUnsafe(), 1, body.size() - 1);
      Frame f = decodeSmall(kind, in);
      if (in.hasRemaining()) {
        throw new FrameException(in.remaining() + " unexpected bytes after the payload");
      }
      return f;
    } catch (FrameException e) {
      if (e.getMessage().startsWith("malformed ")) {
        throw e;
      }
      throw new FrameException("malformed " + kindName(kind) + " frame: " + e.getMessage(), e);
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      String why = e.getMessage() == null ? "it ends too early" : e.getMessage();
      throw new FrameException("malformed " + kindName(kind) + " frame: " + why, e);
    }
  }

  private static Frame decodeBlock(ByteString body) {
    ByteString headBytes = body.slice(1, Math.min(body.size(), 1 + 2 * Varint.MAX_BYTES + 256));
    ByteBuffer head = ByteBuffer.wrap(headBytes.toArrayUnsafe());
    long ref = Varint.read(head);
    long index = Varint.read(head);
    Cid cid = Cid.read(head);
    return new Frame.Block(ref, index, cid, body.drop(1 + head.position()));
  }

  private static Frame decodeSmall(int kind, ByteBuffer in) {
    return switch (kind) {
      case HELLO -> decodeHello(in);
      case MESSAGE -> {
        byte[] cbor = new byte[in.remaining()];
        in.get(cbor);
        yield new Frame.Message(MessageCodec.decode(cbor));
      }
      case WANT -> decodeWant(in);
      case OPEN -> {
        ChannelId channel = channel(in);
        long run = Varint.read(in);
        long start = Varint.read(in);
        byte[] cbor = new byte[in.remaining()];
        in.get(cbor);
        yield new Frame.Open(
            channel, run, start, cbor.length == 0 ? null : MessageCodec.decode(cbor));
      }
      case CREDIT -> new Frame.Credit(Varint.read(in), Varint.read(in));
      case CREDIT_RETURN -> new Frame.CreditReturn(Varint.read(in), Varint.read(in));
      case OFFER -> {
        long ref = Varint.read(in);
        long first = Varint.read(in);
        long count = Varint.read(in);
        if (count > MAX_OFFER_CIDS) {
          throw new FrameException(count + " CIDs exceed the maximum of " + MAX_OFFER_CIDS);
        }
        List<Cid> cids = new ArrayList<>((int) count);
        for (long i = 0; i < count; i++) {
          cids.add(Cid.read(in));
        }
        yield new Frame.Offer(ref, first, cids);
      }
      case HAVE -> {
        long ref = Varint.read(in);
        long first = Varint.read(in);
        long count = Varint.read(in);
        if (count > MAX_OFFER_CIDS) {
          throw new FrameException(count + " bits exceed the maximum of " + MAX_OFFER_CIDS);
        }
        byte[] bits = new byte[(int) (count + 7) / 8];
        in.get(bits);
        java.util.BitSet held = java.util.BitSet.valueOf(bits);
        if (held.length() > count) {
          throw new FrameException("bit " + (held.length() - 1) + " is set beyond " + count);
        }
        yield new Frame.Have(ref, first, (int) count, held);
      }
      case DONE -> new Frame.Done(Varint.read(in), Varint.read(in));
      case COMPLETE -> new Frame.Complete(Varint.read(in), Varint.read(in));
      case PAUSE -> new Frame.Pause(channel(in));
      case RESUME -> new Frame.Resume(channel(in));
      case CLOSE -> new Frame.Close(channel(in), 0, rest(in));
      case CLOSE_RUN -> {
        ChannelId channel = channel(in);
        long run = Varint.read(in);
        if (run == 0) {
          throw new FrameException("it names run 0 (a close of no run is a close frame)");
        }
        yield new Frame.Close(channel, run, rest(in));
      }
      case PING -> new Frame.Ping(in.getLong());
      case PONG -> new Frame.Pong(in.getLong());
      case GOAWAY -> new Frame.GoAway(rest(in));
      default -> throw new FrameException("unknown frame kind 0x" + Integer.toHexString(kind));
    };
  }

  private static Frame.Want decodeWant(ByteBuffer in) {
    ChannelId channel = channel(in);
    long ref = Varint.read(in);
    long run = Varint.read(in);
    long start = Varint.read(in);
    long credit = Varint.read(in);
    int paused = in.get() & 0xff;
    if (paused > 1) {
      throw new FrameException("its paused flag is " + paused + ", not 0 or 1");
    }
    return new Frame.Want(channel, ref, run, start, credit, paused == 1);
  }

  private static Frame.Hello decodeHello(ByteBuffer in) {
    byte[] magic = new byte[MAGIC.length];
    in.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new FrameException("handshake does not start with the magic \"FRRY\"");
    }
    int version = in.get() & 0xff;
    String protocol = shortString(in);
    int maxFrame = in.getInt();
    int n = in.get() & 0xff;
    List<String> addrs = new ArrayList<>(n);
    int revision = 1;
    for (int i = 0; i < n; i++) {
      String addr = shortString(in);
      if (addr.startsWith(REVISION_ADDRESS)) {
        revision = revision(addr.substring(REVISION_ADDRESS.length()));
      } else {
        addrs.add(addr);
      }
    }
    if (addrs.size() > 254) {
      addrs = addrs.subList(0, 254);
    }
    return new Frame.Hello(version, protocol, maxFrame, addrs, revision);
  }

  private static int revision(String text) {
    try {
      int r = Integer.parseInt(text);
      if (r >= 1 && r <= 255) {
        return r;
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new FrameException("its revision address names no revision in 1..255: " + text);
  }

  private static ChannelId channel(ByteBuffer in) {
    PeerId initiator = peer(in);
    PeerId responder = peer(in);
    return new ChannelId(initiator, responder, in.getLong());
  }

  private static PeerId peer(ByteBuffer in) {
    int len = in.get() & 0xff;
    byte[] b = new byte[len];
    in.get(b);
    return PeerId.fromBytes(b);
  }

  private static String shortString(ByteBuffer in) {
    int len = in.getShort() & 0xffff;
    byte[] b = new byte[len];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static String rest(ByteBuffer in) {
    byte[] b = new byte[in.remaining()];
    in.get(b);
    return new String(b, StandardCharsets.UTF_8);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** A growable big-endian byte buffer for small frames. */
  private static final class Out {
    private byte[] buf;
    private int size;

    Out(int capacity) {
      buf = new byte[capacity];
    }

    private void ensure(int more) {
      if (size + more > buf.length) {
        buf = java.util.Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
      }
    }

    int size() {
      return size;
    }

    Out u8(int v) {
      ensure(1);
      buf[size++] = (byte) v;
      return this;
    }

    Out u32(int v) {
      ensure(4);
      putU32At(size, v);
      size += 4;
      return this;
    }

    void putU32At(int at, int v) {
      buf[at] = (byte) (v >>> 24);
      buf[at + 1] = (byte) (v >>> 16);
      buf[at + 2] = (byte) (v >>> 8);
      buf[at + 3] = (byte) v;
    }

    Out u64(long v) {
      u32((int) (v >>> 32));
      return u32((int) v);
    }

    Out varint(long v) {
      if (v < 0) {
        throw new IllegalArgumentException("negative number " + v + " cannot be a varint");
      }
      ensure(Varint.MAX_BYTES);
      ByteBuffer bb = ByteBuffer.wrap(buf, size, Varint.MAX_BYTES);
      Varint.write(v, bb);
      size = bb.position();
      return this;
    }

    Out bytes(byte[] b) {
      ensure(b.length);
      System.arraycopy(b, 0, buf, size, b.length);
      size += b.length;
      return this;
    }

    Out shortString(String s) {
      byte[] b = utf8(s);
      if (b.length > 0xffff) {
        throw new IllegalArgumentException("string of " + b.length + " bytes is too long");
      }
      ensure(2);
      buf[size++] = (byte) (b.length >>> 8);
      buf[size++] = (byte) b.length;
      return bytes(b);
    }

    Out channel(ChannelId id) {
      byte[] i = id.initiator().toBytes();
      byte[] r = id.responder().toBytes();
      return u8(i.length).bytes(i).u8(r.length).bytes(r).u64(id.transferId());
    }

    ByteString toByteString() {
      return ByteString.fromArrayUnsafe(buf, 0, size);
    }
  }
}
