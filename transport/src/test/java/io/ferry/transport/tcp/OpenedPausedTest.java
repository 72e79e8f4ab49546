package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Channels whose open says "paused" (the engine's decision travels with the open), and a receiver
 * that holds the whole DAG before the sender opens. A paused channel is checked once a second
 * channel, opened after it on the same connection, moved a DAG of the same size entirely: had the
 * pause been lost, the first would have moved blocks by then.
 */
class OpenedPausedTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  private TcpNode provider;
  private TcpNode client;

  @BeforeEach
  void start() throws Exception {
    provider = new TcpNode("provider", s -> s);
    client = new TcpNode("client", s -> s);
    client.transport.addPeer(provider.address());
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    provider.close();
  }

  @Test
  void aReceiverOpenedPausedGetsNoBlockUntilItResumes() throws Exception {
    ImportResult file =
        TestDags.importFile(provider.store, TestDags.randomBytes(256 << 10, 7), 16 << 10);
    ChannelId id = new ChannelId(client.identity.peerId(), provider.identity.peerId(), 1);

    long held =
        client
            .transport
            .openReceive(request(id, file, true).withPaused(true))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    provider.transport.openSend(request(id, file, false), null);
    anotherChannelMovesADag(10);

    assertThat(client.handler.blocks(id, DataProgress.Direction.RECEIVED)).isZero();
    assertThat(client.handler.finished(id)).isNotDone();
    client.transport.resume(id);

    assertThat(held).isZero();
    assertThat(client.handler.awaitFinished(id, WAIT))
        .isEqualTo(new RecordingHandler.Finished(false, null));
    assertThat(client.handler.blocks(id, DataProgress.Direction.RECEIVED)).isEqualTo(file.blocks());
  }

  @Test
  void aSenderOpenedPausedSendsNoBlockUntilItResumes() throws Exception {
    ImportResult file =
        TestDags.importFile(provider.store, TestDags.randomBytes(256 << 10, 8), 16 << 10);
    ChannelId id = new ChannelId(client.identity.peerId(), provider.identity.peerId(), 2);

    openWithTheSenderPaused(id, file);
    anotherChannelMovesADag(11);

    assertThat(provider.handler.blocks(id, DataProgress.Direction.QUEUED)).isZero();
    assertThat(client.handler.blocks(id, DataProgress.Direction.RECEIVED)).isZero();
    provider.transport.resume(id);

    assertThat(client.handler.awaitFinished(id, WAIT))
        .isEqualTo(new RecordingHandler.Finished(false, null));
    assertThat(provider.handler.awaitFinished(id, WAIT))
        .isEqualTo(new RecordingHandler.Finished(true, null));
    assertThat(provider.handler.blocks(id, DataProgress.Direction.SENT)).isEqualTo(file.blocks());
  }

  @Test
  void aReceiverHoldingTheWholeDagFinishesOnlyAfterTheSenderOpened() throws Exception {
    ImportResult file =
        TestDags.importFile(provider.store, TestDags.randomBytes(64 << 10, 9), 16 << 10);
    TestDags.importFile(client.store, TestDags.randomBytes(64 << 10, 9), 16 << 10);
    ChannelId id = new ChannelId(client.identity.peerId(), provider.identity.peerId(), 3);

    long held =
        client
            .transport
            .openReceive(request(id, file, true))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    roundTrip();

    assertThat(held).isEqualTo(file.blocks());
    assertThat(client.handler.finished(id)).isNotDone();
    provider.transport.openSend(request(id, file, false).withStartIndex(held), null);

    assertThat(client.handler.awaitFinished(id, WAIT))
        .isEqualTo(new RecordingHandler.Finished(false, null));
    assertThat(provider.handler.awaitFinished(id, WAIT))
        .isEqualTo(new RecordingHandler.Finished(true, null));
  }

  /**
   * The engine closes a channel's data side and opens it again at once (a restart answered again):
   * the transport's session retires the closed side after the new open registered the channel's
   * peer, and the retirement forgot it. A resume told after that once went nowhere and the channel
   * stayed paused for good (bench/chaos, a pull Ongoing on both nodes). The retirement is played
   * here directly, on a channel that is open: closing and reopening both sides at once over the
   * wire also races their close frames against the new opens, which is not this case.
   */
  @Test
  void aResumeReachesASenderWhosePeerTheTransportForgot() throws Exception {
    ImportResult file =
        TestDags.importFile(provider.store, TestDags.randomBytes(256 << 10, 12), 16 << 10);
    ChannelId id = new ChannelId(client.identity.peerId(), provider.identity.peerId(), 4);
    openWithTheSenderPaused(id, file);
    anotherChannelMovesADag(13);
    assertThat(client.handler.blocks(id, DataProgress.Direction.RECEIVED)).isZero();

    provider.transport.retired(id); // as the session retiring the side closed before this open
    provider.transport.resume(id);

    assertThat(client.handler.awaitFinished(id, WAIT))
        .isEqualTo(new RecordingHandler.Finished(false, null));
    assertThat(client.handler.blocks(id, DataProgress.Direction.RECEIVED)).isEqualTo(file.blocks());
  }

  /** The client opens its receiving side (and waits for it), then the provider its paused send. */
  private void openWithTheSenderPaused(ChannelId id, ImportResult file) throws Exception {
    client
        .transport
        .openReceive(request(id, file, true))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    provider.transport.openSend(request(id, file, false).withPaused(true), null);
  }

  private DataRequest request(ChannelId id, ImportResult file, boolean receiving) {
    return DataRequest.of(
        id,
        receiving ? provider.identity.peerId() : client.identity.peerId(),
        file.root(),
        Selectors.all());
  }

  /** A second pull of a 256 KiB DAG on the same connection, to its end. */
  private void anotherChannelMovesADag(int seed) throws Exception {
    ImportResult other =
        TestDags.importFile(provider.store, TestDags.randomBytes(256 << 10, seed), 16 << 10);
    ChannelId id = new ChannelId(client.identity.peerId(), provider.identity.peerId(), seed);
    client
        .transport
        .openReceive(request(id, other, true))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    provider.transport.openSend(request(id, other, false), null);
    assertThat(client.handler.awaitFinished(id, WAIT))
        .isEqualTo(new RecordingHandler.Finished(false, null));
  }

  /** A message from the client to the provider and one back, over their one connection. */
  private void roundTrip() throws Exception {
    client
        .transport
        .send(provider.identity.peerId(), TransferRequest.update(90, true))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    provider.handler.nextMessage(WAIT);
    provider
        .transport
        .send(client.identity.peerId(), TransferRequest.update(91, true))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
    client.handler.nextMessage(WAIT);
  }
}
