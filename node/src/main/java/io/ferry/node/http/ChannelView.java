package io.ferry.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.channels.ChannelState;
import io.ferry.channels.TypedVoucher;
import java.util.Base64;
import java.util.List;

/**
 * A channel as the API shows it: {@link ChannelState} with plain JSON types (IDs and CIDs as
 * strings, the selector as DAG-JSON, times in ISO-8601, vouchers as type plus base64 CBOR). The
 * transfer ID is a string because it is an unsigned 64-bit number.
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
    String createdAt,
    String updatedAt) {

  /**
   * A voucher or voucher result.
   *
   * @param type its registered type identifier
   * @param cbor its encoded bytes, base64
   */
  public record VoucherView(String type, String cbor) {
    static VoucherView of(TypedVoucher v) {
      return new VoucherView(v.type(), Base64.getEncoder().encodeToString(v.bytes()));
    }
  }

  /** The view of {@code s}. */
  public static ChannelView of(ChannelState s, ObjectMapper json) {
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
        s.totalSize(),
        s.queued(),
        s.sent(),
        s.received(),
        s.queuedBlocks(),
        s.sentBlocks(),
        s.receivedBlocks(),
        s.dataLimit(),
        s.requiresFinalization(),
        s.initiatorPaused(),
        s.responderPaused(),
        s.stalled(),
        s.restartAttempts(),
        s.message(),
        s.vouchers().stream().map(VoucherView::of).toList(),
        s.voucherResults().stream().map(VoucherView::of).toList(),
        String.valueOf(s.createdAt()),
        String.valueOf(s.updatedAt()));
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
