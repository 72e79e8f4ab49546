package io.ferry.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PaymentSettingsTest {
  @Test
  void theDefaultsFromReferenceConfPayNothingWithTenMinuteVouchers() {
    PaymentSettings settings = PaymentSettings.from(ConfigFactory.empty());

    assertThat(settings.budget()).isZero();
    assertThat(settings.enabled()).isFalse();
    assertThat(settings.voucherValidity()).isEqualTo(Duration.ofMinutes(10));
  }

  @Test
  void theBudgetAndVoucherValidityAreReadFromFerryPayments() {
    PaymentSettings settings =
        PaymentSettings.from(
            ConfigFactory.parseString(
                "ferry.payments { budget = 50000000, voucher-validity = 90s }"));

    assertThat(settings).isEqualTo(new PaymentSettings(50_000_000, Duration.ofSeconds(90)));
    assertThat(settings.enabled()).isTrue();
  }

  @Test
  void aNegativeBudgetIsRefusedNamingTheKey() {
    assertThatThrownBy(
            () -> PaymentSettings.from(ConfigFactory.parseString("ferry.payments.budget = -5")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ferry.payments.budget")
        .hasMessageContaining("-5");
  }

  @Test
  void aBudgetThatIsNotANumberIsRefusedNamingTheKey() {
    assertThatThrownBy(
            () -> PaymentSettings.from(ConfigFactory.parseString("ferry.payments.budget = plenty")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("budget");
  }

  @Test
  void theBudgetUnderTheValidatorSettingsIsRefusedSoItIsNotSilentlyIgnored() {
    assertThatThrownBy(
            () ->
                PaymentSettings.from(
                    ConfigFactory.parseString(
                        "ferry.validators.settings.paid-retrieval.budget = 1000")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ferry.validators.settings.paid-retrieval.budget")
        .hasMessageContaining("ferry.payments.budget");
  }

  @Test
  void aPayerNeedsABudget() {
    assertThatThrownBy(
            () -> AutoPayer.attach(null, null, PaymentSettings.none(), java.time.Clock.systemUTC()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ferry.payments.budget is 0");
  }
}
