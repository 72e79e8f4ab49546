package io.ferry.server.http;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Counters;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.ipld.Block;
import io.ferry.ipld.selector.Selectors;
import java.time.Instant;
import java.util.List;

/**
 * Completed pulls of this node from another peer, as the start's check of stored data sees them.
 */
final class CompletedPulls {
  static final PeerId SELF = peer(1);
  static final PeerId OTHER = peer(2);

  private CompletedPulls() {}

  private static PeerId peer(int seed) {
    byte[] key = new byte[32];
    key[0] = (byte) seed;
    return PeerId.ofEd25519(key);
  }

  /** Pull {@code id} from {@link #OTHER}, completed, of the DAG under {@code root}. */
  static ChannelState completedPull(long id, Block root) {
    Instant t = Instant.parse("2026-12-07T00:00:00Z");
    return new ChannelState(
        new ChannelId(OTHER, SELF, id),
        SELF,
        root.cid(),
        Selectors.all(),
        OTHER,
        OTHER,
        0,
        Status.Completed,
        Counters.NONE,
        0,
        false,
        false,
        false,
        false,
        0,
        "",
        List.of(),
        List.of(),
        t,
        t);
  }
}
