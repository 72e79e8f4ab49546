package io.ferry.server.retention;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The purged-channels file holds the channels something may still show: one leaves it once the
 * journal dropped its tag copies and the read model saved a checkpoint without it, in either order,
 * and not before both.
 */
class PurgedChannelsTest {
  private static final String PEER = "12D3KooWA8EXV3KjBxEU5EnsPfneLx84vMWAtTBQBeyooN82KSuS";
  private static final ChannelId ONE = ChannelId.parse(PEER + "-" + PEER + "-1");
  private static final ChannelId TWO = ChannelId.parse(PEER + "-" + PEER + "-2");
  private static final ChannelId THREE = ChannelId.parse(PEER + "-" + PEER + "-3");

  @TempDir Path home;

  @Test
  void aChannelLeavesTheFileOnceItsCopiesAreDroppedAndTheReadModelForgotIt() throws Exception {
    PurgedChannels purged = PurgedChannels.open(home);
    purged.add(ONE);
    purged.add(TWO);
    purged.add(THREE);

    purged.copiesDropped(List.of("Channel|" + ONE, "Channel|" + TWO));
    assertThat(reopened()).containsExactlyInAnyOrder(ONE, TWO, THREE);
    purged.forgotten(List.of(ONE, THREE));

    assertThat(purged.contains(ONE)).isFalse();
    assertThat(purged.contains(TWO)).as("its checkpoint may still hold it").isTrue();
    assertThat(purged.contains(THREE)).as("its tag copies may still be there").isTrue();
    assertThat(reopened()).containsExactlyInAnyOrder(TWO, THREE);
    assertThat(home.resolve(PurgedChannels.FILE + ".next")).doesNotExist();

    // The other order settles too.
    purged.forgotten(List.of(TWO));
    purged.copiesDropped(List.of("Channel|" + THREE));
    assertThat(purged.size()).isZero();
    assertThat(reopened()).isEmpty();
  }

  @Test
  void aChannelPurgedAgainAfterItSettledIsRecordedAgain() throws Exception {
    PurgedChannels purged = PurgedChannels.open(home);
    purged.add(ONE);
    purged.copiesDropped(List.of(ONE.toString()));
    purged.forgotten(List.of(ONE));
    assertThat(purged.contains(ONE)).isFalse();

    purged.add(ONE);

    assertThat(reopened()).containsExactly(ONE);
  }

  @Test
  void whatWasNeverPurgedIsNotRemembered() throws Exception {
    PurgedChannels purged = PurgedChannels.open(home);
    purged.copiesDropped(List.of("Channel|" + ONE));
    purged.forgotten(List.of(TWO));

    purged.add(ONE);
    purged.add(TWO);

    assertThat(purged.size()).as("both wait for what comes after their purge").isEqualTo(2);
    assertThat(Files.readAllLines(home.resolve(PurgedChannels.FILE))).hasSize(2);
  }

  private List<ChannelId> reopened() {
    return PurgedChannels.open(home).ids().stream().map(ChannelId::parse).toList();
  }
}
