package io.ferry.validators;

import static io.ferry.validators.TestVouchers.RECEIPT;
import static io.ferry.validators.TestVouchers.REFILL;
import static io.ferry.validators.TestVouchers.TICKET;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.ChannelId;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.spi.VoucherType;
import io.ferry.channels.validation.Verdict;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import io.ferry.validators.TestVouchers.Receipt;
import io.ferry.validators.TestVouchers.Refill;
import io.ferry.validators.TestVouchers.Ticket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Registration, the voucher codec and request validation; revalidation and the data callbacks are
 * in {@link VoucherRegistryRevalidationTest}.
 */
class VoucherRegistryTest {
  private static final TestPeer CLIENT = TestPeer.generate();
  private static final TestPeer PROVIDER = TestPeer.generate();
  private static final ChannelId CHANNEL = CLIENT.channelTo(PROVIDER, 7);
  private static final Cid ROOT =
      Cid.sha256(Multicodec.RAW, "hello".getBytes(StandardCharsets.UTF_8));

  private final VoucherRegistry registry = new VoucherRegistry();

  /** Remembers the requests it saw and answers with {@code answer}. */
  private static class RecordingValidator implements RequestValidator<Ticket> {
    final List<String> calls = new CopyOnWriteArrayList<>();
    final List<ValidationRequest<Ticket>> requests = new CopyOnWriteArrayList<>();
    ValidationResult answer = ValidationResult.accept();

    @Override
    public CompletionStage<ValidationResult> validatePush(ValidationRequest<Ticket> request) {
      calls.add("push");
      requests.add(request);
      return CompletableFuture.completedFuture(answer);
    }

    @Override
    public CompletionStage<ValidationResult> validatePull(ValidationRequest<Ticket> request) {
      calls.add("pull");
      requests.add(request);
      return CompletableFuture.completedFuture(answer);
    }
  }

  private static Ticket ticket() {
    return new Ticket("alice", 2, new byte[] {1, 2, 3}, CLIENT.peerId());
  }

  private Verdict validate(boolean restart, boolean pull, TypedVoucher voucher) throws Exception {
    return registry
        .validateRequest(restart, pull, CHANNEL, CLIENT.peerId(), voucher, ROOT, Selectors.all())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void registeringTheSameVoucherTypeTwiceIsRefusedNamingTheType() {
    registry.registerVoucherType(TICKET, new RecordingValidator());

    assertThatThrownBy(() -> registry.registerVoucherType(TICKET, new RecordingValidator()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'test/ticket'");
  }

  @Test
  void registeringTwoRevalidatorsForOneTypeIsRefused() {
    registry.registerRevalidator(REFILL, (ch, v) -> CompletableFuture.completedFuture(null));

    assertThatThrownBy(
            () ->
                registry.registerRevalidator(
                    REFILL, (ch, v) -> CompletableFuture.completedFuture(null)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'test/refill'");
  }

  @Test
  void registeringAResultTypeTwiceIsRefused() {
    registry.registerVoucherResultType(RECEIPT);

    assertThatThrownBy(() -> registry.registerVoucherResultType(RECEIPT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'test/receipt'");
  }

  @Test
  void oneIdentifierCannotNameTwoClassesNorOneClassTwoIdentifiers() {
    registry.registerVoucherResultType(RECEIPT);

    assertThatThrownBy(
            () -> registry.registerVoucherResultType(VoucherType.of("test/receipt", Refill.class)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'test/receipt'");
    assertThatThrownBy(
            () -> registry.registerVoucherResultType(VoucherType.of("test/other", Receipt.class)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'test/receipt'")
        .hasMessageContaining("'test/other'");
  }

  @Test
  void aVoucherTypeMayAlsoBeRevalidatedUnderTheSameIdentifier() {
    registry.registerVoucherType(TICKET, new RecordingValidator());
    registry.registerRevalidator(TICKET, (ch, v) -> CompletableFuture.completedFuture(null));

    assertThat(registry.typeIds()).containsExactly("test/ticket");
  }

  @Test
  void aPullRequestIsDecodedAndHandedToValidatePullWithItsDetails() throws Exception {
    var validator = new RecordingValidator();
    registry.registerVoucherType(TICKET, validator);

    Verdict verdict = validate(true, true, registry.encode(ticket()));

    assertThat(verdict.decision()).isEqualTo(Decision.ACCEPT);
    assertThat(validator.calls).containsExactly("pull");
    ValidationRequest<Ticket> seen = validator.requests.get(0);
    assertThat(seen.isRestart()).isTrue();
    assertThat(seen.channelId()).isEqualTo(CHANNEL);
    assertThat(seen.counterparty()).isEqualTo(CLIENT.peerId());
    assertThat(seen.baseCid()).isEqualTo(ROOT);
    assertThat(seen.voucher().holder()).isEqualTo("alice");
    assertThat(seen.voucher().seats()).isEqualTo(2);
    assertThat(seen.voucher().stamp()).containsExactly(1, 2, 3);
    assertThat(seen.voucher().issuer()).isEqualTo(CLIENT.peerId());
  }

  @Test
  void validatorsAreCalledOnTheRegistrysOwnThreadsNotTheCallers() throws Exception {
    List<String> threads = new CopyOnWriteArrayList<>();
    registry.registerVoucherType(
        TICKET,
        new RecordingValidator() {
          @Override
          public CompletionStage<ValidationResult> validatePull(ValidationRequest<Ticket> r) {
            threads.add(Thread.currentThread().getName());
            return super.validatePull(r);
          }
        });

    validate(false, true, registry.encode(ticket()));

    assertThat(threads).singleElement().asString().startsWith("ferry-validators-");
  }

  @Test
  void aPushRequestGoesToValidatePushAndANewChannelIsNotARestart() throws Exception {
    var validator = new RecordingValidator();
    registry.registerVoucherType(TICKET, validator);

    validate(false, false, registry.encode(ticket()));

    assertThat(validator.calls).containsExactly("push");
    assertThat(validator.requests.get(0).isRestart()).isFalse();
  }

  @Test
  void anUnknownVoucherTypeIsRejectedNamingTheTypeAndTheTypesTheNodeAccepts() throws Exception {
    Verdict none = validate(false, true, new TypedVoucher("x", new byte[] {1}));
    registry.registerVoucherType(TICKET, new RecordingValidator());
    Verdict verdict = validate(false, true, new TypedVoucher("x", new byte[] {1}));

    assertThat(none.reason())
        .isEqualTo(
            "unknown voucher type 'x': no validator registered; this node accepts no voucher"
                + " type");
    assertThat(verdict.decision()).isEqualTo(Decision.REJECT);
    assertThat(verdict.reason())
        .isEqualTo(
            "unknown voucher type 'x': no validator registered; this node accepts " + TICKET.id());
  }

  @Test
  void undecodableBytesAreRejectedNamingTheTypeAndTheDecodeError() throws Exception {
    var validator = new RecordingValidator();
    registry.registerVoucherType(TICKET, validator);

    Verdict verdict = validate(false, true, new TypedVoucher("test/ticket", "not cbor".getBytes()));

    assertThat(verdict.decision()).isEqualTo(Decision.REJECT);
    assertThat(verdict.reason()).startsWith("cannot decode voucher of type 'test/ticket': ");
    assertThat(verdict.reason().length()).isGreaterThan(50);
    assertThat(validator.calls).isEmpty();
  }

  @Test
  void bytesOfAnotherShapeAreRejectedToo() throws Exception {
    registry.registerVoucherType(TICKET, new RecordingValidator());
    registry.registerVoucherResultType(RECEIPT);
    byte[] receiptBytes = registry.encode(new Receipt("hi")).bytes();

    Verdict verdict = validate(false, true, new TypedVoucher("test/ticket", receiptBytes));

    assertThat(verdict.decision()).isEqualTo(Decision.REJECT);
    assertThat(verdict.reason()).contains("'test/ticket'").contains("holder");
  }

  @Test
  void aValidatorThatThrowsGivesARejectionCarryingTheError() throws Exception {
    registry.registerVoucherType(
        TICKET,
        new RequestValidator<>() {
          @Override
          public CompletionStage<ValidationResult> validatePush(ValidationRequest<Ticket> r) {
            throw new IllegalStateException("ledger offline");
          }

          @Override
          public CompletionStage<ValidationResult> validatePull(ValidationRequest<Ticket> r) {
            throw new IllegalStateException("ledger offline");
          }
        });

    Verdict verdict = validate(false, false, registry.encode(ticket()));

    assertThat(verdict.decision()).isEqualTo(Decision.REJECT);
    assertThat(verdict.reason()).contains("'test/ticket'").contains("ledger offline");
  }

  @Test
  void aValidatorWhoseStageFailsGivesARejectionCarryingTheError() throws Exception {
    registry.registerVoucherType(
        TICKET,
        new RequestValidator<>() {
          @Override
          public CompletionStage<ValidationResult> validatePush(ValidationRequest<Ticket> r) {
            return CompletableFuture.failedFuture(new RuntimeException("disk full"));
          }

          @Override
          public CompletionStage<ValidationResult> validatePull(ValidationRequest<Ticket> r) {
            return CompletableFuture.supplyAsync(
                () -> {
                  throw new IllegalStateException("disk full");
                });
          }
        });

    Verdict pushed = validate(false, false, registry.encode(ticket()));
    assertThat(pushed.reason()).contains("disk full");
    Verdict pulled = validate(false, true, registry.encode(ticket()));
    assertThat(pulled.decision()).isEqualTo(Decision.REJECT);
    assertThat(pulled.reason()).contains("disk full").doesNotContain("CompletionException");
    assertThat(pushed.decision()).isEqualTo(Decision.REJECT);
  }

  @Test
  void theVoucherResultIsEncodedWithItsTypeAndDecodesBack() throws Exception {
    var validator = new RecordingValidator();
    validator.answer =
        ValidationResult.pause("unsealing")
            .withVoucherResult(new Receipt("wait"))
            .withDataLimit(1000)
            .withFinalization();
    registry.registerVoucherType(TICKET, validator);
    registry.registerVoucherResultType(RECEIPT);

    Verdict verdict = validate(false, true, registry.encode(ticket()));

    assertThat(verdict.decision()).isEqualTo(Decision.PAUSE);
    assertThat(verdict.reason()).isEqualTo("unsealing");
    assertThat(verdict.dataLimit()).isEqualTo(1000);
    assertThat(verdict.requiresFinalization()).isTrue();
    assertThat(verdict.voucherResult().type()).isEqualTo("test/receipt");
    assertThat(registry.decode(verdict.voucherResult())).isEqualTo(new Receipt("wait"));
  }

  @Test
  void aVoucherResultOfAnUnregisteredClassTurnsIntoARejection() throws Exception {
    var validator = new RecordingValidator();
    validator.answer = ValidationResult.accept().withVoucherResult(new Refill(3));
    registry.registerVoucherType(TICKET, validator);

    Verdict verdict = validate(false, true, registry.encode(ticket()));

    assertThat(verdict.decision()).isEqualTo(Decision.REJECT);
    assertThat(verdict.reason()).contains(Refill.class.getName()).contains("not a registered");
  }

  @Test
  void encodingAnObjectOfAnUnregisteredClassIsAnError() {
    assertThatThrownBy(() -> registry.encode(new Refill(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(Refill.class.getName());
    assertThatThrownBy(() -> registry.decode(new TypedVoucher("nope", new byte[] {1})))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'nope'");
  }

  @Test
  void equalVouchersEncodeToEqualBytes() {
    registry.registerVoucherType(TICKET, new RecordingValidator());

    assertThat(registry.encode(ticket())).isEqualTo(registry.encode(ticket()));
  }
}
