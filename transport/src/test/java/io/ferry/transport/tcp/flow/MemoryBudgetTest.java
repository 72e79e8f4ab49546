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

    slots.release(a);

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
    PeerId a = NodeIdentity.generate().peerId();
    int room = (int) ((16 * MIB - MemoryBudget.SENDING) / MemoryBudget.OPEN);
    for (long i = 0; i < room; i++) {
      assertThat(admission.admit(new ChannelId(a, self, i))).isEmpty();
    }

    Optional<String> refusal = admission.admit(new ChannelId(a, self, room));

    assertThat(refusal)
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("this node's memory budget is full: ")
                    .endsWith("; retry when one ends"));
    assertThat(admission.refused()).isEqualTo(1);
    admission.closed(new ChannelId(a, self, 0));
    assertThat(admission.admit(new ChannelId(a, self, room))).isEmpty();
    assertThat(memory.used()).isEqualTo(room * MemoryBudget.OPEN);
  }

  private boolean acquire(SendSlots slots, PeerId peer, long id) {
    return slots.acquire(new ChannelId(self, peer, id), peer, () -> started.add("" + id));
  }
}
