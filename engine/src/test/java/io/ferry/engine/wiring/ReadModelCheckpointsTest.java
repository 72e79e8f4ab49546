package io.ferry.engine.wiring;

import static io.ferry.channels.testing.Peers.ALICE;
import static io.ferry.channels.testing.Peers.BOB;
import static io.ferry.channels.testing.Peers.CAROL;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Counters;
import io.ferry.channels.Status;
import io.ferry.channels.testing.Peers;
import io.ferry.channels.testing.StubValidation;
import io.ferry.ipld.selector.Selectors;
import java.io.DataInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The read model's checkpoint file: saved in the compact format (no serializer to read it back),
 * every field of a channel kept; a checkpoint of the first format (CBOR) still loads; an unknown
 * format or a damaged file is ignored (the model replays the tag instead).
 */
class ReadModelCheckpointsTest {
  private final ActorTestKit kit = ActorTestKit.create();

  @TempDir Path dir;

  @AfterEach
  void stop() {
    kit.shutdownTestKit();
  }

  private static ChannelState ongoing(long transfer) {
    return new ChannelState(
        new ChannelId(ALICE, BOB, transfer),
        ALICE,
        Peers.cid("root " + transfer),
        Selectors.all(),
        BOB,
        ALICE,
        4096 * transfer,
        Status.Ongoing,
        new Counters(
            new Counters.Count(10, 1), new Counters.Count(20, 2), new Counters.Count(30, 3)),
        1 << 20,
        true,
        false,
        true,
        false,
        2,
        "paused for a voucher",
        List.of(StubValidation.voucher("first"), StubValidation.voucher("latest")),
        List.of(StubValidation.voucher("result")),
        Instant.parse("2026-12-07T01:00:00.123456789Z"),
        Instant.parse("2026-12-07T01:00:05Z"),
        7,
        3);
  }

  private static ChannelState completed(long transfer) {
    return new ChannelState(
        new ChannelId(CAROL, ALICE, transfer),
        ALICE,
        Peers.cid("done " + transfer),
        Selectors.depth(2),
        CAROL,
        ALICE,
        100,
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
        Instant.parse("2026-12-07T00:00:00Z"),
        Instant.parse("2026-12-07T00:00:01Z"));
  }

  @Test
  void aSavedCheckpointIsCompactAndLoadsEveryFieldOfEveryChannel() throws Exception {
    Path file = dir.resolve("read-model");
    ReadModelCheckpoints checkpoints = ReadModelCheckpoints.in(file, kit.system());
    List<ChannelState> channels = List.of(ongoing(1), ongoing(2), completed(3));
    Map<ChannelId, Long> nrs =
        Map.of(
            channels.get(0).channelId(), 5L,
            channels.get(1).channelId(), 6L,
            channels.get(2).channelId(), 9L);

    checkpoints.save(new ReadModelCheckpoints.Projection(42, channels, nrs));

    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      assertThat(in.readInt()).isEqualTo(ReadModelCheckpoints.COMPACT);
    }
    ReadModelCheckpoints.Projection loaded = ReadModelCheckpoints.in(file, kit.system()).load();
    assertThat(loaded.offset()).isEqualTo(42);
    assertThat(loaded.channels()).containsExactlyElementsOf(channels);
    assertThat(loaded.sequenceNrs()).isEqualTo(nrs);
    assertThat(Files.exists(file.resolveSibling("read-model.next"))).isFalse();
  }

  @Test
  void aCheckpointOfTheFirstFormatStillLoadsAndTheNextSaveIsCompact() throws Exception {
    Path file = dir.resolve("read-model");
    ReadModelCheckpoints checkpoints = ReadModelCheckpoints.in(file, kit.system());
    ChannelState old = completed(8);
    checkpoints.saveInFirstFormat(
        new ReadModelCheckpoints.Checkpoint(
            17, List.of(old), Map.of(old.channelId().toString(), 7L)));

    ReadModelCheckpoints.Projection loaded = checkpoints.load();

    assertThat(loaded.offset()).isEqualTo(17);
    assertThat(loaded.channels()).containsExactly(old);
    assertThat(loaded.sequenceNrs()).containsExactly(Map.entry(old.channelId(), 7L));
    checkpoints.save(loaded);
    try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
      assertThat(in.readInt()).isEqualTo(ReadModelCheckpoints.COMPACT);
    }
    assertThat(checkpoints.load().channels()).containsExactly(old);
  }

  @Test
  void aTruncatedOrUnknownCheckpointIsIgnoredSoTheModelReplaysTheJournal() throws Exception {
    Path file = dir.resolve("read-model");
    ReadModelCheckpoints checkpoints = ReadModelCheckpoints.in(file, kit.system());
    checkpoints.save(new ReadModelCheckpoints.Projection(42, List.of(ongoing(1)), Map.of()));
    byte[] whole = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(whole, whole.length - 9));

    assertThat(checkpoints.load()).isEqualTo(ReadModelCheckpoints.Projection.NONE);

    whole[3] = 99;
    Files.write(file, whole);
    assertThat(checkpoints.load()).isEqualTo(ReadModelCheckpoints.Projection.NONE);
  }
}
