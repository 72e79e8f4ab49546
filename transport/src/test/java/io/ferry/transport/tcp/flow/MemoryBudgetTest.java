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
  void sendingChannelsReserveTheirFloorUntilTheChannelShareIsSpent() {
    MemoryBudget memory = new MemoryBudget(64 * MIB, 256 * MIB); // 32 MiB for channels

    for (int i = 0; i < 32; i++) {
      assertThat(memory.takeSending()).as("sender %d", i).isTrue();
    }
    assertThat(memory.takeSending()).isFalse();
    assertThat(memory.used()).isEqualTo(32 * MIB);

    memory.giveSending();
    assertThat(memory.takeSending()).isTrue();
  }

  @Test
  void usedCountsBlocksInFlightSendersReadAheadOpenChannelsAndPages() {
    MemoryBudget memory = new MemoryBudget(64 * MIB, 16 * MIB);
    memory.receiveCredit().take(3 * MIB, 1);
    memory.takeSending();
    assertThat(memory.takeReadAhead(5000, false)).isTrue();
    memory.takeOpen(false);
    memory.takePages(1000);

    assertThat(memory.used())
        .isEqualTo(3 * MIB + MemoryBudget.SENDING + 5000 + MemoryBudget.OPEN + 1000);
    memory.giveReadAhead(5000);
    memory.givePages(1000);
    assertThat(memory.used()).isEqualTo(3 * MIB + MemoryBudget.SENDING + MemoryBudget.OPEN);
  }

  @Test
  void readAheadBeyondTheFloorIsRefusedWhenItDoesNotFitUnlessTakenAnyway() {
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB); // 16 MiB for channels
    assertThat(memory.takeSending()).isTrue();
    assertThat(memory.takeReadAhead(15 * MIB, false)).isTrue();

    assertThat(memory.takeReadAhead(1, false)).isFalse();
    assertThat(memory.takeReadAhead(MIB, true)).as("a block read with nothing ahead").isTrue();
    assertThat(memory.used()).isEqualTo(17 * MIB);
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
  void pagesOfWaitingChannelsCountTowardsRefusingRequests() {
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB); // 16 MiB for channels
    memory.takePages(15 * MIB);

    assertThat(memory.full()).isTrue();
    assertThat(memory.takeOpen(false)).isFalse();
    memory.givePages(MemoryBudget.OPEN);
    assertThat(memory.takeOpen(false)).isTrue();
  }

  @Test
  void movingChannelsMakeNewOnesWaitButDoNotGetRequestsRefused() {
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB); // 16 MiB for channels
    for (int i = 0; i < 15; i++) {
      assertThat(memory.takeSending()).isTrue();
    }
    assertThat(memory.takeReadAhead(MIB, false)).isTrue();
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
    memory.takePages(MIB);

    assertThat(memory.describe())
        .isEqualTo(
            "this node's memory budget is full: 2 MiB of 32 MiB in use (1 MiB by 1 sending"
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
  void sendSlotsQueueChannelsWhoseFloorDoesNotFitAndStartThemWhenMemoryIsGivenBack() {
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB); // 16 MiB for channels
    memory.takePages(13 * MIB); // room for 3 senders
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
    assertThat(memory.used()).isEqualTo(13 * MIB + 3 * MemoryBudget.SENDING);
  }

  @Test
  void memoryFreedByAClosedOpenChannelStartsAWaitingSender() {
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB); // 16 MiB for channels
    SendSlots slots = new SendSlots(10, 10, memory);
    Admission admission = new Admission(100, 100, System::nanoTime, memory);
    PeerId a = NodeIdentity.generate().peerId();
    ChannelId asked = new ChannelId(a, self, 99);
    assertThat(admission.admit(asked)).isEmpty();
    assertThat(acquire(slots, a, 1)).isTrue();
    // Pages leave one byte less than a second sender's floor while the open channel counts.
    memory.takePages(14 * MIB - MemoryBudget.OPEN + 1);
    assertThat(acquire(slots, a, 2)).isFalse();
    assertThat(started).isEmpty();

    admission.closed(asked);

    assertThat(started).containsExactly("2");
  }

  @Test
  void admissionRefusesARequestTheBudgetCannotHoldSayingSoAndCountsItAgainWhenOneEnds() {
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB);
    Admission admission = new Admission(1000, 1000, System::nanoTime, memory);
    int room = 3;
    memory.takePages(16 * MIB - MemoryBudget.SENDING - room * MemoryBudget.OPEN);
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
    assertThat(memory.used()).isEqualTo(16 * MIB - MemoryBudget.SENDING);
  }

  /**
   * Issue 17: 10,000 slow channels from one peer fit a node with a 2 GiB heap (1 GiB budget, 768
   * MiB for channels) when each is charged what it holds; at the fixed 512 KiB of before, the
   * budget refused all but 1,520 of them (384 with the default share per address).
   */
  @Test
  void tenThousandSmallOpenChannelsFitWhereTheWorstCaseChargeRefusedThem() {
    MemoryBudget memory = new MemoryBudget(1024 * MIB, 256 * MIB, 1.0);
    Admission admission = new Admission(20_000, 20_000, System::nanoTime, memory);
    PeerId client = NodeIdentity.generate().peerId();
    long page = 256 * (96 + 2 * 36) + 64 + 32; // a one-block DAG's page: 256 CIDs at most

    for (long i = 0; i < 10_000; i++) {
      ChannelId c = new ChannelId(client, self, i);
      assertThat(admission.admit(c, "127.0.0.1")).as("channel %d", i).isEmpty();
      admission.charge(c, page);
    }

    assertThat(memory.used()).isLessThan(768 * MIB - MemoryBudget.SENDING);
    assertThat(10_000 * (512L << 10)).isGreaterThan(768 * MIB);
    assertThat(memory.full()).isFalse();
    assertThat(memory.takeSending()).as("a sender still fits").isTrue();
  }

  /**
   * The attack of issue 19, 2: 11 throw-away identities behind one address open 6 paid pulls each
   * and never pay, each sender holding 3 pages of 4096 CIDs while it waits. The address is refused
   * once its channels hold its share, the budget is never exceeded, and a peer elsewhere is still
   * admitted and can send.
   */
  @Test
  void unpaidChannelsFromOneAddressAreRefusedBeforeTheBudgetIsExceeded() {
    MemoryBudget memory = new MemoryBudget(128 * MIB, 256 * MIB); // -Xmx256m, 50%
    Admission admission = new Admission(32, 128, System::nanoTime, memory);
    long pages = 3 * (4096 * (96 + 2 * 36) + 64 + 512);
    int admitted = 0;
    int refused = 0;
    for (int peer = 0; peer < 11; peer++) {
      PeerId throwAway = NodeIdentity.generate().peerId();
      for (long k = 0; k < 6; k++) {
        ChannelId c = new ChannelId(throwAway, self, k);
        Optional<String> refusal = admission.admit(c, "127.0.0.2");
        if (refusal.isEmpty()) {
          admitted++;
          admission.charge(c, pages);
        } else {
          refused++;
          assertThat(refusal.get()).startsWith("this node's memory budget is full for 127.0.0.2");
        }
        assertThat(memory.used()).isLessThanOrEqualTo(memory.capacity());
      }
    }

    long share = memory.share();
    assertThat(admitted).isEqualTo((int) ((share - 1) / (MemoryBudget.OPEN + pages)) + 1);
    assertThat(refused).isEqualTo(66 - admitted);
    assertThat(memory.used()).isLessThanOrEqualTo(share + MemoryBudget.OPEN + pages);
    PeerId honest = NodeIdentity.generate().peerId();
    assertThat(admission.admit(new ChannelId(honest, self, 1), "127.0.0.1")).isEmpty();
    assertThat(memory.takeSending()).as("the honest peer's channel can send").isTrue();
  }

  @Test
  void oneAddressFillsOnlyItsShareAndOthersAreStillAdmittedAndCanSend() {
    MemoryBudget memory = new MemoryBudget(64 * MIB, 256 * MIB); // 32 MiB for channels
    Admission admission = new Admission(1000, 1000, System::nanoTime, memory);
    int share = (int) (8 * MIB / MemoryBudget.OPEN); // a quarter of 32 MiB: 409 channels
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
            "this node's memory budget is full for 127.0.0.2: its 409 open channels hold 8180 KiB,"
                + " the most one address or peer may hold (25% of the 32 MiB for channels,"
                + " ferry.limits.memory-per-address); retry when one ends");
    assertThat(memory.full()).isFalse();
    PeerId honest = NodeIdentity.generate().peerId();
    assertThat(admission.admit(new ChannelId(honest, self, 1), "127.0.0.1")).isEmpty();
    assertThat(memory.takeSending()).as("the honest peer's channel can send").isTrue();
    assertThat(memory.takeSending()).isTrue();
  }

  @Test
  void anAddressGetsItsShareBackWhenOneOfItsChannelsEndsOrDropsItsPages() {
    // A share of exactly 16 open channels of the 32 MiB for channels.
    double sixteen = 16.0 * MemoryBudget.OPEN / (32 * MIB);
    MemoryBudget memory = new MemoryBudget(64 * MIB, 256 * MIB, sixteen);
    Admission admission = new Admission(1000, 1000, System::nanoTime, memory);
    List<ChannelId> held = new ArrayList<>();
    for (long i = 0; i < 15; i++) {
      ChannelId c = new ChannelId(NodeIdentity.generate().peerId(), self, i);
      assertThat(admission.admit(c, "10.0.0.9")).isEmpty();
      held.add(c);
    }
    admission.charge(held.get(0), MemoryBudget.OPEN); // its sender's pages
    ChannelId next = new ChannelId(NodeIdentity.generate().peerId(), self, 16);
    assertThat(admission.admit(next, "10.0.0.9")).isPresent();

    admission.charge(held.get(0), -MemoryBudget.OPEN);
    assertThat(admission.admit(next, "10.0.0.9")).isEmpty();
    ChannelId last = new ChannelId(NodeIdentity.generate().peerId(), self, 17);
    assertThat(admission.admit(last, "10.0.0.9")).isPresent();

    admission.closed(held.get(3));

    assertThat(admission.admit(last, "10.0.0.9")).isEmpty();
  }

  @Test
  void onePeerIsHeldToTheShareAlsoWhenItsAddressIsUnknown() {
    MemoryBudget memory = new MemoryBudget(64 * MIB, 256 * MIB, 0.125); // 4 MiB: 204 channels
    Admission admission = new Admission(1000, 1000, System::nanoTime, memory);
    PeerId a = NodeIdentity.generate().peerId();
    for (long i = 0; i < 204; i++) {
      assertThat(admission.admit(new ChannelId(a, self, i))).isEmpty();
    }

    assertThat(admission.admit(new ChannelId(a, self, 204)))
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("this node's memory budget is full for " + a + ": its 204 open")
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
    MemoryBudget memory = new MemoryBudget(32 * MIB, 256 * MIB); // 16 MiB for channels
    SendSlots slots = new SendSlots(1, 2, memory);
    PeerId a = NodeIdentity.generate().peerId();
    PeerId b = NodeIdentity.generate().peerId();
    assertThat(acquire(slots, a, 1)).isTrue();
    memory.takePages(15 * MIB); // no room for a second sender's floor

    assertThat(slots.whyWaiting(a))
        .isEqualTo(
            "1 channels send to "
                + a
                + " already, the most for one peer (ferry.limits.channels-per-peer)");
    assertThat(slots.whyWaiting(b))
        .startsWith(
            "this node's memory budget is full: 16 MiB of 32 MiB in use (1 MiB by 1 sending")
        .endsWith("ferry.limits.memory)");
    slots.release(new ChannelId(self, a, 1), a);
    assertThat(slots.whyWaiting(b)).isEqualTo("channels queued before it send first");
  }

  private boolean acquire(SendSlots slots, PeerId peer, long id) {
    return slots.acquire(new ChannelId(self, peer, id), peer, () -> started.add("" + id));
  }
}
