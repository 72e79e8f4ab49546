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
import io.ferry.validators.paid.RetrievalResult.Kind;
import io.ferry.validators.signed.VoucherSigner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A paid-up channel paused because its peer's other channels hold the credit is resumed when the
 * credit comes back (a payment, a completion, a cancel; after a restart too): the validator asks
 * the node to look at it again ({@code recheck}), oldest waiting channel first, as far as the
 * credit goes, and answers the recheck with a resume only when the channel may go on.
 */
class CreditReturnsTest {
  /** 1 per byte, payment every 1000 bytes. */
  private static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(1, 1000, 0, 0);

  private static final long BLOCK = 100;
  private static final long CREDIT = 2500;

  private final TestPeer client = TestPeer.generate();
  private final TestPeer provider = TestPeer.generate();
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final VoucherSigner clientSigner =
      VoucherSigner.of(client.context(null, Map.of()), clock, Duration.ofMinutes(1));
  private final List<ChannelId> rechecked = new CopyOnWriteArrayList<>();
  private final Set<ChannelId> ended = new HashSet<>();
  private final ChannelId a = client.channelTo(provider, 1);
  private final ChannelId b = client.channelTo(provider, 2);
  private final ChannelId c = client.channelTo(provider, 3);
  private final ChannelId d = client.channelTo(provider, 4);

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

  /** The responder node (re)starts: the ledger is read back from its journal. */
  private void reopen() {
    if (ledger != null) {
      ledger.close();
    }
    ledger = ResponderLedger.open(dir);
    rechecked.clear();
    validator =
        new PaidRetrievalValidator(
            provider.peerId(),
            Optional.of(TERMS),
            new PeerCredit(CREDIT, BLOCK),
            ledger,
            clock,
            rechecked::add);
  }

  @Test
  void theOldestChannelWaitingForCreditIsRecheckedFirstAndEachGetsItsTurn() throws Exception {
    // A and B take 1000 (+ a block of margin) each, C the 200 left; D finds no credit and waits.
    assertThat(pull(a, false).dataLimit()).isEqualTo(1000);
    assertThat(pull(b, false).dataLimit()).isEqualTo(1000);
    assertThat(pull(c, false).dataLimit()).isEqualTo(200);
    ValidationResult opened = pull(d, false);
    assertThat(opened.decision()).isEqualTo(Decision.PAUSE);
    assertThat(opened.dataLimit()).isEqualTo(ValidationResult.NO_CHANGE);
    assertThat(kind(opened)).isEqualTo(Kind.WAITING_FOR_CREDIT);
    assertThat(recheck(d)).isEmpty();

    // A pays its first interval: its credit goes to D, which waited before it; A now waits.
    send(a, 1000);
    assertThat(pay(a, 1000).decision()).isEqualTo(Decision.PAUSE);
    assertThat(rechecked).containsExactly(d);
    ValidationResult resumed = recheck(d).orElseThrow();
    assertThat(resumed.decision()).isEqualTo(Decision.RESUME);
    assertThat(resumed.dataLimit()).isEqualTo(1000);
    assertThat(recheck(a)).isEmpty();
    assertWithinCredit();

    // B pays: A, older, goes on; B waits its turn.
    send(b, 1000);
    assertThat(pay(b, 1000).decision()).isEqualTo(Decision.PAUSE);
    assertThat(rechecked).containsExactly(d, a);
    assertThat(recheck(a).orElseThrow().dataLimit()).isGreaterThan(1000);
    assertWithinCredit();

    // C completes with nothing sent: its credit goes to B.
    assertThat(await(validator.onComplete(c)).orElseThrow().decision()).isEqualTo(Decision.ACCEPT);
    assertThat(rechecked).containsExactly(d, a, b);
    assertThat(recheck(b).orElseThrow().decision()).isEqualTo(Decision.RESUME);
    assertWithinCredit();
  }

  @Test
  void aCancelledChannelGivesItsCreditToTheOneWaiting() throws Exception {
    pull(a, false);
    pull(b, false);
    pull(c, false);
    assertThat(pull(d, false).decision()).isEqualTo(Decision.PAUSE);

    end(b);

    assertThat(rechecked).containsExactly(d);
    assertThat(recheck(d).orElseThrow().decision()).isEqualTo(Decision.RESUME);
    assertWithinCredit();
  }

  @Test
  void aRecheckNeverResumesAChannelThatOwes() throws Exception {
    pull(a, false);
    send(a, 1000);

    assertThat(recheck(a)).isEmpty();
    assertThat(pay(a, 1000).decision()).isEqualTo(Decision.RESUME);
  }

  @Test
  void creditReturnedAtOnceResumesOnlyAsManyWaitingChannelsAsItCovers() throws Exception {
    pull(a, false);
    pull(b, false);
    pull(c, false);
    ChannelId e = client.channelTo(provider, 5);
    ChannelId f = client.channelTo(provider, 6);
    assertThat(pull(d, false).decision()).isEqualTo(Decision.PAUSE);
    assertThat(pull(e, false).decision()).isEqualTo(Decision.PAUSE);
    assertThat(pull(f, false).decision()).isEqualTo(Decision.PAUSE);

    end(a);
    end(b);

    // 2200 came back: two channels of 1000 (and a block of margin each), not the third.
    assertThat(rechecked).containsExactly(d, e);
    assertThat(recheck(f)).isEmpty();
    assertWithinCredit();
  }

  @Test
  void aChannelWaitingForCreditWhenTheResponderRestartedWaitsAgainAndResumes() throws Exception {
    pull(a, false);
    pull(b, false);
    pull(c, false);
    pull(d, false);
    send(a, 1000);
    pay(a, 1000); // D gets A's credit, A waits
    reopen();

    // The others restart first and take the credit back; A, paid up at its limit, finds none and
    // waits instead of failing.
    assertThat(pull(d, true).decision()).isEqualTo(Decision.ACCEPT);
    assertThat(pull(c, true).decision()).isEqualTo(Decision.ACCEPT);
    assertThat(pull(b, true).decision()).isEqualTo(Decision.ACCEPT);
    ValidationResult restarted = pull(a, true);
    assertThat(restarted.decision()).isEqualTo(Decision.PAUSE);
    assertThat(kind(restarted)).isEqualTo(Kind.WAITING_FOR_CREDIT);
    assertThat(rechecked)
        .as("the restarts accepted are looked at again: they may be paused from before")
        .containsExactly(d, c, b);
    rechecked.clear();

    end(d);

    assertThat(rechecked).containsExactly(a);
    assertThat(recheck(a).orElseThrow().decision()).isEqualTo(Decision.RESUME);
    assertWithinCredit();
  }

  /**
   * The chaos harness's stuck pulls: the provider was killed right after it had opened D paused,
   * waiting for credit; the client repeated its open, which the node answered again without a
   * validation, so the validator never heard of D again and nothing resumed it. The node asks it to
   * look at such a channel again: D joins the peer's queue and resumes when credit comes back.
   */
  @Test
  void aChannelAnsweredAgainAfterARestartWithoutAValidationJoinsTheQueueWhenRechecked()
      throws Exception {
    pull(a, false);
    pull(b, false);
    pull(c, false);
    assertThat(pull(d, false).decision()).isEqualTo(Decision.PAUSE);
    reopen();
    assertThat(pull(a, true).decision()).isEqualTo(Decision.ACCEPT);
    assertThat(pull(b, true).decision()).isEqualTo(Decision.ACCEPT);
    assertThat(pull(c, true).decision()).isEqualTo(Decision.ACCEPT);
    rechecked.clear();

    ValidationResult waits = recheck(d).orElseThrow();

    assertThat(waits.decision()).isEqualTo(Decision.PAUSE);
    assertThat(kind(waits)).isEqualTo(Kind.WAITING_FOR_CREDIT);
    assertThat(recheck(d)).as("asked again, it still waits its turn").isEmpty();
    assertThat(rechecked).isEmpty();

    end(b);

    assertThat(rechecked).containsExactly(d);
    assertThat(recheck(d).orElseThrow().decision()).isEqualTo(Decision.RESUME);
    assertWithinCredit();
  }

  /**
   * The chaos harness's last stuck pull: paused for credit before a block its limit did not cover,
   * the provider killed. This node no longer knows of the block; the restart is accepted within the
   * limit, which does not lift the pause from before: the validator asks for the channel to be
   * looked at again, the recheck resumes it, and the block, held again, waits for credit again.
   */
  @Test
  void aRestartAcceptedWithinItsLimitIsLookedAtAgainToLiftAPauseFromBefore() throws Exception {
    pull(a, false);
    pull(b, false);
    pull(c, false);
    assertThat(await(validator.onPullDataHeld(c, 1500)).orElseThrow().decision())
        .as("C holds before a block beyond its limit, and the credit is taken")
        .isEqualTo(Decision.PAUSE);
    reopen();
    assertThat(pull(a, true).decision()).isEqualTo(Decision.ACCEPT);
    assertThat(pull(b, true).decision()).isEqualTo(Decision.ACCEPT);

    assertThat(pull(c, true).decision()).isEqualTo(Decision.ACCEPT);

    assertThat(rechecked).containsExactly(a, b, c);
    assertThat(recheck(c).orElseThrow().decision()).isEqualTo(Decision.RESUME);
    assertThat(await(validator.onPullDataHeld(c, 1500)).orElseThrow().decision())
        .as("held again, the block waits for credit again")
        .isEqualTo(Decision.PAUSE);
    assertWithinCredit();
  }

  @Test
  void aChannelAnsweredAgainAfterARestartWithCreditFreeGoesOnWithinIt() throws Exception {
    pull(a, false);
    send(a, 500);
    reopen();

    ValidationResult goesOn = recheck(a).orElseThrow();

    assertThat(goesOn.decision()).isEqualTo(Decision.ACCEPT);
    assertThat(goesOn.dataLimit()).isEqualTo(1000);
    assertWithinCredit();
  }

  /**
   * The sender holds before a block under the limit it knows while the validator has raised that
   * limit already (granted ahead on a payment), the answer on its way: the hold reaches the
   * validator after the raise. The block fits under the raised limit and the sender sends it as
   * soon as the raise arrives; lowering the limit to the bytes sent here gave the credit the sender
   * still uses to the peer's other channels (over TCP: the provider's channels held a block more
   * than the credit unpaid, issue 19).
   */
  @Test
  void aHoldThatALimitRaisedSinceCoversTakesNoCreditBackFromTheSender() throws Exception {
    pull(a, false);
    send(a, 500);
    // Paid as it goes: half the first interval is covered, the second is granted ahead.
    ValidationResult paid = pay(a, 500);
    assertThat(paid.dataLimit()).isEqualTo(2000);

    // Meanwhile the sender, still at its first limit, sent on and held before a block of 200.
    send(a, 400);
    ValidationResult held = await(validator.onPullDataHeld(a, 200)).orElseThrow();

    assertThat(held.decision()).isEqualTo(Decision.ACCEPT);
    assertThat(held.dataLimit()).isIn(ValidationResult.NO_CHANGE, 2000L);
    assertThat(ledger.channel(a).orElseThrow().dataLimit()).isEqualTo(2000);
    // The raise arrives: the block goes, within the limit the validator keeps.
    await(validator.onPullDataSent(a, 200));
    assertThat(ledger.channel(a).orElseThrow().bytesSent())
        .isLessThanOrEqualTo(ledger.channel(a).orElseThrow().dataLimit());

    // A second channel of the peer gets only what A's limit leaves: A may reach 2000 (and a block
    // of margin) with 500 paid, so 2500 - 1600 - 100.
    assertThat(pull(b, false).dataLimit()).isEqualTo(800);
    assertWithinCredit();
  }

  // ---- helpers ----

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
                new RetrievalProposal(TERMS),
                ClientChannelStates.ROOT,
                Selectors.all())));
  }

  private Optional<ValidationResult> recheck(ChannelId ch) throws Exception {
    return await(validator.onRecheck(ch));
  }

  /** Sends {@code bytes} in blocks of {@link #BLOCK}, as far as the channel's limit allows. */
  private void send(ChannelId ch, long bytes) throws Exception {
    for (long sent = 0; sent < bytes; sent += BLOCK) {
      PaidChannel account = ledger.channel(ch).orElseThrow();
      assertThat(account.bytesSent() + BLOCK).isLessThanOrEqualTo(account.dataLimit());
      await(validator.onPullDataSent(ch, BLOCK));
    }
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

  /** The channel is cancelled (or fails) on the node. */
  private void end(ChannelId ch) {
    ended.add(ch);
    validator.onChannelEnded(ch);
  }

  private static Kind kind(ValidationResult result) {
    return ((RetrievalResult) result.voucherResult()).kind();
  }

  /**
   * What the peer's channels may send unpaid stays within its credit: by their limits while they
   * may send, what they sent once they ended.
   */
  private void assertWithinCredit() {
    long exposure = 0;
    for (Map.Entry<ChannelId, PaidChannel> e : ledger.unsettledOf(client.peerId()).entrySet()) {
      PaidChannel account = e.getValue();
      boolean sending = !account.finished() && !ended.contains(e.getKey());
      long reach =
          sending ? Math.max(account.dataLimit(), account.bytesSent()) : account.bytesSent();
      exposure += Math.max(0, reach - PeerCredit.paidBytes(account));
    }
    assertThat(exposure).as("%s", ledger.unsettledOf(client.peerId())).isLessThanOrEqualTo(CREDIT);
  }
}
