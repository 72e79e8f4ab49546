package io.ferry.validators.paid;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Counters;
import io.ferry.channels.Status;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import java.time.Instant;
import java.util.List;

/** Channel states as the initiator of a pull sees them, for payment client tests. */
final class ClientChannelStates {
  private ClientChannelStates() {}

  static final Cid ROOT = Cid.sha256(Multicodec.RAW, new byte[] {42});

  static ChannelState receiving(ChannelId channel, long received) {
    return withStatus(channel, received, Status.Ongoing);
  }

  static ChannelState withStatus(ChannelId channel, long received, Status status) {
    Instant now = Instant.parse("2025-01-01T00:00:00Z");
    return new ChannelState(
        channel,
        channel.initiator(),
        ROOT,
        Selectors.all(),
        channel.responder(),
        channel.initiator(),
        0,
        status,
        new Counters(
            new Counters.Count(0, 0),
            new Counters.Count(0, 0),
            new Counters.Count(received, received / 1000)),
        0,
        false,
        false,
        false,
        false,
        0,
        "",
        List.of(),
        List.of(),
        now,
        now);
  }
}
