package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataProgress.Direction;
import io.ferry.channels.wire.DataRequest;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Receive credit held by a paused channel (issue 19): two channels from one peer over one real TCP
 * connection, the receiver's budget for that peer one channel window. The first channel is paused
 * by its receiver mid-transfer; it gives its credit back (its sender, of revision 2, returns what
 * it had not used), and the second channel gets the budget and finishes while the first stays
 * paused. Before, the paused channel kept the whole budget and the second never moved.
 */
class PausedReceiverCreditOverTcpTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int WINDOW = 1 << 20;

  private TcpNode provider;
  private TcpNode client;

  @BeforeEach
  void start() throws Exception {
    // The provider sends at 128 KiB/s to the peer (after a burst of 256 KiB): the first channel is
    // still moving when paused, with most of its 1 MiB of credit unused at its sender. (Blocks
    // already on the wire when the pause arrives keep their credit until the channel resumes.)
    provider = new TcpNode("provider", s -> s.withRates(0, 0, 128 << 10, 0));
    client = new TcpNode("client", s -> s.withFlow(WINDOW, WINDOW, 64L << 20));
    client.transport.connect(provider.address()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    provider.close();
  }

  @Test
  void aPausedReceivingChannelGivesItsCreditBackAndAnotherChannelOnTheConnectionFinishes()
      throws Exception {
    ImportResult big =
        TestDags.importFile(provider.store, TestDags.randomBytes(1 << 20, 1), 64 << 10);
    ImportResult small =
        TestDags.importFile(provider.store, TestDags.randomBytes(256 << 10, 2), 64 << 10);
    PeerId from = provider.identity.peerId();
    PeerId to = client.identity.peerId();
    ChannelId paused = new ChannelId(to, from, 1);
    ChannelId other = new ChannelId(to, from, 2);

    client.transport.openReceive(DataRequest.of(paused, from, big.root(), Selectors.all()));
    provider.transport.openSend(DataRequest.of(paused, to, big.root(), Selectors.all()), null);
    RecordingHandler.await(
        WAIT,
        "the first channel to move",
        () -> client.handler.bytes(paused, Direction.RECEIVED) > 0);
    client.transport.pause(paused);

    client.transport.openReceive(DataRequest.of(other, from, small.root(), Selectors.all()));
    provider.transport.openSend(DataRequest.of(other, to, small.root(), Selectors.all()), null);

    assertThat(client.handler.awaitFinished(other, WAIT))
        .isEqualTo(new RecordingHandler.Finished(false, null));
    assertThat(client.handler.finished(paused)).as("still paused").isNotDone();
    assertThat(TestDags.export(client.store, small.root()))
        .isEqualTo(TestDags.randomBytes(256 << 10, 2));

    client.transport.resume(paused);
    assertThat(client.handler.awaitFinished(paused, WAIT))
        .isEqualTo(new RecordingHandler.Finished(false, null));
    assertThat(TestDags.export(client.store, big.root()))
        .isEqualTo(TestDags.randomBytes(1 << 20, 1));
  }
}
