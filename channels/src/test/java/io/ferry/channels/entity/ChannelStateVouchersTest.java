package io.ferry.channels.entity;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.entity.JournalEvent.Opened;
import io.ferry.channels.entity.JournalEvent.VoucherReceived;
import io.ferry.channels.entity.JournalEvent.VoucherResultRecorded;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.actor.ActorSystem;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * A paid channel's state keeps the voucher it was opened with and the latest voucher and result,
 * with how many there were, not every voucher (issue 19, 7: 286 KB of JSON for one 300 MiB pull);
 * journals and snapshots written when the state kept them all recover to the same.
 */
class ChannelStateVouchersTest {
  private static final ActorSystem system =
      ActorSystem.create("channel-state-vouchers", ConfigFactory.load());
  private static final ObjectMapper json =
      JacksonObjectMapperProvider.get(system).getOrCreate("jackson-json", Optional.empty());
  private static final Instant AT = Instant.parse("2026-12-06T23:00:00Z");
  private static final ChannelId ID = new ChannelId(ALICE, BOB, 7);
  private static final TypedVoucher PROPOSAL = voucher("proposal", 0);

  @AfterAll
  static void shutdown() {
    system.terminate();
  }

  /** A voucher of about a paid-retrieval payment's size (~ 700 bytes of CBOR). */
  private static TypedVoucher voucher(String type, int n) {
    String body = ("payment " + n + " ").repeat(70);
    return new TypedVoucher("test/" + type, body.getBytes(StandardCharsets.UTF_8));
  }

  /** A responder's channel after {@code payments} payment vouchers, each answered. */
  private static ChannelState paidChannel(int payments) {
    ChannelState s =
        new Opened(
                ID,
                BOB,
                BOB,
                ALICE,
                Cid.sha256(Multicodec.RAW, new byte[] {1}),
                Selectors.all(),
                PROPOSAL,
                AT)
            .newState();
    for (int i = 1; i <= payments; i++) {
      s = new VoucherReceived(voucher("payment", i), AT).applyTo(s);
      s = new VoucherResultRecorded(voucher("result", i), AT).applyTo(s);
    }
    return s;
  }

  @Test
  void aPaidChannelKeepsItsOpeningVoucherAndTheLatestWithTheCounts() throws Exception {
    ChannelState s = paidChannel(300);

    assertThat(s.vouchers()).containsExactly(PROPOSAL, voucher("payment", 300));
    assertThat(s.voucher()).isEqualTo(PROPOSAL);
    assertThat(s.lastVoucher()).contains(voucher("payment", 300));
    assertThat(s.voucherResults()).containsExactly(voucher("result", 300));
    assertThat(s.voucherCount()).isEqualTo(301);
    assertThat(s.voucherResultCount()).isEqualTo(300);
    assertThat(s.hasLaterVoucher()).isTrue();
    byte[] stored = json.writeValueAsBytes(s);
    assertThat(stored.length).as("bytes of the stored state").isLessThan(8_000);
    ChannelState read = json.readValue(stored, ChannelState.class);
    assertThat(read).isEqualTo(s);
  }

  @Test
  void aChannelOpenedWithoutLaterVouchersHasOnlyItsOpeningOne() {
    ChannelState s = paidChannel(0);

    assertThat(s.vouchers()).containsExactly(PROPOSAL);
    assertThat(s.voucherResults()).isEmpty();
    assertThat(s.voucherCount()).isEqualTo(1);
    assertThat(s.hasLaterVoucher()).isFalse();
  }

  @Test
  void aSnapshotWrittenWithEveryVoucherRecoversToTheLatestWithTheCounts() throws Exception {
    // A state as snapshots held it before: every voucher and result, no counts.
    ChannelState kept = paidChannel(40);
    List<TypedVoucher> every = new ArrayList<>(List.of(PROPOSAL));
    List<TypedVoucher> results = new ArrayList<>();
    for (int i = 1; i <= 40; i++) {
      every.add(voucher("payment", i));
      results.add(voucher("result", i));
    }
    ObjectNode old = (ObjectNode) json.valueToTree(kept);
    old.set("vouchers", json.valueToTree(every));
    old.set("voucherResults", json.valueToTree(results));
    old.remove("voucherCount");
    old.remove("voucherResultCount");

    ChannelState recovered = json.treeToValue(old, ChannelState.class);

    assertThat(recovered.vouchers()).containsExactly(PROPOSAL, voucher("payment", 40));
    assertThat(recovered.voucherResults()).containsExactly(voucher("result", 40));
    assertThat(recovered.voucherCount()).isEqualTo(41);
    assertThat(recovered.voucherResultCount()).isEqualTo(40);
    assertThat(recovered).isEqualTo(kept);
  }
}
