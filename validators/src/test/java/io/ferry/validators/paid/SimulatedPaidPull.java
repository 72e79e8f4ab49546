package io.ferry.validators.paid;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.validation.Verdict;
import io.ferry.ipld.selector.Selectors;
import io.ferry.validators.VoucherRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Plays the channel engine for one paid pull, in one thread: asks the responder's registry as the
 * engine would (validate, data sent in blocks, revalidate, complete), pauses at the data limit, and
 * carries voucher results to the client's {@link PaymentClient} and its vouchers back, all as
 * encoded {@link TypedVoucher}s. No network, no actors: it checks the two validators' arithmetic
 * and message flow end to end.
 */
final class SimulatedPaidPull {
  private final ChannelId channel;
  private final PeerId client;
  private final VoucherRegistry responder;
  private final VoucherRegistry clientTypes;
  private PaymentClient payer;
  private final Queue<TypedVoucher> inFlight = new ArrayDeque<>();

  final List<Long> payments = new ArrayList<>();
  final List<Verdict> verdicts = new ArrayList<>();
  long sent;
  long limit;

  /** How often the sender held before a block that would have crossed the limit. */
  int holds;

  boolean validatorPaused;
  boolean completed;
  String rejection;

  SimulatedPaidPull(ChannelId channel, VoucherRegistry responder, VoucherRegistry clientTypes) {
    this.channel = channel;
    this.client = channel.initiator();
    this.responder = responder;
    this.clientTypes = clientTypes;
  }

  /** The client's voucher sender: what the node would wire to Manager.sendVoucher. */
  VoucherSender sender() {
    return (ch, voucher) -> {
      inFlight.add(clientTypes.encode(voucher));
      payments.add(
          io.ferry.validators.VoucherCodec.standard()
              .decode(
                  ((RetrievalPayment) voucher).voucher().terms(),
                  RetrievalPayment.PaymentClaim.class)
              .cumulativeAmount());
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    };
  }

  void usePayer(PaymentClient payer) {
    this.payer = payer;
  }

  /** Opens (or, with {@code restart}, restarts) the pull with {@code terms}. */
  void open(PaidRetrievalTerms terms, boolean restart) throws Exception {
    apply(
        await(
            responder.validateRequest(
                restart,
                true,
                channel,
                client,
                clientTypes.encode(new RetrievalProposal(terms)),
                ClientChannelStates.ROOT,
                Selectors.all())));
    deliverVouchers();
  }

  /** Moves data in blocks until the file is done or the channel stays paused; then completes. */
  void transfer(long fileSize, long blockSize) throws Exception {
    transferUpTo(fileSize, blockSize, fileSize);
    if (sent == fileSize && canMove()) {
      Optional<Verdict> done = await(responder.onComplete(channel));
      if (done.isPresent()) {
        apply(done.get());
        deliverVouchers();
      }
      completed = rejection == null && !validatorPaused;
    }
  }

  /**
   * Moves data in blocks until {@code stopAt} bytes were sent or the channel pauses for good. As
   * the transports do, a block that would cross the data limit is held, and the responder is asked
   * ({@code onPullDataHeld}); one that answers nothing lets it cross, as the engine does.
   */
  void transferUpTo(long fileSize, long blockSize, long stopAt) throws Exception {
    while (rejection == null && sent < Math.min(fileSize, stopAt) && !validatorPaused) {
      long block = Math.min(blockSize, fileSize - sent);
      if (limit > 0 && sent + block > limit) {
        long before = limit;
        holds++;
        Optional<Verdict> verdict = await(responder.onPullDataHeld(channel, block));
        if (verdict.isEmpty()) {
          limit = sent + block;
        } else {
          apply(verdict.get());
        }
        deliverVouchers();
        if (!validatorPaused && limit == before) {
          return; // held for good: nothing raised the limit
        }
        continue;
      }
      sent += block;
      await(responder.onPullDataSent(channel, block)).ifPresent(this::apply);
      deliverVouchers();
    }
  }

  private boolean canMove() {
    return !validatorPaused && (limit == 0 || sent < limit);
  }

  private void apply(Verdict verdict) {
    verdicts.add(verdict);
    if (verdict.decision() == Decision.REJECT) {
      rejection = verdict.reason();
      return;
    }
    if (verdict.dataLimit() != ValidationResult.NO_CHANGE) {
      limit = verdict.dataLimit();
    }
    if (verdict.decision() == Decision.PAUSE) {
      validatorPaused = true;
    } else if (verdict.decision() == Decision.RESUME) {
      validatorPaused = false;
    }
    if (verdict.voucherResult() != null && payer != null) {
      Object result = clientTypes.decode(verdict.voucherResult());
      assertThat(result).isInstanceOf(RetrievalResult.class);
      join(payer.onVoucherResult(channel, result, ClientChannelStates.receiving(channel, sent)));
    }
  }

  private void deliverVouchers() throws Exception {
    TypedVoucher next;
    while ((next = inFlight.poll()) != null) {
      apply(await(responder.revalidate(channel, next)));
    }
  }

  private static <T> T await(CompletionStage<T> stage) throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }
}
