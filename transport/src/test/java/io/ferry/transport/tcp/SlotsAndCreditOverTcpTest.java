package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataRequest;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The chaos run's deadlock between the two sides' limits (issue 19), over one real TCP connection:
 * the provider lets the client's channels send one at a time, and the client's receive budget for
 * the provider is one channel's first allocation. A paid pull held at its byte limit gives its send
 * slot back but keeps the client's budget; a second pull takes the slot and gets no credit. Paid,
 * the first waits in line for the slot the second holds, and the second waits for the budget the
 * first holds: before, neither ever moved again. The sender without credit now lends its slot.
 */
class SlotsAndCreditOverTcpTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final int BUDGET = 1 << 20;

  private TcpNode provider;
  private TcpNode client;

  @BeforeEach
  void start() throws Exception {
    provider = new TcpNode("provider", s -> s.withSendingChannels(1, 64));
    client = new TcpNode("client", s -> s.withFlow(BUDGET, BUDGET, 64L << 20));
    client.transport.connect(provider.address()).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    provider.close();
  }

  @Test
  void aPaidPullQueuedBehindAPullWithoutCreditGetsTheSlotAndBothFinish() throws Exception {
    ImportResult paidFile =
        TestDags.importFile(provider.store, TestDags.randomBytes(512 << 10, 1), 64 << 10);
    ImportResult newFile =
        TestDags.importFile(provider.store, TestDags.randomBytes(256 << 10, 2), 64 << 10);
    PeerId from = provider.identity.peerId();
    PeerId to = client.identity.peerId();
    ChannelId paid = new ChannelId(to, from, 1);
    ChannelId fresh = new ChannelId(to, from, 2);

    client.transport.openReceive(DataRequest.of(paid, from, paidFile.root(), Selectors.all()));
    provider.transport.openSend(
        DataRequest.of(paid, to, paidFile.root(), Selectors.all()).withByteLimit(128 << 10), null);
    RecordingHandler.await(
        WAIT,
        "the paid pull to reach its byte limit",
        () -> !provider.handler.limitsReached.isEmpty());

    client.transport.openReceive(DataRequest.of(fresh, from, newFile.root(), Selectors.all()));
    provider.transport.openSend(DataRequest.of(fresh, to, newFile.root(), Selectors.all()), null);
    // The payment reaches the provider's session after the second open (one actor, in order): the
    // second pull has the slot the first gave back, and the first queues behind it.
    provider.transport.setByteLimit(paid, DataRequest.NO_LIMIT);

    assertThat(client.handler.awaitFinished(paid, WAIT))
        .isEqualTo(new RecordingHandler.Finished(false, null));
    assertThat(client.handler.awaitFinished(fresh, WAIT))
        .isEqualTo(new RecordingHandler.Finished(false, null));
    assertThat(TestDags.export(client.store, paidFile.root()))
        .isEqualTo(TestDags.randomBytes(512 << 10, 1));
    assertThat(TestDags.export(client.store, newFile.root()))
        .isEqualTo(TestDags.randomBytes(256 << 10, 2));
  }
}
