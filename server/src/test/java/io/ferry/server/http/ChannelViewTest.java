package io.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Counters;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.ipld.selector.Selectors;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChannelViewTest {
  @Test
  void aCompletedChannelShowsNoPauseAndWhatMovedAsItsTotal() {
    ChannelState completed = pull(Status.Completed, true, 4096);

    ChannelView v = ChannelView.of(completed, new ObjectMapper(), new FakeNode());

    assertThat(v.responderPaused()).isFalse();
    assertThat(v.initiatorPaused()).isFalse();
    assertThat(v.totalSize()).isEqualTo(4096);
  }

  @Test
  void aRunningChannelKeepsItsPauseAndUnknownTotal() {
    ChannelView v = ChannelView.of(pull(Status.ResponderPaused, true, 4096), new ObjectMapper());

    assertThat(v.responderPaused()).isTrue();
    assertThat(v.totalSize()).isZero();
  }

  @Test
  void vouchersCarryTheJsonOfTheirType() {
    ChannelView v =
        ChannelView.of(pull(Status.Ongoing, false, 0), new ObjectMapper(), new FakeNode());

    assertThat(v.vouchers().get(0).value().get("reason").asText()).isEqualTo("payment due");
  }

  private static ChannelState pull(Status status, boolean responderPaused, long received) {
    ChannelId id = new ChannelId(FakeNode.SELF, FakeNode.OTHER, 7);
    Instant now = Instant.now();
    return new ChannelState(
        id,
        FakeNode.SELF,
        FakeNode.cid("file"),
        Selectors.all(),
        FakeNode.OTHER,
        FakeNode.SELF,
        0,
        status,
        new Counters(Counters.Count.ZERO, Counters.Count.ZERO, new Counters.Count(received, 3)),
        0,
        false,
        false,
        responderPaused,
        false,
        0,
        "",
        List.of(new TypedVoucher("test/voucher", "{\"reason\":\"payment due\"}".getBytes())),
        List.of(),
        now,
        now);
  }
}
