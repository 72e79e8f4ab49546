package io.ferry.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.channels.ChannelState;
import io.ferry.channels.TypedVoucher;
import java.util.Base64;
import java.util.List;

/**
 * A channel as the API shows it: {@link ChannelState} with plain JSON types (IDs and CIDs as
 * strings, the selector as DAG-JSON, times in ISO-8601, vouchers as type, JSON of that type and
 * base64 CBOR: the opening voucher and the latest, and the latest result, with how many there were
 * in {@code voucherCount} and {@code voucherResultCount}). The transfer ID is a string because it
 * is an unsigned 64-bit number. A terminal channel shows no pauses (they no longer hold anything
 * back), and a completed one's total is what moved when the total was never announced. {@code
 * expectedBytes} is the whole DAG's size when the root block tells it (whole-DAG transfers only),
 * so progress can show a percentage; a listing tells it for the channels that have not ended only
 * ({@link #listed}), so that listing ended channels reads nothing but the channel read model.
 * {@code dataWarning} (in {@code GET /v1/channels/{id}} only, else null) says when a Completed
 * channel's data is no longer whole in the node's block store ({@link StoredData}).
 */
public record ChannelView(
    String id,
    String initiator,
    String responder,
    String transferId,
    String self,
    String otherPeer,
    String direction,
    String role,
    String baseCid,
    JsonNode selector,
    String sender,
    String recipient,
    String status,
    long totalSize,
    long expectedBytes,
    long queuedBytes,
    long sentBytes,
    long receivedBytes,
    long queuedBlocks,
    long sentBlocks,
    long receivedBlocks,
    long dataLimit,
    boolean requiresFinalization,
    boolean initiatorPaused,
    boolean responderPaused,
    boolean stalled,
    int restartAttempts,
    String message,
    List<VoucherView> vouchers,
    List<VoucherView> voucherResults,
    long voucherCount,
    long voucherResultCount,
    String createdAt,
    String updatedAt,
    String host,
    String dataWarning) {

  /**
   * A voucher or voucher result.
   *
   * @param type its registered type identifier
   * @param value its value as JSON of that type, or null when this node cannot decode it
   * @param cbor its encoded bytes, base64
   */
  public record VoucherView(String type, JsonNode value, String cbor) {
    static VoucherView of(TypedVoucher v, NodeBackend node) {
      return new VoucherView(
          v.type(),
          node == null ? null : node.voucherJson(v).orElse(null),
          Base64.getEncoder().encodeToString(v.bytes()));
    }
  }

  /** The view of {@code s} alone: vouchers undecoded, the DAG's size unknown. */
  public static ChannelView of(ChannelState s, ObjectMapper json) {
    return of(s, json, null);
  }

  /**
   * The view of {@code s} in a listing: as {@link #of(ChannelState, ObjectMapper, NodeBackend)},
   * but the DAG's size only for a channel that has not ended (an ended channel's root block is not
   * read; {@code expectedBytes} is 0).
   */
  public static ChannelView listed(ChannelState s, ObjectMapper json, NodeBackend node) {
    return of(s, json, node, !s.status().isTerminal());
  }

  /**
   * The view of {@code s}, with what {@code node} (when not null) knows about its vouchers and its
   * DAG.
   */
  public static ChannelView of(ChannelState s, ObjectMapper json, NodeBackend node) {
    return of(s, json, node, true);
  }

  private static ChannelView of(
      ChannelState s, ObjectMapper json, NodeBackend node, boolean dagSize) {
    boolean terminal = s.status().isTerminal();
    long moved = s.isSender() ? s.sent() : s.received();
    long total =
        s.totalSize() == 0 && s.status() == io.ferry.channels.Status.Completed
            ? moved
            : s.totalSize();
    long expected =
        dagSize && node != null && (s.selector() == null || isWholeDag(s))
            ? node.dagBytes(s.baseCid())
            : 0;
    return new ChannelView(
        s.channelId().toString(),
        s.channelId().initiator().toString(),
        s.channelId().responder().toString(),
        Long.toUnsignedString(s.transferId()),
        s.selfPeer().toString(),
        s.otherPeer().toString(),
        s.isPull() ? "pull" : "push",
        s.isInitiator() ? "initiator" : "responder",
        s.baseCid().toString(),
        selector(s, json),
        s.sender().toString(),
        s.recipient().toString(),
        s.status().name(),
        total,
        expected,
        s.queued(),
        s.sent(),
        s.received(),
        s.queuedBlocks(),
        s.sentBlocks(),
        s.receivedBlocks(),
        s.dataLimit(),
        s.requiresFinalization(),
        s.initiatorPaused() && !terminal,
        s.responderPaused() && !terminal,
        s.stalled(),
        s.restartAttempts(),
        s.message(),
        s.vouchers().stream().map(v -> VoucherView.of(v, node)).toList(),
        s.voucherResults().stream().map(v -> VoucherView.of(v, node)).toList(),
        s.voucherCount(),
        s.voucherResultCount(),
        String.valueOf(s.createdAt()),
        String.valueOf(s.updatedAt()),
        null,
        null);
  }

  /**
   * This view naming the cluster member that hosts the channel ({@code pekko://ferry@host:port}),
   * or null where there is no cluster or the channel is moving.
   */
  public ChannelView withHost(String host) {
    return with(host, dataWarning);
  }

  /** This view with {@code warning} on the channel's stored data (null: none). */
  public ChannelView withDataWarning(String warning) {
    return with(host, warning);
  }

  /** This view with {@code newHost} and {@code newWarning} in place of its own. */
  private ChannelView with(String newHost, String newWarning) {
    return new ChannelView(
        id,
        initiator,
        responder,
        transferId,
        self,
        otherPeer,
        direction,
        role,
        baseCid,
        selector,
        sender,
        recipient,
        status,
        totalSize,
        expectedBytes,
        queuedBytes,
        sentBytes,
        receivedBytes,
        queuedBlocks,
        sentBlocks,
        receivedBlocks,
        dataLimit,
        requiresFinalization,
        initiatorPaused,
        responderPaused,
        stalled,
        restartAttempts,
        message,
        vouchers,
        voucherResults,
        voucherCount,
        voucherResultCount,
        createdAt,
        updatedAt,
        newHost,
        newWarning);
  }

  /** Whether the channel moves the whole DAG (graphsync's "all" selector). */
  private static boolean isWholeDag(ChannelState s) {
    return s.selector().equals(io.ferry.ipld.selector.Selectors.all());
  }

  private static JsonNode selector(ChannelState s, ObjectMapper json) {
    if (s.selector() == null) {
      return json.nullNode();
    }
    try {
      return json.readTree(s.selector().toDagJson());
    } catch (Exception e) {
      return json.getNodeFactory().textNode(String.valueOf(s.selector()));
    }
  }

  /** Bytes this side has moved: received when it receives, sent when it sends. */
  public long movedBytes() {
    return self.equals(sender) ? sentBytes : receivedBytes;
  }
}
