package io.ferry.validators.free;

import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidatorRegistrar;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * Accepts requests made without a voucher ({@link FreeRequest}) as the node's {@link FreePolicy}
 * allows, with no data limit and nothing owed. A refusal says what the requester can do instead:
 * the voucher types this node's validators accept.
 */
public final class FreeValidator implements RequestValidator<FreeRequest> {
  private final FreePolicy policy;
  private final Supplier<Set<String>> acceptedTypes;

  /**
   * @param policy what is free
   * @param acceptedTypes the voucher types the node's validators accept, asked at each refusal
   */
  public FreeValidator(FreePolicy policy, Supplier<Set<String>> acceptedTypes) {
    this.policy = policy;
    this.acceptedTypes = acceptedTypes;
  }

  /** Registers a validator for {@code policy} on {@code registrar}. */
  public static void register(
      ValidatorRegistrar registrar, FreePolicy policy, Supplier<Set<String>> acceptedTypes) {
    registrar.registerVoucherType(FreeRequest.TYPE, new FreeValidator(policy, acceptedTypes));
  }

  @Override
  public CompletionStage<ValidationResult> validatePull(ValidationRequest<FreeRequest> request) {
    return CompletableFuture.completedFuture(
        policy.servesPull(request.counterparty())
            ? ValidationResult.accept()
            : ValidationResult.reject(refusal("pulls", "ferry.validators.free = off")));
  }

  @Override
  public CompletionStage<ValidationResult> validatePush(ValidationRequest<FreeRequest> request) {
    if (policy.acceptsPush(request.counterparty())) {
      return CompletableFuture.completedFuture(ValidationResult.accept());
    }
    String why =
        policy.mode() == FreePolicy.Mode.PULLS_AND_PUSHES
            ? "peer " + request.counterparty() + " is not in ferry.validators.free-push-peers"
            : "ferry.validators.free = " + policy.mode().word();
    return CompletableFuture.completedFuture(ValidationResult.reject(refusal("pushes", why)));
  }

  private String refusal(String what, String why) {
    Set<String> types = new TreeSet<>(acceptedTypes.get());
    types.remove(FreeRequest.TYPE_ID);
    String instead =
        types.isEmpty()
            ? "it accepts no voucher type"
            : "send a voucher of a type it accepts: " + String.join(", ", types);
    return "a voucher is required: this node serves no free " + what + " (" + why + "); " + instead;
  }
}
