package io.ferry.examples.allowlist;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.spi.ValidatorContext;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AllowlistValidatorTest {
  private static final PeerId ALICE = PeerId.ofEd25519(new byte[32]);
  private static final PeerId BOB = PeerId.ofEd25519(filled((byte) 1));

  private static byte[] filled(byte b) {
    byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, b);
    return bytes;
  }

  private static ValidationRequest<AllowlistToken> request(String token) {
    return new ValidationRequest<>(
        false,
        new ChannelId(ALICE, BOB, 1),
        ALICE,
        new AllowlistToken(token),
        Cid.sha256(Multicodec.RAW, new byte[] {1}),
        Selectors.all());
  }

  private final AllowlistValidator validator = new AllowlistValidator(Set.of("open-sesame"));

  @Test
  void aTokenOnTheAllowlistIsAcceptedForPushAndPull() {
    ValidationResult pull =
        validator.validatePull(request("open-sesame")).toCompletableFuture().join();
    ValidationResult push =
        validator.validatePush(request("open-sesame")).toCompletableFuture().join();

    assertThat(pull.decision()).isEqualTo(Decision.ACCEPT);
    assertThat(push.decision()).isEqualTo(Decision.ACCEPT);
  }

  @Test
  void aTokenNotOnTheAllowlistIsRejectedSayingSo() {
    ValidationResult r = validator.validatePull(request("guess")).toCompletableFuture().join();

    assertThat(r.decision()).isEqualTo(Decision.REJECT);
    assertThat(r.reason()).contains("not on the allowlist");
  }

  @Test
  void aVoucherWithoutATokenIsRejectedNotFailed() {
    ValidationResult r = validator.validatePush(request(null)).toCompletableFuture().join();

    assertThat(r.decision()).isEqualTo(Decision.REJECT);
    assertThat(r.reason()).contains("not on the allowlist").contains(ALICE.toString());
  }

  @Test
  void noTokensConfiguredMeansEveryRequestIsRejected() {
    var context = new ValidatorContext(ALICE, Path.of("."), Map.of(), m -> m);
    var empty = new AllowlistValidator(AllowlistValidatorProvider.tokens(context));

    assertThat(AllowlistValidatorProvider.tokens(context)).isEmpty();
    assertThat(empty.validatePull(request("")).toCompletableFuture().join().decision())
        .isEqualTo(Decision.REJECT);
  }

  @Test
  void theTokensSettingIsACommaSeparatedList() {
    var context = new ValidatorContext(ALICE, Path.of("."), Map.of("tokens", " a, b ,,c"), m -> m);

    assertThat(AllowlistValidatorProvider.tokens(context)).containsExactlyInAnyOrder("a", "b", "c");
  }
}
