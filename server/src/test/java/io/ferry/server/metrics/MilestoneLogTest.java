package io.ferry.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Counters;
import io.ferry.channels.EventCode;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class MilestoneLogTest {
  private static final PeerId SELF = peer(1);
  private static final PeerId OTHER = peer(2);

  private static PeerId peer(int seed) {
    byte[] key = new byte[32];
    key[0] = (byte) seed;
    return PeerId.ofEd25519(key);
  }

  private static ChannelState state(Status status, String message) {
    return new ChannelState(
        new ChannelId(SELF, OTHER, 1),
        SELF,
        Cid.sha256(Multicodec.RAW, new byte[] {1}),
        Selectors.all(),
        OTHER,
        SELF,
        0,
        status,
        new Counters(
            new Counters.Count(0, 0), new Counters.Count(0, 0), new Counters.Count(2048, 2)),
        0,
        false,
        false,
        false,
        false,
        0,
        message,
        List.of(),
        List.of(),
        Instant.EPOCH,
        Instant.EPOCH);
  }

  private static String line(EventCode code, String message, Status status) {
    return MilestoneLog.line(new ChannelEvent(code, message, Instant.EPOCH, 1), state(status, ""));
  }

  @Test
  void milestonesGetOneLineEachNamingTheChannel() {
    assertThat(line(EventCode.Open, "", Status.Requested))
        .startsWith("channel " + new ChannelId(SELF, OTHER, 1) + " pull opened to " + OTHER);
    assertThat(line(EventCode.Accept, "", Status.Ongoing)).endsWith(" accepted");
    assertThat(line(EventCode.PauseResponder, "pay 1 MiB", Status.ResponderPaused))
        .endsWith("paused by the responder: pay 1 MiB");
    assertThat(line(EventCode.CleanupComplete, "", Status.Completed))
        .endsWith("completed: 2048 bytes in 2 blocks received");
  }

  @Test
  void aFailureSaysWhy() {
    assertThat(line(EventCode.Error, "block bafk... does not match its CID", Status.Failing))
        .endsWith("failed: block bafk... does not match its CID");
  }

  @Test
  void dataProgressIsNotAMilestone() {
    assertThat(line(EventCode.DataReceivedProgress, "", Status.Ongoing)).isNull();
    assertThat(line(EventCode.DataSent, "", Status.Ongoing)).isNull();
  }
}
