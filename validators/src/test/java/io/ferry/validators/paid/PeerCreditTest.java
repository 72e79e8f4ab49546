package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.ipld.selector.Selectors;
import io.ferry.validators.MutableClock;
import io.ferry.validators.TestPeer;
import io.ferry.validators.VoucherCodec;
import io.ferry.validators.paid.RetrievalPayment.PaymentClaim;
import io.ferry.validators.signed.VoucherSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Credit is one peer's, not one channel's: the ways a client could try to take more than the
 * responder's credit without paying (a channel per leaf, many channels at once, restarts, walking
 * away after the data arrived) all end with at most {@link #CREDIT} bytes unpaid.
 */
class PeerCreditTest {
  /** 1 per byte, payment every 1000 bytes, growing by 1000. */
  private static final PaidRetrievalTerms ASKING = new PaidRetrievalTerms(1, 1000, 1000, 0);

  private static final long BLOCK = 100;
  private static final long CREDIT = 5000;

  private final TestPeer client = TestPeer.generate();
  private final TestPeer other = TestPeer.generate();
  private final TestPeer provider = TestPeer.generate();
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final VoucherSigner clientSigner =
      VoucherSigner.of(client.context(null, Map.of()), clock, Duration.ofMinutes(1));

  @TempDir Path dir;
  private ResponderLedger ledger;
  private PaidRetrievalValidator validator;
  private long nonce;

  @BeforeEach
  void open() {
    reopen();
  }

  @AfterEach
  void close() {
    ledger.close();
  }

  /** The responder node restarts: the ledger is read back from its journal. */
  private void reopen() {
    if (ledger != null) {
      ledger.close();
    }
    ledger = ResponderLedger.open(dir);
    validator =
        new PaidRetrievalValidator(
            provider.peerId(), Optional.of(ASKING), new PeerCredit(CREDIT, BLOCK), ledger, clock);
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private ValidationResult pull(ChannelId ch, boolean restart) throws Exception {
    return await(
        validator.validatePull(
            new ValidationRequest<>(
                restart,
                ch,
                ch.initiator(),
                new RetrievalProposal(ASKING),
                ClientChannelStates.ROOT,
                Selectors.all())));
  }

  /**
   * Sends blocks of {@link #BLOCK} bytes as a transport does: while below the data limit (the block
   * that reaches it may end beyond it), at most {@code bytes}. Returns what was sent.
   */
  private long sendUpTo(ChannelId ch, long bytes) throws Exception {
    long sent = 0;
    while (sent < bytes) {
      PaidChannel account = ledger.channel(ch).orElseThrow();
      if (account.bytesSent() >= account.dataLimit()) {
        break;
      }
      long block = Math.min(BLOCK, bytes - sent);
      await(validator.onPullDataSent(ch, block));
      sent += block;
    }
    return sent;
  }

  private ValidationResult pay(ChannelId ch, long cumulative) throws Exception {
    RetrievalPayment payment =
        new RetrievalPayment(
            clientSigner.sign(
                RetrievalPayment.KIND,
                ch,
                ++nonce,
                VoucherCodec.standard().encode(new PaymentClaim(cumulative))));
    return await(validator.revalidate(ch, payment));
  }

  /** What the client's channels hold that it has not paid for. */
  private long unpaid(TestPeer peer) {
    return ledger.unsettledOf(peer.peerId()).values().stream()
        .mapToLong(a -> Math.max(0, a.bytesSent() - PeerCredit.paidBytes(a)))
        .sum();
  }

  @Test
  void aChannelPerLeafGetsNoMoreThanThePeersCreditInAll() throws Exception {
    // The attack of the finding: each channel asks for one 500-byte leaf, below the first
    // interval, and completes owing its final payment, which never comes.
    long delivered = 0;
    int refused = 0;
    for (int leaf = 0; leaf < 100; leaf++) {
      ChannelId ch = client.channelTo(provider, leaf);
      ValidationResult open = pull(ch, false);
      if (open.decision() == Decision.REJECT) {
        refused++;
        assertThat(open.reason()).contains("credit exhausted").contains("5000 bytes of credit");
        continue;
      }
      delivered += sendUpTo(ch, 500);
      assertThat(await(validator.onComplete(ch)).orElseThrow().decision())
          .isEqualTo(Decision.PAUSE);
    }

    assertThat(delivered).isLessThanOrEqualTo(CREDIT);
    assertThat(unpaid(client)).isEqualTo(delivered);
    assertThat(refused).isGreaterThanOrEqualTo(90);
  }

  @Test
  void manyChannelsOpenedAtOnceShareTheCreditAndNoneSendsPastIt() throws Exception {
    long delivered = 0;
    for (int i = 0; i < 20; i++) {
      pull(client.channelTo(provider, i), false);
    }
    for (int i = 0; i < 20; i++) {
      ChannelId ch = client.channelTo(provider, i);
      if (ledger.channel(ch).isPresent()) {
        delivered += sendUpTo(ch, 1_000_000);
      }
    }

    assertThat(delivered).isLessThanOrEqualTo(CREDIT);
  }

  @Test
  void anotherPeerHasItsOwnCredit() throws Exception {
    ChannelId mine = client.channelTo(provider, 1);
    pull(mine, false);
    sendUpTo(mine, 1_000_000);
    for (int i = 2; i < 10; i++) {
      pull(client.channelTo(provider, i), false);
    }

    assertThat(pull(other.channelTo(provider, 1), false).decision()).isEqualTo(Decision.ACCEPT);
  }

  @Test
  void payingFreesCreditForNewChannels() throws Exception {
    int opened = 0;
    for (int i = 0; ; i++) {
      ChannelId ch = client.channelTo(provider, i);
      if (pull(ch, false).decision() == Decision.REJECT) {
        break;
      }
      opened++;
      sendUpTo(ch, 500);
      await(validator.onComplete(ch));
    }
    ChannelId first = client.channelTo(provider, 0);
    ChannelId next = client.channelTo(provider, 1000);
    assertThat(pull(next, false).decision()).isEqualTo(Decision.REJECT);

    pay(first, 500);
    await(validator.onComplete(first));

    assertThat(opened).isGreaterThan(1);
    assertThat(pull(next, false).decision()).isEqualTo(Decision.ACCEPT);
  }

  @Test
  void aHonestPullOfALargeFileGoesOnPayingWithinTheCredit() throws Exception {
    // Intervals grow by 1000 each payment; the credit caps them, so the client pays more often
    // than the terms alone would ask, but never waits for nothing.
    ChannelId ch = client.channelTo(provider, 1);
    pull(ch, false);
    long total = 0;
    for (int round = 0; round < 40; round++) {
      total += sendUpTo(ch, 1_000_000);
      PaidChannel account = ledger.channel(ch).orElseThrow();
      assertThat(account.bytesSent() - PeerCredit.paidBytes(account)).isLessThanOrEqualTo(CREDIT);
      assertThat(pay(ch, account.owed()).decision()).isEqualTo(Decision.RESUME);
    }

    assertThat(total).isGreaterThan(40 * 1000);
    PaidChannel account = ledger.channel(ch).orElseThrow();
    assertThat(account.dataLimit() - account.bytesSent()).isLessThanOrEqualTo(CREDIT - BLOCK);
  }

  @Test
  void channelsTakenAfterTheirDataArrivedKeepTheirDebtAcrossAResponderRestart() throws Exception {
    // The client cancels each channel once its data arrived (no completion, no payment), and the
    // responder restarts: the debt is still the peer's.
    for (int i = 0; i < 10; i++) {
      ChannelId ch = client.channelTo(provider, i);
      if (pull(ch, false).decision() != Decision.REJECT) {
        sendUpTo(ch, 1_000_000);
      }
    }
    long before = unpaid(client);
    reopen();

    long after = 0;
    for (int i = 10; i < 30; i++) {
      ChannelId ch = client.channelTo(provider, i);
      if (pull(ch, false).decision() != Decision.REJECT) {
        after += sendUpTo(ch, 1_000_000);
      }
    }

    assertThat(before + after).isLessThanOrEqualTo(CREDIT);
  }

  @Test
  void restartingEveryChannelAfterAResponderRestartDoesNotRenewTheirCredit() throws Exception {
    for (int i = 0; i < 10; i++) {
      ChannelId ch = client.channelTo(provider, i);
      if (pull(ch, false).decision() != Decision.REJECT) {
        sendUpTo(ch, 300);
      }
    }
    reopen();

    long delivered = 0;
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 10; i++) {
        ChannelId ch = client.channelTo(provider, i);
        if (ledger.channel(ch).isPresent() && pull(ch, true).decision() != Decision.REJECT) {
          delivered += sendUpTo(ch, 1_000_000);
        }
      }
      reopen();
    }

    assertThat(unpaid(client)).isLessThanOrEqualTo(CREDIT);
    assertThat(delivered).isPositive();
  }
}
