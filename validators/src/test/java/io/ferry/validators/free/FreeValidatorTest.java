package io.ferry.validators.free;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.ChannelId;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.spi.VoucherType;
import io.ferry.channels.validation.Verdict;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import io.ferry.validators.TestPeer;
import io.ferry.validators.VoucherRegistry;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The free policy, asked through a real registry with the voucher a voucher-less request sends. */
class FreeValidatorTest {
  private static final TestPeer CLIENT = TestPeer.generate();
  private static final TestPeer OTHER = TestPeer.generate();
  private static final TestPeer PROVIDER = TestPeer.generate();
  private static final Cid ROOT = Cid.sha256(Multicodec.RAW, "x".getBytes(StandardCharsets.UTF_8));

  record Ticket(String holder) {}

  private static final VoucherType<Ticket> TICKET = VoucherType.of("test/ticket", Ticket.class);

  private static VoucherRegistry registry(FreePolicy policy) {
    VoucherRegistry registry = new VoucherRegistry();
    registry.registerVoucherType(
        TICKET,
        new RequestValidator<Ticket>() {
          @Override
          public CompletionStage<ValidationResult> validatePush(ValidationRequest<Ticket> r) {
            return CompletableFuture.completedFuture(ValidationResult.accept());
          }

          @Override
          public CompletionStage<ValidationResult> validatePull(ValidationRequest<Ticket> r) {
            return CompletableFuture.completedFuture(ValidationResult.accept());
          }
        });
    FreeValidator.register(registry, policy, registry::acceptedVoucherTypes);
    return registry;
  }

  private static Verdict ask(VoucherRegistry registry, boolean pull, TestPeer from)
      throws Exception {
    ChannelId channel = from.channelTo(PROVIDER, 1);
    return registry
        .validateRequest(
            false, pull, channel, from.peerId(), FreeRequest.voucher(), ROOT, Selectors.all())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void underPullsAPullWithoutAVoucherIsAcceptedAndAPushIsRefused() throws Exception {
    VoucherRegistry registry = registry(FreePolicy.pulls());

    Verdict pull = ask(registry, true, CLIENT);
    Verdict push = ask(registry, false, CLIENT);

    assertThat(pull.decision()).isEqualTo(Decision.ACCEPT);
    assertThat(push.decision()).isEqualTo(Decision.REJECT);
    assertThat(push.reason())
        .isEqualTo(
            "a voucher is required: this node serves no free pushes (ferry.validators.free ="
                + " pulls); send a voucher of a type it accepts: "
                + TICKET.id());
  }

  @Test
  void offRefusesAPullNamingTheVoucherTypesTheNodeAcceptsButNotTheFreeOne() throws Exception {
    Verdict pull = ask(registry(FreePolicy.off()), true, CLIENT);

    assertThat(pull.decision()).isEqualTo(Decision.REJECT);
    assertThat(pull.reason())
        .startsWith("a voucher is required: this node serves no free pulls")
        .endsWith("send a voucher of a type it accepts: " + TICKET.id())
        .doesNotContain(FreeRequest.TYPE_ID);
  }

  @Test
  void pullsAndPushesAcceptsPushesOnlyFromTheListedPeers() throws Exception {
    FreePolicy policy = new FreePolicy(FreePolicy.Mode.PULLS_AND_PUSHES, Set.of(CLIENT.peerId()));
    VoucherRegistry registry = registry(policy);

    assertThat(ask(registry, false, CLIENT).decision()).isEqualTo(Decision.ACCEPT);
    Verdict stranger = ask(registry, false, OTHER);
    assertThat(stranger.decision()).isEqualTo(Decision.REJECT);
    assertThat(stranger.reason()).contains("not in ferry.validators.free-push-peers");
    assertThat(ask(registry, true, OTHER).decision()).isEqualTo(Decision.ACCEPT);
  }

  @Test
  void pullsAndPushesWithNoListedPeerAcceptsPushesFromAnyone() throws Exception {
    VoucherRegistry registry = registry(new FreePolicy(FreePolicy.Mode.PULLS_AND_PUSHES, Set.of()));

    assertThat(ask(registry, false, OTHER).decision()).isEqualTo(Decision.ACCEPT);
  }

  @Test
  void theModesAreReadFromTheirConfigurationWords() {
    assertThat(FreePolicy.Mode.parse("pulls-and-pushes"))
        .isEqualTo(FreePolicy.Mode.PULLS_AND_PUSHES);
    assertThat(FreePolicy.Mode.parse(" OFF ")).isEqualTo(FreePolicy.Mode.OFF);
    assertThatThrownBy(() -> FreePolicy.Mode.parse("yes"))
        .hasMessageContaining("pulls, pulls-and-pushes or off");
  }
}
