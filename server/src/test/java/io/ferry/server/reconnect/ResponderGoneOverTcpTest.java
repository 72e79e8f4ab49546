package io.ferry.server.reconnect;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestDags;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.server.http.ChannelView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes over real TCP (TLS 1.3 on 127.0.0.1): a pull whose responder goes away mid-transfer.
 * Gone for good, the initiator's channel shows it is stalled, makes the configured number of
 * restart attempts and fails, naming them. Back again (on a new port, dialing the initiator), the
 * channel restarts at once although the initiator's own backoff is an hour, and the sender skips
 * the blocks the receiver already holds.
 */
class ResponderGoneOverTcpTest {
  private static final int FILE = 3 << 20;
  private static final long SLOW = 512 << 10; // the responder sends 512 KiB/s: ~6 s for the file
  private static final Pattern BLOCKS = Pattern.compile("^(\\d+) blocks,");

  @TempDir Path dir;
  private TcpPeer initiator;
  private TcpPeer responder;

  @AfterEach
  void stop() throws Exception {
    if (initiator != null) {
      initiator.close();
    }
    if (responder != null) {
      responder.close();
    }
  }

  @Test
  void aPullWhoseResponderIsGoneForGoodIsStalledThenGivesUpAfterTheBoundedAttempts()
      throws Exception {
    ChannelSettings quick =
        ChannelSettings.defaults()
            .withAcceptTimeout(Duration.ofSeconds(3))
            .withRestarts(
                new ChannelSettings.Restarts(Duration.ofMillis(50), Duration.ofMillis(200), 3));
    ChannelId id = startMidTransfer(quick);

    responder.stop();

    ChannelState stalled = initiator.await(id, "stalled", ChannelState::stalled);
    assertThat(stalled.status()).isEqualTo(Status.Ongoing);
    assertThat(ChannelView.of(stalled, new ObjectMapper()).stalled()).isTrue();
    ChannelState failed = initiator.await(id, "Failed", s -> s.status() == Status.Failed);
    assertThat(failed.message()).startsWith("gave up after 3 restart attempts: ");
    assertThat(failed.restartAttempts()).isEqualTo(3);
    // The subscriber hears the events after the state has them: wait for the last one.
    Poll.until(
        Duration.ofSeconds(30),
        "the cleanup event",
        () -> codes(initiator, id).contains(EventCode.CleanupComplete));
    assertThat(codes(initiator, id))
        .contains(EventCode.Disconnected)
        .endsWith(EventCode.Error, EventCode.CleanupComplete);
  }

  @Test
  void aPullWhoseResponderComesBackRestartsAtOnceAndSkipsTheBlocksTheReceiverHolds()
      throws Exception {
    ChannelSettings patient =
        ChannelSettings.defaults()
            .withRestarts(
                new ChannelSettings.Restarts(Duration.ofHours(1), Duration.ofHours(1), 3));
    ChannelId id = startMidTransfer(patient);

    responder.stop();
    ChannelState stalled = initiator.await(id, "stalled", ChannelState::stalled);
    long heldAtDrop = stalled.receivedBlocks();
    assertThat(heldAtDrop).isPositive();
    responder.start(); // a new port; it knows the initiator's address and dials it

    ChannelState done = initiator.await(id, "Completed", s -> s.status() == Status.Completed);
    assertThat(done.stalled()).isFalse();
    // Completed: the receiver verified the whole traversal, and counted each block once (blocks
    // it stored but had not yet counted when the connection dropped are counted as held).
    assertThat(done.receivedBlocks()).isEqualTo(dagBlocks);
    assertThat(codes(initiator, id)).contains(EventCode.Restart);
    long deliveredAfterRestart = deliveredAfterRestart(id);
    assertThat(deliveredAfterRestart)
        .as("blocks delivered after the restart, of %d, %d held at the drop", dagBlocks, heldAtDrop)
        .isPositive()
        .isLessThanOrEqualTo(dagBlocks - heldAtDrop);
  }

  // ---- helpers ----

  private long dagBlocks;

  /** Starts both nodes and a pull of a 3 MiB file, and waits until part of it arrived. */
  private ChannelId startMidTransfer(ChannelSettings initiatorChannels) throws Exception {
    responder =
        new TcpPeer("responder", 7, dir.resolve("responder"), ChannelSettings.defaults(), SLOW);
    initiator = new TcpPeer("initiator", 8, dir.resolve("initiator"), initiatorChannels, 0);
    responder.start();
    initiator.start();
    responder.knownPeers.add(initiator.address());
    initiator.transport.addPeer(responder.address());
    ImportResult dag = TestDags.file(responder.store, FILE, 64 << 10, 41);
    dagBlocks = dag.blocks();
    ChannelId id =
        initiator
            .node
            .openPullDataChannel(
                responder.id(), new TcpPeer.Note("pull"), dag.root(), Selectors.all())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    initiator.await(id, "a part of the file", s -> s.receivedBlocks() >= 8);
    return id;
  }

  private static java.util.List<EventCode> codes(TcpPeer peer, ChannelId id) {
    return peer.seen.stream()
        .filter(s -> s.state().channelId().equals(id))
        .map(s -> s.event().code())
        .toList();
  }

  /** Blocks the initiator was delivered (repeats included) after its last Restart event. */
  private long deliveredAfterRestart(ChannelId id) {
    long delivered = 0;
    for (TcpPeer.Seen s : initiator.seen) {
      if (!s.state().channelId().equals(id)) {
        continue;
      }
      if (s.event().code() == EventCode.Restart) {
        delivered = 0;
      } else if (s.event().code() == EventCode.DataReceived) {
        Matcher m = BLOCKS.matcher(s.event().message());
        assertThat(m.find()).as("a DataReceived message: %s", s.event().message()).isTrue();
        delivered += Long.parseLong(m.group(1));
      }
    }
    return delivered;
  }
}
