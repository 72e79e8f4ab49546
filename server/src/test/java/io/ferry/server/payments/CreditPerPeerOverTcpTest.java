package io.ferry.server.payments;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.Block;
import io.ferry.ipld.selector.Selector;
import io.ferry.ipld.selector.Selector.ExploreFields;
import io.ferry.ipld.selector.Selector.ExploreIndex;
import io.ferry.ipld.selector.Selector.Matcher;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.validators.paid.PaidRetrievalTerms;
import io.ferry.validators.paid.RetrievalProposal;
import io.ferry.validators.paid.RetrievalResult.Kind;
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
 * The way around payment of the finding (issue 19, 1): a client that never pays opens one paid pull
 * per leaf of a file (a selector picking leaf k), each inside the first payment interval, over the
 * real TCP transport. The provider extends its credit to the peer, not to each channel: what the
 * client gets for nothing is at most the credit, the channels past it are refused saying why (or
 * wait, paused, while the credit is only reserved by its channels still running), and the
 * provider's counters account for every byte that left (a block the client already held is counted
 * as moved without bytes on the wire, as the root block is after the first channel).
 */
class CreditPerPeerOverTcpTest {
  /** 1 per byte, 256 KiB on credit per channel by the terms. */
  static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(1, 256 << 10, 256 << 10, 0);

  static final int CHUNK = 64 << 10;
  static final int SIZE = 2 << 20;
  static final long CREDIT = 512 << 10;

  @TempDir Path dir;
  TestNetwork network;
  PaidNode provider;
  PaidNode thief;
  ImportResult dag;

  @BeforeEach
  void start() throws Exception {
    network = TestNetwork.tcp();
    Config seller = PaidPulls.sellerOnCredit(TERMS, CREDIT, CHUNK + 1024);
    provider = new PaidNode(network, "provider", 41, dir.resolve("provider"), seller).start();
    thief = new PaidNode(network, "thief", 42, dir.resolve("thief"), PaidPulls.bystander()).start();
    dag = TestDags.file(provider.store, SIZE, CHUNK, 41);
  }

  @AfterEach
  void stop() throws Exception {
    thief.close();
    provider.close();
    network.close();
  }

  /** Root block and leaf {@code k} of a one-level UnixFS file: dag-pb {@code Links/k/Hash}. */
  static Selector leaf(long k) {
    return new ExploreFields(
        Map.of("Links", new ExploreIndex(k, new ExploreFields(Map.of("Hash", new Matcher())))));
  }

  @Test
  void aChannelPerLeafGetsNoMoreThanTheProvidersCreditAndEveryByteIsCounted() throws Exception {
    List<Block> blocks = Traversal.walk(provider.store, dag.root(), Selectors.all()).toList();
    int leaves = blocks.size() - 1;
    assertThat(leaves).isEqualTo(SIZE / CHUNK);
    List<ChannelId> channels = new ArrayList<>();
    int refused = 0;
    int held = 0;
    long received = 0;
    for (int k = 0; k < leaves; k++) {
      long root = blocks.get(0).data().length;
      long expected = root + blocks.get(k + 1).data().length;
      ChannelId id =
          thief
              .node
              .openPullDataChannel(provider.id(), new RetrievalProposal(TERMS), dag.root(), leaf(k))
              .toCompletableFuture()
              .get(30, TimeUnit.SECONDS);
      ChannelState end =
          thief.awaitState(
              id,
              "its leaf, a refusal, a request to pay before the leaf, or a wait for credit",
              s ->
                  s.received() == expected
                      || s.status().isEnding()
                      || (s.responderPaused()
                          && PaidPulls.lastResult(s).kind() == Kind.PAYMENT_DUE
                          && s.received() >= root)
                      || (s.responderPaused()
                          && PaidPulls.lastResult(s).kind() == Kind.WAITING_FOR_CREDIT));
      received += end.received();
      if (end.status().isEnding() && end.received() == 0) {
        refused++;
        assertThat(end.message()).contains("credit exhausted");
      } else if (end.received() == 0) {
        held++; // opened paused: the peer's other channels hold its credit, and it never pays
      } else {
        channels.add(id);
        if (end.received() < expected) {
          held++; // the leaf would cross the channel's limit: it waits for a payment
        }
      }
    }

    assertThat(received).isLessThanOrEqualTo(CREDIT);
    assertThat(refused + held).isGreaterThanOrEqualTo(leaves - (int) (CREDIT / CHUNK));
    // The root block went over the wire once: the client held it for every later channel.
    long onTheWire = received - (channels.size() - 1L) * blocks.get(0).data().length;
    Poll.until(
        PaidNode.WAIT,
        "the provider to count every byte that left (" + onTheWire + ")",
        () -> {
          long sent = 0;
          for (ChannelId id : channels) {
            try {
              sent += provider.state(id).sent();
            } catch (Exception e) {
              return -1L;
            }
          }
          return sent;
        },
        sent -> sent == onTheWire);
  }
}
