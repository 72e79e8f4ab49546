package io.ferry.channels.testing;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.validation.Validation;
import io.ferry.channels.validation.Verdict;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selector;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A validator registry for tests: vouchers are UTF-8 strings of type {@link #TYPE}, and each answer
 * is a function the test sets. Unknown types are rejected naming the type, as the real registry
 * does. Every call is recorded.
 */
public final class StubValidation implements Validation {
  public static final String TYPE = "test/voucher";

  public volatile Function<String, CompletionStage<Verdict>> onRequest = v -> done(accept());
  public volatile Function<String, CompletionStage<Verdict>> onVoucher = v -> done(resume());
  public volatile Function<Long, Optional<Verdict>> onData = bytes -> Optional.empty();
  public volatile Optional<Verdict> onComplete = Optional.empty();
  public final List<String> calls = new CopyOnWriteArrayList<>();

  public static TypedVoucher voucher(String text) {
    return new TypedVoucher(TYPE, text.getBytes(StandardCharsets.UTF_8));
  }

  public static String text(TypedVoucher v) {
    return new String(v.bytes(), StandardCharsets.UTF_8);
  }

  public static Verdict accept() {
    return verdict(Decision.ACCEPT, "");
  }

  public static Verdict resume() {
    return verdict(Decision.RESUME, "");
  }

  public static Verdict pause(String reason) {
    return verdict(Decision.PAUSE, reason);
  }

  public static Verdict verdict(Decision decision, String reason) {
    return new Verdict(decision, reason, null, ValidationResult.NO_CHANGE, false);
  }

  public static Verdict withResult(Verdict v, String result) {
    return new Verdict(
        v.decision(), v.reason(), voucher(result), v.dataLimit(), v.requiresFinalization());
  }

  public static Verdict withLimit(Verdict v, long limit) {
    return new Verdict(
        v.decision(), v.reason(), v.voucherResult(), limit, v.requiresFinalization());
  }

  public static <T> CompletionStage<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }

  @Override
  public CompletionStage<Verdict> validateRequest(
      boolean isRestart,
      boolean pull,
      ChannelId channelId,
      PeerId counterparty,
      TypedVoucher voucher,
      Cid baseCid,
      Selector selector) {
    calls.add((isRestart ? "restart " : "new ") + (pull ? "pull " : "push ") + voucher.type());
    if (!TYPE.equals(voucher.type())) {
      return done(Verdict.reject("unknown voucher type '" + voucher.type() + "'"));
    }
    return onRequest.apply(text(voucher));
  }

  @Override
  public CompletionStage<Verdict> revalidate(ChannelId channelId, TypedVoucher voucher) {
    calls.add("revalidate " + text(voucher));
    return onVoucher.apply(text(voucher));
  }

  @Override
  public CompletionStage<Optional<Verdict>> onPullDataSent(ChannelId channelId, long bytes) {
    calls.add("pull data " + bytes);
    return done(onData.apply(bytes));
  }

  @Override
  public CompletionStage<Optional<Verdict>> onPushDataReceived(ChannelId channelId, long bytes) {
    calls.add("push data " + bytes);
    return done(onData.apply(bytes));
  }

  @Override
  public CompletionStage<Optional<Verdict>> onComplete(ChannelId channelId) {
    calls.add("complete");
    return done(onComplete);
  }

  @Override
  public Object decode(TypedVoucher voucher) {
    return text(voucher);
  }

  @Override
  public TypedVoucher encode(Object voucher) {
    return voucher(voucher.toString());
  }
}
