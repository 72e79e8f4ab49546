package io.ferry.transport.tcp.flow;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.transport.identity.NodeIdentity;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SendSlotsTest {
  private final PeerId self = NodeIdentity.generate().peerId();
  private final PeerId a = NodeIdentity.generate().peerId();
  private final PeerId b = NodeIdentity.generate().peerId();
  private final List<String> started = new ArrayList<>();

  private ChannelId ch(PeerId peer, long id) {
    return new ChannelId(self, peer, id);
  }

  private boolean acquire(SendSlots slots, PeerId peer, long id) {
    ChannelId ch = ch(peer, id);
    return slots.acquire(ch, peer, () -> started.add(peer == a ? "a" + id : "b" + id));
  }

  @Test
  void channelsBeyondThePerPeerLimitWaitAndStartInOrderAsSlotsFree() {
    SendSlots slots = new SendSlots(2, 10);

    assertThat(acquire(slots, a, 1)).isTrue();
    assertThat(acquire(slots, a, 2)).isTrue();
    assertThat(acquire(slots, a, 3)).isFalse();
    assertThat(acquire(slots, a, 4)).isFalse();
    assertThat(acquire(slots, b, 5)).isTrue();

    slots.release(ch(a, 1), a);
    assertThat(started).containsExactly("a3");
    slots.release(ch(a, 2), a);
    assertThat(started).containsExactly("a3", "a4");
    assertThat(slots.waitingCount()).isZero();
  }

  @Test
  void theTotalLimitHoldsAcrossPeersAndAFreedSlotGoesToTheFirstWaiterThatFits() {
    SendSlots slots = new SendSlots(5, 2);

    assertThat(acquire(slots, a, 1)).isTrue();
    assertThat(acquire(slots, b, 2)).isTrue();
    assertThat(acquire(slots, b, 3)).isFalse();
    assertThat(acquire(slots, a, 4)).isFalse();

    slots.release(ch(a, 1), a);

    assertThat(started).containsExactly("b3");
    assertThat(slots.running()).isEqualTo(2);
  }

  @Test
  void aCancelledWaiterNeverStarts() {
    SendSlots slots = new SendSlots(1, 1);
    acquire(slots, a, 1);
    acquire(slots, a, 2);

    assertThat(slots.cancel(new ChannelId(self, a, 2))).isTrue();
    slots.release(ch(a, 1), a);

    assertThat(started).isEmpty();
    assertThat(slots.running()).isZero();
  }

  @Test
  void aSlotIsGivenBackOnlyByTheChannelThatHoldsIt() {
    SendSlots slots = new SendSlots(1, 10);
    acquire(slots, a, 1);
    acquire(slots, a, 2);

    slots.release(ch(a, 2), a); // holds none: it still waits

    assertThat(started).isEmpty();
    assertThat(slots.heldBy(ch(a, 1))).isEqualTo(1);
    assertThat(slots.holders(a)).containsExactly(ch(a, 1));

    slots.release(ch(a, 1), a);

    assertThat(started).containsExactly("a2");
    assertThat(slots.holders(a)).containsExactly(ch(a, 2));
    assertThat(slots.running()).isEqualTo(1);
  }
}
