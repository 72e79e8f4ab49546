package io.ferry.transport.tcp.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.transport.identity.NodeIdentity;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {
  private static final long MIB = 1L << 20;
  private final PeerId self = NodeIdentity.generate().peerId();
  private final List<String> started = new ArrayList<>();

  @Test
  void theReceiveCreditIsAtMostHalfTheBudget() {
    assertThat(new MemoryBudget(64 * MIB, 256 * MIB).receiveCredit().capacity())
        .isEqualTo(32 * MIB);
    assertThat(new MemoryBudget(64 * MIB, 16 * MIB).receiveCredit().capacity()).isEqualTo(16 * MIB);
  }

  @Test
  void sendingChannelsReserveTheirReadAheadUntilTheChannelShareIsSpent() {
    MemoryBudget memory = new MemoryBudget(64 * MIB, 256 * MIB);

    for (int i = 0; i < 4; i++) {
      assertThat(memory.takeSending()).as("sender %d", i).isTrue();
    }
    assertThat(memory.takeSending()).isFalse();
    assertThat(memory.used()).isEqualTo(32 * MIB);

    memory.giveSending();
    assertThat(memory.takeSending()).isTrue();
  }

  @Test
  void usedCountsBlocksInFlightSendersAndOpenChannels() {
    MemoryBudget memory = new MemoryBudget(64 * MIB, 16 * MIB);
    memory.receiveCredit().take(3 * MIB, 1);
    memory.takeSending();
    memory.takeOpen(false);

    assertThat(memory.used()).isEqualTo(3 * MIB + MemoryBudget.SENDING + MemoryBudget.OPEN);
  }

  @Test
  void openChannelsAlwaysLeaveRoomForOneSender() {
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB); // 16 MiB for channels
    int admitted = 0;
    while (memory.takeOpen(false)) {
      admitted++;
    }

    assertThat(admitted).isEqualTo((int) ((16 * MIB - MemoryBudget.SENDING) / MemoryBudget.OPEN));
    assertThat(memory.full()).isTrue();
    assertThat(memory.takeSending()).isTrue();
    assertThat(memory.takeOpen(true)).as("a restart is never refused").isTrue();
  }

  @Test
  void movingChannelsMakeNewOnesWaitButDoNotGetRequestsRefused() {
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB); // 16 MiB for channels
    assertThat(memory.takeSending()).isTrue();
    assertThat(memory.takeSending()).isTrue();
    assertThat(memory.takeSending()).isFalse();

    assertThat(memory.full()).isFalse();
    assertThat(memory.takeOpen(false)).isTrue();
  }

  @Test
  void aFullBudgetSaysWhatHoldsIt() {
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB);
    memory.takeSending();
    memory.takeOpen(true);
    memory.takeOpen(true);

    assertThat(memory.describe())
        .isEqualTo(
            "this node's memory budget is full: 9 MiB of 32 MiB in use (8 MiB by 1 sending"
                + " channels, 1 MiB by 2 open channels, 0 MiB by blocks in flight;"
                + " ferry.limits.memory)");
  }

  @Test
  void aBudgetTooSmallForOneSenderIsRefused() {
    assertThatThrownBy(() -> new MemoryBudget(8 * MIB, MIB))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 16 MiB");
  }

  @Test
  void sendSlotsQueueChannelsWhoseReadAheadDoesNotFitAndStartThemWhenMemoryIsGivenBack() {
    MemoryBudget memory = new MemoryBudget(48 * MIB, 256 * MIB); // 24 MiB: 3 senders
    SendSlots slots = new SendSlots(10, 10, memory);
    PeerId a = NodeIdentity.generate().peerId();

    for (long i = 1; i <= 3; i++) {
      assertThat(acquire(slots, a, i)).isTrue();
    }
    assertThat(acquire(slots, a, 4)).as("slots are free, memory is not").isFalse();
    assertThat(slots.waitingCount()).isEqualTo(1);

    slots.release(new ChannelId(self, a, 1), a);

    assertThat(started).containsExactly("4");
    assertThat(slots.running()).isEqualTo(3);
    assertThat(memory.used()).isEqualTo(3 * MemoryBudget.SENDING);
  }

  @Test
  void memoryFreedByAClosedOpenChannelStartsAWaitingSender() {
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB); // 16 MiB: 1 sender + opens
    SendSlots slots = new SendSlots(10, 10, memory);
    Admission admission = new Admission(100, 100, System::nanoTime, memory);
    PeerId a = NodeIdentity.generate().peerId();
    ChannelId asked = new ChannelId(a, self, 99);
    assertThat(admission.admit(asked)).isEmpty();
    assertThat(acquire(slots, a, 1)).isTrue();
    memory.takeOpen(true); // a restart overshoots: no room for a second sender
    assertThat(acquire(slots, a, 2)).isFalse();

    memory.giveOpen();
    assertThat(started).isEmpty();
    admission.closed(asked);

    assertThat(started).containsExactly("2");
  }

  @Test
  void admissionRefusesARequestTheBudgetCannotHoldSayingSoAndCountsItAgainWhenOneEnds() {
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB);
    Admission admission = new Admission(1000, 1000, System::nanoTime, memory);
    int room = (int) ((16 * MIB - MemoryBudget.SENDING) / MemoryBudget.OPEN);
    List<PeerId> peers = new ArrayList<>(); // one channel each: no peer's share is the limit
    for (int i = 0; i <= room; i++) {
      peers.add(NodeIdentity.generate().peerId());
    }
    for (int i = 0; i < room; i++) {
      assertThat(admission.admit(new ChannelId(peers.get(i), self, i))).isEmpty();
    }

    Optional<String> refusal = admission.admit(new ChannelId(peers.get(room), self, room));

    assertThat(refusal)
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("this node's memory budget is full: ")
                    .endsWith("; retry when one ends"));
    assertThat(admission.refused()).isEqualTo(1);
    admission.closed(new ChannelId(peers.get(0), self, 0));
    assertThat(admission.admit(new ChannelId(peers.get(room), self, room))).isEmpty();
    assertThat(memory.used()).isEqualTo(room * MemoryBudget.OPEN);
  }

  @Test
  void oneAddressFillsOnlyItsShareAndOthersAreStillAdmittedAndCanSend() {
    MemoryBudget memory = new MemoryBudget(64 * MIB, 256 * MIB); // 32 MiB for channels
    Admission admission = new Admission(1000, 1000, System::nanoTime, memory);
    int share = (int) (8 * MIB / MemoryBudget.OPEN); // a quarter of 32 MiB: 16 channels
    int admitted = 0;
    Optional<String> refusal = Optional.empty();
    // Throw-away identities behind one address, three requests each, as long as they are let in.
    for (long i = 0; refusal.isEmpty() && i < 1000; i++) {
      PeerId throwAway = NodeIdentity.generate().peerId();
      for (long k = 0; refusal.isEmpty() && k < 3; k++) {
        refusal = admission.admit(new ChannelId(throwAway, self, k), "127.0.0.2");
        admitted += refusal.isEmpty() ? 1 : 0;
      }
    }

    assertThat(admitted).isEqualTo(share);
    assertThat(refusal)
        .hasValue(
            "this node's memory budget is full for 127.0.0.2: its 16 open channels hold 8 MiB,"
                + " the most one address or peer may hold (25% of the 32 MiB for channels,"
                + " ferry.limits.memory-per-address); retry when one ends");
    assertThat(memory.full()).isFalse();
    PeerId honest = NodeIdentity.generate().peerId();
    assertThat(admission.admit(new ChannelId(honest, self, 1), "127.0.0.1")).isEmpty();
    assertThat(memory.takeSending()).as("the honest peer's channel can send").isTrue();
    assertThat(memory.takeSending()).isTrue();
  }

  @Test
  void anAddressGetsItsShareBackWhenOneOfItsChannelsEnds() {
    MemoryBudget memory = new MemoryBudget(64 * MIB, 256 * MIB);
    Admission admission = new Admission(1000, 1000, System::nanoTime, memory);
    List<ChannelId> held = new ArrayList<>();
    for (long i = 0; i < 16; i++) {
      ChannelId c = new ChannelId(NodeIdentity.generate().peerId(), self, i);
      assertThat(admission.admit(c, "10.0.0.9")).isEmpty();
      held.add(c);
    }
    ChannelId next = new ChannelId(NodeIdentity.generate().peerId(), self, 16);
    assertThat(admission.admit(next, "10.0.0.9")).isPresent();

    admission.closed(held.get(3));

    assertThat(admission.admit(next, "10.0.0.9")).isEmpty();
  }

  @Test
  void onePeerIsHeldToTheShareAlsoWhenItsAddressIsUnknown() {
    MemoryBudget memory = new MemoryBudget(64 * MIB, 256 * MIB, 0.125); // 4 MiB: 8 channels
    Admission admission = new Admission(1000, 1000, System::nanoTime, memory);
    PeerId a = NodeIdentity.generate().peerId();
    for (long i = 0; i < 8; i++) {
      assertThat(admission.admit(new ChannelId(a, self, i))).isEmpty();
    }

    assertThat(admission.admit(new ChannelId(a, self, 8)))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("this node's memory budget is full for " + a + ": its 8 open")
                    .contains("13% of the 32 MiB for channels"));
    assertThat(admission.admit(new ChannelId(NodeIdentity.generate().peerId(), self, 8))).isEmpty();
  }

  @Test
  void theShareIsAtLeastOneChannelAndAPercentageOutsideOneToAHundredIsRefused() {
    assertThat(new MemoryBudget(16 * MIB, 256 * MIB, 0.001).share()).isEqualTo(MemoryBudget.OPEN);
    assertThat(new MemoryBudget(64 * MIB, 256 * MIB).share()).isEqualTo(8 * MIB);
    assertThatThrownBy(() -> new MemoryBudget(64 * MIB, 256 * MIB, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory share per address must be above 0%");
    assertThatThrownBy(() -> new MemoryBudget(64 * MIB, 256 * MIB, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aQueuedSenderIsToldWhichLimitHoldsIt() {
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB); // 16 MiB: 1 sender + opens
    SendSlots slots = new SendSlots(1, 2, memory);
    PeerId a = NodeIdentity.generate().peerId();
    PeerId b = NodeIdentity.generate().peerId();
    assertThat(acquire(slots, a, 1)).isTrue();
    memory.takeOpen(true); // a restart: no room for a second sender's read-ahead

    assertThat(slots.whyWaiting(a))
        .isEqualTo(
            "1 channels send to "
                + a
                + " already, the most for one peer (ferry.limits.channels-per-peer)");
    assertThat(slots.whyWaiting(b))
        .startsWith("this node's memory budget is full: 8 MiB of 32 MiB in use (8 MiB by 1 sending")
        .endsWith("ferry.limits.memory)");
    slots.release(new ChannelId(self, a, 1), a);
    assertThat(slots.whyWaiting(b)).isEqualTo("channels queued before it send first");
  }

  private boolean acquire(SendSlots slots, PeerId peer, long id) {
    return slots.acquire(new ChannelId(self, peer, id), peer, () -> started.add("" + id));
  }
}
