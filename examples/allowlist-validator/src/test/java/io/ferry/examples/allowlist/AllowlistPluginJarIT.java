package io.ferry.examples.allowlist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.spi.ValidatorContext;
import io.ferry.channels.validation.Verdict;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import io.ferry.validators.VoucherCodec;
import io.ferry.validators.VoucherRegistry;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Installs the packaged plug-in jar the way an operator does (copy it into a plugins directory) and
 * loads it the way a node does ({@link VoucherRegistry#loadPlugins} + {@link
 * VoucherRegistry#discover}). Runs after {@code package}; this module's classes are kept off the
 * test classpath, so the plug-in can only come from the jar.
 */
class AllowlistPluginJarIT {
  private static final String TYPE = "ferry-example/allowlist/1";
  private static final PeerId CLIENT = PeerId.ofEd25519(new byte[32]);
  private static final PeerId SELF = PeerId.ofEd25519(filled());

  @TempDir Path home;

  private static byte[] filled() {
    byte[] bytes = new byte[32];
    java.util.Arrays.fill(bytes, (byte) 7);
    return bytes;
  }

  private static Verdict pull(VoucherRegistry registry, TypedVoucher voucher) throws Exception {
    return registry
        .validateRequest(
            false,
            true,
            new ChannelId(CLIENT, SELF, 1),
            CLIENT,
            voucher,
            Cid.sha256(Multicodec.RAW, new byte[] {1}),
            Selectors.all())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static TypedVoucher token(String type, String token) {
    return new TypedVoucher(type, VoucherCodec.standard().encode(Map.of("token", token)));
  }

  @Test
  void theBuiltJarInAPluginsDirectoryAcceptsItsTypeAndUnknownTypesAreRefused() throws Exception {
    Path jar = Path.of(System.getProperty("ferry.example.jar"));
    Path plugins = Files.createDirectories(home.resolve("plugins"));
    Files.copy(jar, plugins.resolve(jar.getFileName()));
    assertThatThrownBy(
            () -> Class.forName("io.ferry.examples.allowlist.AllowlistValidatorProvider"))
        .as("the plug-in must not be on the test classpath")
        .isInstanceOf(ClassNotFoundException.class);

    try (URLClassLoader loader = VoucherRegistry.loadPlugins(plugins)) {
      var context =
          new ValidatorContext(
              SELF, home.resolve("data"), Map.of("allowlist.tokens", "open-sesame"), m -> m);
      VoucherRegistry registry = VoucherRegistry.discover(context, loader);

      assertThat(registry.hasValidator(TYPE)).isTrue();
      assertThat(pull(registry, token(TYPE, "open-sesame")).decision()).isEqualTo(Decision.ACCEPT);
      Verdict wrongToken = pull(registry, token(TYPE, "guess"));
      assertThat(wrongToken.decision()).isEqualTo(Decision.REJECT);
      assertThat(wrongToken.reason()).contains("not on the allowlist");
      Verdict unknown = pull(registry, token("ferry-example/unknown/1", "open-sesame"));
      assertThat(unknown.decision()).isEqualTo(Decision.REJECT);
      assertThat(unknown.reason())
          .startsWith("unknown voucher type 'ferry-example/unknown/1': no validator registered")
          .contains("this node accepts")
          .contains(TYPE);
    }
  }
}
