package io.ferry.engine.wiring;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Counters;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The read model's checkpoint in a flat binary form that loads without a serializer: the strings a
 * node repeats across its channels (peer IDs, selectors, voucher types, statuses) written once in
 * tables and referred to by index, each channel's fields as fixed-width numbers after them. The
 * first format stored the states through the system's CBOR serialization, whose reading (field
 * names, ISO-8601 instants, CID text, peer IDs in base58, one selector per channel) took 13 s of a
 * restart with 101,000 channels before the API could answer (docs/benchmarks.md, "Scale").
 *
 * <p>Layout, after the header {@link ReadModelCheckpoints} writes: the offset; the string table;
 * the channel count; per channel its fields and the sequence number of its last folded event.
 */
final class CompactCheckpoint {
  private static final int NONE = -1;

  private CompactCheckpoint() {}

  /** Writes {@code projection} to {@code out}. */
  static void write(ReadModelCheckpoints.Projection projection, DataOutputStream out)
      throws IOException {
    Strings strings = new Strings();
    List<ChannelState> channels = projection.channels();
    for (ChannelState s : channels) {
      strings.add(s.channelId().initiator().toString());
      strings.add(s.channelId().responder().toString());
      strings.add(text(s.selfPeer()));
      strings.add(text(s.sender()));
      strings.add(text(s.recipient()));
      strings.add(s.selector() == null ? null : s.selector().toDagJson());
      strings.add(s.status().name());
      s.vouchers().forEach(v -> strings.add(v.type()));
      s.voucherResults().forEach(v -> strings.add(v.type()));
    }
    out.writeLong(projection.offset());
    out.writeInt(strings.all.size());
    for (String s : strings.all) {
      bytes(out, s.getBytes(StandardCharsets.UTF_8));
    }
    out.writeInt(channels.size());
    for (ChannelState s : channels) {
      out.writeInt(strings.index(s.channelId().initiator().toString()));
      out.writeInt(strings.index(s.channelId().responder().toString()));
      out.writeLong(s.channelId().transferId());
      out.writeLong(projection.sequenceNrs().getOrDefault(s.channelId(), 0L));
      out.writeInt(strings.index(text(s.selfPeer())));
      out.writeInt(strings.index(text(s.sender())));
      out.writeInt(strings.index(text(s.recipient())));
      bytes(out, s.baseCid() == null ? null : s.baseCid().toBytes());
      out.writeInt(strings.index(s.selector() == null ? null : s.selector().toDagJson()));
      out.writeLong(s.totalSize());
      out.writeInt(strings.index(s.status().name()));
      count(out, s.counters().queued());
      count(out, s.counters().sent());
      count(out, s.counters().received());
      out.writeLong(s.dataLimit());
      out.writeByte(
          (s.requiresFinalization() ? 1 : 0)
              | (s.initiatorPaused() ? 2 : 0)
              | (s.responderPaused() ? 4 : 0)
              | (s.stalled() ? 8 : 0));
      out.writeInt(s.restartAttempts());
      bytes(out, s.message().getBytes(StandardCharsets.UTF_8));
      vouchers(out, s.vouchers(), strings);
      vouchers(out, s.voucherResults(), strings);
      instant(out, s.createdAt());
      instant(out, s.updatedAt());
      out.writeLong(s.voucherCount());
      out.writeLong(s.voucherResultCount());
    }
  }

  /** Reads what {@link #write} wrote. */
  static ReadModelCheckpoints.Projection read(DataInputStream in) throws IOException {
    long offset = in.readLong();
    int n = in.readInt();
    String[] strings = new String[n];
    PeerId[] peers = new PeerId[n];
    Selector[] selectors = new Selector[n];
    for (int i = 0; i < n; i++) {
      strings[i] = new String(bytes(in), StandardCharsets.UTF_8);
    }
    int count = in.readInt();
    List<ChannelState> channels = new ArrayList<>(count);
    Map<ChannelId, Long> sequenceNrs = new HashMap<>(count * 2);
    Map<String, Status> statuses = new HashMap<>();
    for (Status s : Status.values()) {
      statuses.put(s.name(), s);
    }
    for (int c = 0; c < count; c++) {
      ChannelId id =
          new ChannelId(peer(in, strings, peers), peer(in, strings, peers), in.readLong());
      sequenceNrs.put(id, in.readLong());
      PeerId self = peer(in, strings, peers);
      PeerId sender = peer(in, strings, peers);
      PeerId recipient = peer(in, strings, peers);
      byte[] cid = bytes(in);
      int selector = in.readInt();
      if (selector != NONE && selectors[selector] == null) {
        selectors[selector] = Selector.fromDagJson(strings[selector]);
      }
      long totalSize = in.readLong();
      String statusName = strings[in.readInt()];
      Status status = statuses.get(statusName);
      if (status == null) {
        throw new IOException("unknown channel status " + statusName);
      }
      Counters counters = new Counters(count(in), count(in), count(in));
      long dataLimit = in.readLong();
      int flags = in.readByte();
      int restartAttempts = in.readInt();
      String message = new String(bytes(in), StandardCharsets.UTF_8);
      List<TypedVoucher> vouchers = vouchers(in, strings);
      List<TypedVoucher> results = vouchers(in, strings);
      Instant createdAt = instant(in);
      Instant updatedAt = instant(in);
      channels.add(
          new ChannelState(
              id,
              self,
              cid == null ? null : Cid.decode(cid),
              selector == NONE ? null : selectors[selector],
              sender,
              recipient,
              totalSize,
              status,
              counters,
              dataLimit,
              (flags & 1) != 0,
              (flags & 2) != 0,
              (flags & 4) != 0,
              (flags & 8) != 0,
              restartAttempts,
              message,
              vouchers,
              results,
              createdAt,
              updatedAt,
              in.readLong(),
              in.readLong()));
    }
    return new ReadModelCheckpoints.Projection(offset, channels, sequenceNrs);
  }

  private static String text(PeerId peer) {
    return peer == null ? null : peer.toString();
  }

  private static PeerId peer(DataInputStream in, String[] strings, PeerId[] peers)
      throws IOException {
    int i = in.readInt();
    if (i == NONE) {
      return null;
    }
    if (peers[i] == null) {
      peers[i] = PeerId.parse(strings[i]);
    }
    return peers[i];
  }

  private static void bytes(DataOutputStream out, byte[] bytes) throws IOException {
    if (bytes == null) {
      out.writeInt(NONE);
      return;
    }
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] bytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    return length == NONE ? null : in.readNBytes(length);
  }

  private static void count(DataOutputStream out, Counters.Count count) throws IOException {
    out.writeLong(count.bytes());
    out.writeLong(count.blocks());
  }

  private static Counters.Count count(DataInputStream in) throws IOException {
    long bytes = in.readLong();
    long blocks = in.readLong();
    return bytes == 0 && blocks == 0 ? Counters.Count.ZERO : new Counters.Count(bytes, blocks);
  }

  private static void vouchers(DataOutputStream out, List<TypedVoucher> vouchers, Strings strings)
      throws IOException {
    out.writeInt(vouchers.size());
    for (TypedVoucher v : vouchers) {
      out.writeInt(strings.index(v.type()));
      bytes(out, v.bytes());
    }
  }

  private static List<TypedVoucher> vouchers(DataInputStream in, String[] strings)
      throws IOException {
    int n = in.readInt();
    if (n == 0) {
      return List.of();
    }
    List<TypedVoucher> vouchers = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      vouchers.add(new TypedVoucher(strings[in.readInt()], bytes(in)));
    }
    return vouchers;
  }

  private static void instant(DataOutputStream out, Instant instant) throws IOException {
    out.writeBoolean(instant != null);
    if (instant != null) {
      out.writeLong(instant.getEpochSecond());
      out.writeInt(instant.getNano());
    }
  }

  private static Instant instant(DataInputStream in) throws IOException {
    return in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
  }

  /** The distinct strings of a checkpoint, in first-seen order. */
  private static final class Strings {
    private final Map<String, Integer> indexes = new LinkedHashMap<>();
    private final List<String> all = new ArrayList<>();

    void add(String s) {
      if (s != null && !indexes.containsKey(s)) {
        indexes.put(s, all.size());
        all.add(s);
      }
    }

    int index(String s) {
      return s == null ? NONE : indexes.get(s);
    }
  }
}
