package io.ferry.server.payments;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.Revalidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.VoucherType;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.validators.VoucherCodec;
import io.ferry.validators.paid.PaidRetrievalTerms;
import io.ferry.validators.paid.RetrievalProposal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three waits a channel gives up on, end to end between two real nodes with one-second
 * timeouts: a responder paused for a payment that never comes, an initiator whose request is never
 * answered, and an initiator that has all its data but never hears that the responder completed.
 * Each fails with a message naming the wait that expired.
 */
class ChannelTimeoutsTest {
  static final Duration TIMEOUT = Duration.ofSeconds(1);
  static final PaidRetrievalTerms TERMS = new PaidRetrievalTerms(1, 64 << 10, 0, 0);

  /** A voucher whose validator never answers. */
  record Silent(String note) {}

  /** A voucher whose channels are accepted, but whose completion is never confirmed. */
  record Unfinished(String note) {}

  static final VoucherType<Silent> SILENT = VoucherType.of("ferry-test/silent/1", Silent.class);
  static final VoucherType<Unfinished> UNFINISHED =
      VoucherType.of("ferry-test/unfinished/1", Unfinished.class);

  @TempDir static Path dir;
  static TestNetwork network;
  static PaidNode responder;
  static PaidNode client;
  static ImportResult dag;

  /** Answers that never come; completed when the nodes stop so that nothing lingers. */
  static final List<CompletableFuture<?>> pending = new CopyOnWriteArrayList<>();

  static final Set<ChannelId> unfinished = ConcurrentHashMap.newKeySet();

  @BeforeAll
  static void start() throws Exception {
    ChannelSettings timeouts =
        ChannelSettings.defaults()
            .withAcceptTimeout(TIMEOUT)
            .withPausedForVoucherTimeout(TIMEOUT)
            .withCompleteTimeout(TIMEOUT);
    network = TestNetwork.local();
    responder =
        new PaidNode(network, "responder", 51, dir.resolve("responder"), PaidPulls.seller(TERMS))
            .withChannels(timeouts)
            .withSetup(
                n -> {
                  n.registerVoucherType(SILENT, never());
                  n.registerVoucherType(UNFINISHED, acceptAndRemember());
                  n.registerRevalidator(UNFINISHED, neverComplete());
                })
            .start();
    client =
        new PaidNode(network, "client", 52, dir.resolve("client"), PaidPulls.bystander())
            .withChannels(timeouts)
            .start();
    dag = TestDags.file(responder.store, 256 << 10, 16_384, 51);
  }

  @AfterAll
  static void stop() throws Exception {
    for (CompletableFuture<?> f : pending) {
      f.cancel(false);
    }
    client.close();
    responder.close();
    network.close();
  }

  private static <V> RequestValidator<V> never() {
    return new RequestValidator<>() {
      @Override
      public CompletionStage<ValidationResult> validatePush(ValidationRequest<V> request) {
        return hang();
      }

      @Override
      public CompletionStage<ValidationResult> validatePull(ValidationRequest<V> request) {
        return hang();
      }
    };
  }

  private static RequestValidator<Unfinished> acceptAndRemember() {
    return new RequestValidator<>() {
      @Override
      public CompletionStage<ValidationResult> validatePush(ValidationRequest<Unfinished> r) {
        return validatePull(r);
      }

      @Override
      public CompletionStage<ValidationResult> validatePull(ValidationRequest<Unfinished> r) {
        unfinished.add(r.channelId());
        return CompletableFuture.completedFuture(ValidationResult.accept());
      }
    };
  }

  private static Revalidator<Unfinished> neverComplete() {
    return new Revalidator<>() {
      @Override
      public CompletionStage<ValidationResult> revalidate(ChannelId id, Unfinished voucher) {
        return CompletableFuture.completedFuture(ValidationResult.accept());
      }

      @Override
      public CompletionStage<Optional<ValidationResult>> onComplete(ChannelId id) {
        return unfinished.contains(id)
            ? hang()
            : CompletableFuture.completedFuture(Optional.empty());
      }
    };
  }

  private static <T> CompletionStage<T> hang() {
    CompletableFuture<T> f = new CompletableFuture<>();
    pending.add(f);
    return f;
  }

  private static ChannelId pull(Object voucher) throws Exception {
    return client
        .node
        .openPullDataChannel(responder.id(), voucher, dag.root(), Selectors.all())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  private static TypedVoucher voucher(VoucherType<?> type, Object value) {
    return new TypedVoucher(type.id(), VoucherCodec.standard().encode(value));
  }

  @Test
  void aResponderPausedForAPaymentThatNeverComesFailsNamingThePausedForVoucherWait()
      throws Exception {
    ChannelId id = pull(new RetrievalProposal(TERMS));

    ChannelState r = responder.await(id, Status.Failed);
    ChannelState c = client.await(id, Status.Failed);
    String expired = "timed out after " + TIMEOUT + " waiting for";
    assertThat(r.message()).contains(expired).endsWith("(paused-for-voucher timeout)");
    assertThat(c.message()).contains(expired).contains("(paused-for-voucher timeout)");
    assertThat(c.received()).isLessThanOrEqualTo(TERMS.interval(0) + 16_384);
  }

  @Test
  void anInitiatorWhoseRequestIsNeverAnsweredFailsNamingTheAcceptWait() throws Exception {
    ChannelId id = pull(voucher(SILENT, new Silent("hello?")));

    ChannelState c = client.await(id, Status.Failed);
    assertThat(c.message())
        .contains("timed out after " + TIMEOUT + " waiting for")
        .endsWith("(accept timeout)");
    assertThat(c.received()).isZero();
  }

  @Test
  void anInitiatorThatNeverHearsTheResponderCompleteFailsNamingTheCompleteWait() throws Exception {
    ChannelId id = pull(voucher(UNFINISHED, new Unfinished("almost")));

    ChannelState c = client.await(id, Status.Failed);
    assertThat(c.message())
        .contains("timed out after " + TIMEOUT + " waiting for")
        .endsWith("(complete timeout)");
    assertThat(c.received()).as("all data arrived first").isEqualTo(dag.dagSize());
    assertThat(responder.await(id, Status.Cancelled).message()).contains(client.id().toString());
  }
}
