package io.ferry.examples.allowlist;

import io.ferry.channels.spi.ValidatorContext;
import io.ferry.channels.spi.ValidatorProvider;
import io.ferry.channels.spi.ValidatorRegistrar;
import io.ferry.channels.spi.VoucherType;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The plug-in's entry point, listed in {@code
 * META-INF/services/io.ferry.channels.spi.ValidatorProvider}. Setting {@code tokens}: the allowed
 * tokens, separated by commas.
 */
public final class AllowlistValidatorProvider implements ValidatorProvider {
  /** The voucher type this plug-in adds. */
  public static final VoucherType<AllowlistToken> TOKEN =
      VoucherType.of("ferry-example/allowlist/1", AllowlistToken.class);

  @Override
  public String name() {
    return "allowlist";
  }

  @Override
  public void register(ValidatorRegistrar registrar, ValidatorContext context) {
    registrar.registerVoucherType(TOKEN, new AllowlistValidator(tokens(context)));
  }

  static Set<String> tokens(ValidatorContext context) {
    String configured = context.settings().getOrDefault("tokens", "");
    return Arrays.stream(configured.split(","))
        .map(String::strip)
        .filter(t -> !t.isEmpty())
        .collect(Collectors.toUnmodifiableSet());
  }
}
