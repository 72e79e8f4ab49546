package io.ferry.validators;

import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidatorContext;
import io.ferry.channels.spi.ValidatorProvider;
import io.ferry.channels.spi.ValidatorRegistrar;
import io.ferry.validators.TestVouchers.Ticket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Found by ServiceLoader through {@code src/test/resources/META-INF/services}: accepts tickets
 * whose holder is the {@code holder} setting, remembers the context it was given and counts closes.
 */
public final class TestProvider implements ValidatorProvider {
  static final AtomicReference<ValidatorContext> LAST_CONTEXT = new AtomicReference<>();
  static final AtomicInteger CLOSED = new AtomicInteger();

  @Override
  public void close() {
    CLOSED.incrementAndGet();
  }

  @Override
  public String name() {
    return "box-office";
  }

  @Override
  public void register(ValidatorRegistrar registrar, ValidatorContext context) {
    LAST_CONTEXT.set(context);
    String holder = context.settings().getOrDefault("holder", "nobody");
    registrar.registerVoucherType(
        TestVouchers.TICKET,
        new RequestValidator<>() {
          @Override
          public CompletionStage<ValidationResult> validatePush(ValidationRequest<Ticket> r) {
            return validatePull(r);
          }

          @Override
          public CompletionStage<ValidationResult> validatePull(ValidationRequest<Ticket> r) {
            return CompletableFuture.completedFuture(
                r.voucher().holder().equals(holder)
                    ? ValidationResult.accept()
                    : ValidationResult.reject("not on the list: " + r.voucher().holder()));
          }
        });
  }
}
