package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataRequest;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Many small channels at once between two nodes, beyond the send-slot limits. */
class ManyChannelsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);

  private TcpNode provider;
  private TcpNode client;

  @BeforeEach
  void start() throws Exception {
    provider = new TcpNode("provider", s -> s.withSendingChannels(4, 8));
    client = new TcpNode("client", s -> s);
    client.transport.connect(provider.address()).toCompletableFuture().get();
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    provider.close();
  }

  @Test
  void twoHundredConcurrentPullsAllCompleteWithTheRestQueuedBehindTheSendSlots() throws Exception {
    int n = 200;
    List<Cid> roots = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      roots.add(TestDags.importFile(provider.store, TestDags.randomBytes(20_000, i), 4096).root());
    }
    List<ChannelId> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ChannelId id = new ChannelId(client.identity.peerId(), provider.identity.peerId(), i);
      ids.add(id);
      client.transport.openReceive(
          DataRequest.of(id, provider.identity.peerId(), roots.get(i), Selectors.all()));
      provider.transport.openSend(
          DataRequest.of(id, client.identity.peerId(), roots.get(i), Selectors.all()), null);
    }

    for (ChannelId id : ids) {
      assertThat(client.handler.awaitFinished(id, WAIT).error()).isNull();
      assertThat(provider.handler.awaitFinished(id, WAIT).error()).isNull();
    }
    for (int i = 0; i < n; i++) {
      assertThat(TestDags.export(client.store, roots.get(i)))
          .isEqualTo(TestDags.randomBytes(20_000, i));
    }
    assertThat(provider.handler.events.stream().filter(e -> e.startsWith("queued"))).isNotEmpty();
    assertThat(client.handler.bytes(ids.get(0), DataProgress.Direction.RECEIVED)).isPositive();
  }
}
