package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TcpTransportTest {
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
  void controlMessagesReachThePeerWithItsAuthenticatedId() throws Exception {
    client
        .transport
        .send(provider.identity.peerId(), TransferRequest.update(5, true))
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    Map.Entry<?, ?> m = provider.handler.nextMessage(WAIT);
    assertThat(m.getKey()).isEqualTo(client.identity.peerId());
    assertThat(m.getValue()).isEqualTo(TransferRequest.update(5, true));
  }

  @Test
  void aPulledDagArrivesVerifiedAndComplete() throws Exception {
    byte[] content = TestDags.randomBytes(3 << 20, 1);
    ImportResult file = TestDags.importFile(provider.store, content, 64 * 1024);
    ChannelId id = new ChannelId(client.identity.peerId(), provider.identity.peerId(), 1);

    long held =
        client
            .transport
            .openReceive(
                DataRequest.of(id, provider.identity.peerId(), file.root(), Selectors.all()))
            .toCompletableFuture()
            .get(10, TimeUnit.SECONDS);
    provider.transport.openSend(
        DataRequest.of(id, client.identity.peerId(), file.root(), Selectors.all())
            .withStartIndex(held),
        null);

    assertThat(held).isZero();
    assertThat(client.handler.awaitFinished(id, WAIT))
        .isEqualTo(new RecordingHandler.Finished(false, null));
    assertThat(provider.handler.awaitFinished(id, WAIT))
        .isEqualTo(new RecordingHandler.Finished(true, null));
    assertThat(TestDags.export(client.store, file.root())).isEqualTo(content);
    assertThat(client.handler.blocks(id, DataProgress.Direction.RECEIVED)).isEqualTo(file.blocks());
    assertThat(provider.handler.blocks(id, DataProgress.Direction.SENT)).isEqualTo(file.blocks());
  }
}
