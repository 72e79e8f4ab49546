package io.ferry.validators;

import static io.ferry.validators.TestVouchers.RECEIPT;
import static io.ferry.validators.TestVouchers.REFILL;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.spi.Revalidator;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.spi.VoucherType;
import io.ferry.channels.validation.Verdict;
import io.ferry.validators.TestVouchers.Receipt;
import io.ferry.validators.TestVouchers.Refill;
import io.ferry.validators.TestVouchers.Ticket;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The registry's revalidation side: vouchers sent on a running channel go to the revalidator of
 * their type, and the data callbacks ask every revalidator in registration order until one answers.
 */
class VoucherRegistryRevalidationTest {
  private static final TestPeer CLIENT = TestPeer.generate();
  private static final TestPeer PROVIDER = TestPeer.generate();
  private static final ChannelId CHANNEL = CLIENT.channelTo(PROVIDER, 7);

  private final VoucherRegistry registry = new VoucherRegistry();

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void revalidateDecodesTheVoucherForTheRevalidatorOfItsType() throws Exception {
    List<Object> seen = new CopyOnWriteArrayList<>();
    registry.registerRevalidator(
        REFILL,
        (ch, refill) -> {
          seen.add(ch);
          seen.add(refill);
          return CompletableFuture.completedFuture(ValidationResult.resume().withDataLimit(50));
        });

    Verdict verdict = await(registry.revalidate(CHANNEL, registry.encode(new Refill(9))));

    assertThat(verdict.decision()).isEqualTo(Decision.RESUME);
    assertThat(verdict.dataLimit()).isEqualTo(50);
    assertThat(seen).containsExactly(CHANNEL, new Refill(9));
  }

  @Test
  void revalidatingAVoucherNobodyRevalidatesIsRejectedNamingTheType() throws Exception {
    registry.registerVoucherResultType(RECEIPT);

    Verdict verdict = await(registry.revalidate(CHANNEL, registry.encode(new Receipt("x"))));

    assertThat(verdict.decision()).isEqualTo(Decision.REJECT);
    assertThat(verdict.reason())
        .isEqualTo("unknown voucher type 'test/receipt': no revalidator registered");
  }

  /** A revalidator that handles the data callbacks only when {@code handles} is set. */
  private static Revalidator<Object> counting(
      String name, boolean handles, List<String> log, ValidationResult answer) {
    return new Revalidator<>() {
      @Override
      public CompletionStage<ValidationResult> revalidate(ChannelId channelId, Object voucher) {
        return CompletableFuture.completedFuture(ValidationResult.accept());
      }

      private CompletionStage<Optional<ValidationResult>> answer(String what) {
        log.add(name + ":" + what);
        return CompletableFuture.completedFuture(handles ? Optional.of(answer) : Optional.empty());
      }

      @Override
      public CompletionStage<Optional<ValidationResult>> onPullDataSent(ChannelId c, long n) {
        return answer("pull " + n);
      }

      @Override
      public CompletionStage<Optional<ValidationResult>> onPushDataReceived(ChannelId c, long n) {
        return answer("push " + n);
      }

      @Override
      public CompletionStage<Optional<ValidationResult>> onComplete(ChannelId c) {
        return answer("complete");
      }
    };
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private void registerRaw(String id, Class<?> type, Revalidator<Object> revalidator) {
    registry.registerRevalidator((VoucherType) VoucherType.of(id, type), (Revalidator) revalidator);
  }

  @Test
  void dataCallbacksAskRevalidatorsInRegistrationOrderUntilOneHandlesIt() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    registerRaw("a", Receipt.class, counting("a", false, log, null));
    registerRaw("b", Refill.class, counting("b", true, log, ValidationResult.pause("pay")));
    registerRaw("c", Ticket.class, counting("c", true, log, ValidationResult.accept()));

    Optional<Verdict> pulled = await(registry.onPullDataSent(CHANNEL, 100));
    Optional<Verdict> pushed = await(registry.onPushDataReceived(CHANNEL, 200));
    Optional<Verdict> completed = await(registry.onComplete(CHANNEL));

    assertThat(log)
        .containsExactly(
            "a:pull 100", "b:pull 100", "a:push 200", "b:push 200", "a:complete", "b:complete");
    assertThat(pulled).get().extracting(Verdict::decision).isEqualTo(Decision.PAUSE);
    assertThat(pushed).get().extracting(Verdict::reason).isEqualTo("pay");
    assertThat(completed).isPresent();
  }

  @Test
  void dataCallbacksAreEmptyWhenNoRevalidatorHandlesTheChannel() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    registerRaw("a", Receipt.class, counting("a", false, log, null));
    registerRaw("b", Refill.class, counting("b", false, log, null));

    assertThat(await(registry.onComplete(CHANNEL))).isEmpty();
    assertThat(log).containsExactly("a:complete", "b:complete");
    assertThat(await(new VoucherRegistry().onPullDataSent(CHANNEL, 1))).isEmpty();
  }

  @Test
  void aRevalidatorThatThrowsInADataCallbackRejectsTheChannelNamingTheError() throws Exception {
    List<String> log = new CopyOnWriteArrayList<>();
    registry.registerRevalidator(
        REFILL,
        new Revalidator<>() {
          @Override
          public CompletionStage<ValidationResult> revalidate(ChannelId c, Refill v) {
            throw new UnsupportedOperationException();
          }

          @Override
          public CompletionStage<Optional<ValidationResult>> onPullDataSent(ChannelId c, long n) {
            throw new IllegalStateException("meter broken");
          }
        });
    registerRaw("later", Receipt.class, counting("later", true, log, ValidationResult.accept()));

    Optional<Verdict> verdict = await(registry.onPullDataSent(CHANNEL, 10));

    assertThat(verdict).get().extracting(Verdict::decision).isEqualTo(Decision.REJECT);
    assertThat(verdict.get().reason()).contains("'test/refill'").contains("meter broken");
    assertThat(log).isEmpty();
  }

  /**
   * A channel's calls reach plug-ins, and their answers come back, in the order the channel made
   * them, however the pool schedules them: this executor runs the newest task first. A paid pull's
   * responder asks onPullDataSent for its last bytes and then onComplete; run the other way round,
   * its ledger settled the channel without the final payment. Another channel's call does not wait.
   */
  @Test
  @SuppressWarnings({"unchecked", "rawtypes"})
  void aChannelsCallsReachPlugInsAndAnswerInTheOrderTheChannelMadeThem() {
    Deque<Runnable> tasks = new ArrayDeque<>();
    VoucherRegistry newestFirst = new VoucherRegistry(tasks::push);
    List<String> log = new CopyOnWriteArrayList<>();
    newestFirst.registerRevalidator(
        (VoucherType) VoucherType.of("r", Refill.class),
        (Revalidator) counting("r", true, log, ValidationResult.accept()));
    ChannelId other = CLIENT.channelTo(PROVIDER, 8);
    List<String> answered = new CopyOnWriteArrayList<>();

    newestFirst.onPullDataSent(CHANNEL, 100).thenRun(() -> answered.add("pull 100"));
    newestFirst.onPullDataSent(CHANNEL, 200).thenRun(() -> answered.add("pull 200"));
    newestFirst.onComplete(CHANNEL).thenRun(() -> answered.add("complete"));
    newestFirst.onPullDataSent(other, 5).thenRun(() -> answered.add("other's pull 5"));

    assertThat(tasks).as("the first call of each channel; the rest wait their turn").hasSize(2);
    while (!tasks.isEmpty()) {
      tasks.pop().run();
    }
    assertThat(log).containsExactly("r:pull 5", "r:pull 100", "r:pull 200", "r:complete");
    assertThat(answered).containsExactly("other's pull 5", "pull 100", "pull 200", "complete");
  }
}
