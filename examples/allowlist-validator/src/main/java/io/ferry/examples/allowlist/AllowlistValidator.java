package io.ferry.examples.allowlist;

import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Accepts pushes and pulls whose token is on the allowlist; rejects the rest saying so. */
public final class AllowlistValidator implements RequestValidator<AllowlistToken> {
  private final Set<String> allowed;

  /** A validator accepting exactly the tokens in {@code allowed}. */
  public AllowlistValidator(Set<String> allowed) {
    this.allowed = Set.copyOf(allowed);
  }

  @Override
  public CompletionStage<ValidationResult> validatePush(ValidationRequest<AllowlistToken> request) {
    return CompletableFuture.completedFuture(judge(request));
  }

  @Override
  public CompletionStage<ValidationResult> validatePull(ValidationRequest<AllowlistToken> request) {
    return CompletableFuture.completedFuture(judge(request));
  }

  private ValidationResult judge(ValidationRequest<AllowlistToken> request) {
    String token = request.voucher().token();
    if (token != null && allowed.contains(token)) {
      return ValidationResult.accept();
    }
    return ValidationResult.reject(
        "token not on the allowlist (peer " + request.counterparty() + ")");
  }
}
