package io.ferry.server.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.validators.paid.PaidRetrievalTerms;
import io.ferry.validators.paid.RetrievalProposal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The finding of issue 19, 2, over the real TCP transport with real engines: a peer that opens many
 * paid pulls and never pays. Its channels beyond the provider's per-peer cap are refused saying
 * why; those it holds wait for payment without holding a send slot, so a paying peer's pull moves
 * and completes although the provider sends one channel at a time.
 */
class UnpaidChannelsOverTcpTest {
  /** 1 per byte, payment due every 256 KiB. */
  static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(1, 256 << 10, 0, 0);

  static final int CAP = 4;
  static final int OPENED = 12;

  @TempDir Path dir;
  TestNetwork network;
  PaidNode provider;
  PaidNode hostile;
  PaidNode honest;
  ImportResult dag;

  @BeforeEach
  void start() throws Exception {
    // A 1 MiB receive window per channel: with the default 8 MiB, the hostile peer's paused
    // channels hold the credit of its 16 MiB in-flight budget and starve its next channel (the
    // receiver's own limit, not what this test is about).
    network =
        TestNetwork.tcp(
            s ->
                s.withSendingChannels(1, 1)
                    .withOpenChannels(CAP, 64)
                    .withFlow(1 << 20, 16 << 20, 256 << 20));
    Config seller =
        PaidPulls.seller(TERMS)
            .withFallback(
                ConfigFactory.parseMap(
                    Map.of("ferry.validators.settings.paid-retrieval.credit-per-peer", 1L << 40)));
    provider = new PaidNode(network, "provider", 51, dir.resolve("provider"), seller).start();
    hostile =
        new PaidNode(network, "hostile", 52, dir.resolve("hostile"), PaidPulls.bystander()).start();
    honest =
        new PaidNode(network, "honest", 53, dir.resolve("honest"), PaidPulls.buyer(1L << 30))
            .start();
    dag = TestDags.file(provider.store, 2 << 20, 64 << 10, 51);
  }

  @AfterEach
  void stop() throws Exception {
    honest.close();
    hostile.close();
    provider.close();
    network.close();
  }

  @Test
  void aPeerThatNeverPaysIsCappedAndAPayingPeerIsStillServed() throws Exception {
    List<ChannelState> ends = new ArrayList<>();
    for (int i = 0; i < OPENED; i++) {
      ChannelId id =
          hostile
              .node
              .openPullDataChannel(
                  provider.id(), new RetrievalProposal(TERMS), dag.root(), Selectors.all())
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      ends.add(
          hostile.awaitState(
              id,
              "paused for payment, or refused",
              s -> s.status().isEnding() || s.status() == Status.ResponderPaused));
    }
    assertThat(ends).filteredOn(s -> s.status() == Status.ResponderPaused).hasSize(CAP);
    assertThat(ends)
        .filteredOn(s -> s.status().isEnding())
        .hasSize(OPENED - CAP)
        .allSatisfy(
            s ->
                assertThat(s.message())
                    .contains(
                        "too many open channels: "
                            + hostile.id()
                            + " has "
                            + CAP
                            + " open with this node"));

    ChannelId paid =
        honest
            .node
            .openPullDataChannel(
                provider.id(), new RetrievalProposal(TERMS), dag.root(), Selectors.all())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    ChannelState done = honest.await(paid, Status.Completed);
    assertThat(done.received()).isEqualTo(dag.dagSize());
  }
}
