package io.ferry.server.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.validators.VoucherCodec;
import io.ferry.validators.paid.PaidRetrievalTerms;
import io.ferry.validators.paid.PaidRetrievalTypes;
import io.ferry.validators.paid.RetrievalPayment;
import io.ferry.validators.paid.RetrievalPayment.PaymentClaim;
import io.ferry.validators.paid.RetrievalProposal;
import io.ferry.validators.paid.RetrievalResult;
import io.ferry.validators.paid.RetrievalResult.Kind;
import io.ferry.validators.signed.SignedVoucher;
import io.ferry.validators.signed.VoucherRefusal.Reason;
import io.ferry.validators.signed.VoucherSigner;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Payment vouchers the responder must refuse, sent by hand from a client without a payer: each is
 * refused with a reason both sides can read, and no data flows past the limit the valid payments
 * bought. The two real nodes are shared by the tests; each test pulls its own copy of the file.
 */
class RefusedPaymentsTest {
  /** 2 per byte, 256 KiB on credit, each further interval 256 KiB longer. */
  static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(2, 256 << 10, 256 << 10, 0);

  static final int CHUNK = 64 << 10;
  static final int SIZE = 1 << 20;
  static final VoucherCodec CODEC = VoucherCodec.standard();

  @TempDir static Path dir;
  static TestNetwork network;
  static PaidNode responder;
  static PaidNode client;
  static ImportResult dag;

  @BeforeAll
  static void start() throws Exception {
    network = TestNetwork.local();
    responder =
        new PaidNode(network, "responder", 31, dir.resolve("responder"), PaidPulls.seller(TERMS))
            .start();
    client =
        new PaidNode(network, "client", 32, dir.resolve("client"), PaidPulls.bystander()).start();
    dag = TestDags.file(responder.store, SIZE, CHUNK, 31);
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    responder.close();
    network.close();
  }

  /** Opens a paid pull and waits until the responder asks for the first interval's payment. */
  private static ChannelId pullUntilPaymentDue() throws Exception {
    ChannelId id =
        client
            .node
            .openPullDataChannel(
                responder.id(), new RetrievalProposal(TERMS), dag.root(), Selectors.all())
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    awaitDue(id, 1);
    return id;
  }

  /** Waits for the {@code n}th payment request, with every byte it charges for received. */
  private static ChannelState awaitDue(ChannelId id, int n) {
    return client.awaitState(
        id,
        "payment request " + n + " with its data",
        s ->
            PaidPulls.resultsIn(client.voucherResults(id)).stream()
                        .filter(r -> r.kind() == Kind.PAYMENT_DUE)
                        .count()
                    >= n
                && PaidPulls.lastResult(s).kind() == Kind.PAYMENT_DUE
                && TERMS.owedFor(s.received()) == PaidPulls.lastResult(s).owed());
  }

  private static VoucherSigner signer(NodeIdentity key, Clock clock) {
    return new VoucherSigner(client.id(), key::sign, clock, Duration.ofMinutes(10));
  }

  private static SignedVoucher payment(
      VoucherSigner signer, ChannelId channel, long nonce, long cumulative) {
    return signer.sign(
        RetrievalPayment.KIND, channel, nonce, CODEC.encode(new PaymentClaim(cumulative)));
  }

  private static void send(ChannelId id, SignedVoucher voucher) throws Exception {
    client
        .node
        .sendVoucher(
            id,
            new TypedVoucher(
                PaidRetrievalTypes.PAYMENT.id(), CODEC.encode(new RetrievalPayment(voucher))))
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  /**
   * Waits for both sides to fail over the refused voucher and checks that the reason names {@code
   * why} on both, and that no byte arrived after the refusal.
   */
  private static void assertRefused(ChannelId id, Reason why, long receivedBefore) {
    ChannelState c = client.await(id, Status.Failed);
    ChannelState r = responder.await(id, Status.Failed);
    RetrievalResult result = PaidPulls.lastResult(c);
    assertThat(result.kind()).isEqualTo(Kind.REFUSED);
    assertThat(result.refusal().reason()).isEqualTo(why);
    assertThat(c.message()).contains("payment refused: " + why);
    assertThat(r.message()).contains("payment refused: " + why);
    assertThat(responder.last(id, EventCode.Error).orElseThrow().event().message())
        .contains(why.toString());
    assertThat(c.received()).as("no data after the refusal").isEqualTo(receivedBefore);
    assertThat(c.received()).isLessThan(dag.dagSize());
  }

  @Test
  void anUnderpaymentKeepsThePullPausedSayingWhatIsOwedUntilATopUpCoversIt() throws Exception {
    ChannelId id = pullUntilPaymentDue();
    ChannelState due = client.state(id);
    long owed = PaidPulls.lastResult(due).owed();
    VoucherSigner signer = signer(client.identity, Clock.systemUTC());

    send(id, payment(signer, id, 1, owed - 2));

    ChannelState shortPaid =
        client.awaitState(id, "underpaid", s -> PaidPulls.lastResult(s).kind() == Kind.UNDERPAID);
    RetrievalResult underpaid = PaidPulls.lastResult(shortPaid);
    assertThat(underpaid.reason()).isEqualTo("underpaid: owed " + owed + ", paid " + (owed - 2));
    assertThat(shortPaid.status()).as("paused, not failed").isEqualTo(Status.ResponderPaused);
    assertThat(shortPaid.responderPaused()).isTrue();
    assertThat(responder.state(id).responderPaused()).isTrue();
    assertThat(shortPaid.received()).isEqualTo(due.received());
    assertThat(shortPaid.received()).isLessThanOrEqualTo(TERMS.interval(0) + CHUNK);

    send(id, payment(signer, id, 2, owed));

    ChannelState second = awaitDue(id, 2);
    assertThat(PaidPulls.resultsIn(client.voucherResults(id)).stream().map(RetrievalResult::kind))
        .containsSubsequence(Kind.UNDERPAID, Kind.PAYMENT_ACCEPTED, Kind.PAYMENT_DUE);
    assertThat(second.received())
        .as("the top-up bought the next interval and no more")
        .isLessThanOrEqualTo(TERMS.interval(0) + TERMS.interval(1) + CHUNK)
        .isGreaterThan(due.received());
    client.node.closeDataTransferChannel(id).toCompletableFuture().get(30, TimeUnit.SECONDS);
    responder.await(id, Status.Cancelled);
  }

  @Test
  void aVoucherSignedWithAnotherKeyIsRefusedAsABadSignature() throws Exception {
    ChannelId id = pullUntilPaymentDue();
    long received = client.state(id).received();
    long owed = PaidPulls.lastResult(client.state(id)).owed();
    NodeIdentity forger = NodeIdentity.fromSeed(new byte[32]);

    send(id, payment(signer(forger, Clock.systemUTC()), id, 1, owed));

    assertRefused(id, Reason.BAD_SIGNATURE, received);
  }

  @Test
  void aVoucherForAnotherChannelIsRefused() throws Exception {
    ChannelId id = pullUntilPaymentDue();
    long received = client.state(id).received();
    long owed = PaidPulls.lastResult(client.state(id)).owed();
    ChannelId other = new ChannelId(id.initiator(), id.responder(), id.transferId() + 1);

    send(id, payment(signer(client.identity, Clock.systemUTC()), other, 1, owed));

    assertRefused(id, Reason.OTHER_CHANNEL, received);
  }

  @Test
  void anExpiredVoucherIsRefused() throws Exception {
    ChannelId id = pullUntilPaymentDue();
    long received = client.state(id).received();
    long owed = PaidPulls.lastResult(client.state(id)).owed();
    Clock anHourAgo = Clock.offset(Clock.systemUTC(), Duration.ofHours(-1));

    send(id, payment(signer(client.identity, anHourAgo), id, 1, owed));

    assertRefused(id, Reason.EXPIRED, received);
  }

  @Test
  void aReplayedVoucherBuysNothingAndCountsOnce() throws Exception {
    // A voucher sent again is answered as the first time (a payer resends its last voucher after a
    // crash, issue 19, 3): it neither fails the channel nor pays twice nor lets more data through.
    ChannelId id = pullUntilPaymentDue();
    long owed = PaidPulls.lastResult(client.state(id)).owed();
    SignedVoucher first = payment(signer(client.identity, Clock.systemUTC()), id, 1, owed);
    send(id, first);
    ChannelState second = awaitDue(id, 2);
    assertThat(second.received())
        .isLessThanOrEqualTo(TERMS.interval(0) + TERMS.interval(1) + CHUNK);

    send(id, first);

    ChannelState after =
        client.awaitState(
            id,
            "the replay answered as underpaid",
            s -> PaidPulls.lastResult(s).kind() == Kind.UNDERPAID || s.status().isEnding());
    assertThat(after.status().isEnding()).isFalse();
    assertThat(PaidPulls.lastResult(after).received()).isEqualTo(owed);
    assertThat(after.received()).as("no data for the replay").isEqualTo(second.received());
  }
}
