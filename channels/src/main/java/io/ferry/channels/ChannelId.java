package io.ferry.channels;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Objects;

/**
 * Names a channel everywhere: the peer that opened it, the peer it was opened with, and a transfer
 * ID unique to the initiator. The text form {@code <initiator>-<responder>-<id>} is
 * go-data-transfer's; it is also the channel's persistence ID and sharding entity ID.
 */
public record ChannelId(PeerId initiator, PeerId responder, long transferId) {
  public ChannelId {
    Objects.requireNonNull(initiator, "initiator");
    Objects.requireNonNull(responder, "responder");
  }

  /** The peer on the other side of the channel, seen from {@code self}. */
  public PeerId otherParty(PeerId self) {
    if (self.equals(initiator)) {
      return responder;
    }
    if (self.equals(responder)) {
      return initiator;
    }
    throw new IllegalArgumentException(self + " is not a party of channel " + this);
  }

  /** Whether {@code peer} is the initiator or the responder of this channel. */
  public boolean isParty(PeerId peer) {
    return initiator.equals(peer) || responder.equals(peer);
  }

  /** Parses {@code <initiator>-<responder>-<id>}. */
  @JsonCreator
  public static ChannelId parse(String text) {
    String[] parts = text.split("-");
    if (parts.length != 3) {
      throw new IllegalArgumentException(
          "not a channel ID: '" + text + "' (expected <initiator>-<responder>-<transfer id>)");
    }
    try {
      return new ChannelId(
          PeerId.parse(parts[0]), PeerId.parse(parts[1]), Long.parseUnsignedLong(parts[2]));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "not a channel ID: '" + text + "' (transfer id '" + parts[2] + "' is not a number)");
    }
  }

  @JsonValue
  @Override
  public String toString() {
    return initiator + "-" + responder + "-" + Long.toUnsignedString(transferId);
  }
}
