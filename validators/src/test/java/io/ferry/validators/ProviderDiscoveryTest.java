package io.ferry.validators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.TypedVoucher;
import io.ferry.channels.spi.ValidationResult.Decision;
import io.ferry.channels.spi.ValidatorContext;
import io.ferry.channels.validation.Verdict;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.selector.Selectors;
import io.ferry.validators.TestVouchers.Ticket;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderDiscoveryTest {
  private static final TestPeer SELF = TestPeer.generate();
  private static final TestPeer OTHER = TestPeer.generate();

  @TempDir Path dir;

  private Verdict pull(VoucherRegistry registry, TypedVoucher voucher) throws Exception {
    return registry
        .validateRequest(
            false,
            true,
            OTHER.channelTo(SELF, 1),
            OTHER.peerId(),
            voucher,
            Cid.sha256(Multicodec.RAW, new byte[] {1}),
            Selectors.all())
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void discoverRegistersEveryProviderTheServiceLoaderFinds() throws Exception {
    ValidatorContext context =
        SELF.context(dir, Map.of("box-office.holder", "alice", "other.holder", "mallory"));

    VoucherRegistry registry = VoucherRegistry.discover(context, getClass().getClassLoader());

    assertThat(registry.hasValidator("test/ticket")).isTrue();
    Ticket alice = new Ticket("alice", 1, new byte[0], SELF.peerId());
    Ticket bob = new Ticket("bob", 1, new byte[0], SELF.peerId());
    assertThat(pull(registry, registry.encode(alice)).decision()).isEqualTo(Decision.ACCEPT);
    Verdict refused = pull(registry, registry.encode(bob));
    assertThat(refused.decision()).isEqualTo(Decision.REJECT);
    assertThat(refused.reason()).isEqualTo("not on the list: bob");
  }

  @Test
  void eachProviderSeesItsOwnSettingsAndDataDirectory() {
    ValidatorContext context =
        SELF.context(dir, Map.of("box-office.holder", "alice", "other.holder", "mallory"));

    VoucherRegistry.discover(context, getClass().getClassLoader());

    ValidatorContext seen = TestProvider.LAST_CONTEXT.get();
    assertThat(seen.settings()).containsExactly(Map.entry("holder", "alice"));
    assertThat(seen.dataDirectory()).isEqualTo(dir.resolve("box-office"));
    assertThat(seen.self()).isEqualTo(SELF.peerId());
    assertThat(seen.signer().sign(new byte[] {1})).hasSize(64);
  }

  @Test
  void closingTheRegistryClosesEveryDiscoveredPluginExactlyOnce() {
    VoucherRegistry registry =
        VoucherRegistry.discover(SELF.context(dir, Map.of()), getClass().getClassLoader());
    int before = TestProvider.CLOSED.get();
    assertThat(registry.pluginNames()).contains("box-office");

    registry.close();
    registry.close();

    assertThat(TestProvider.CLOSED.get() - before).isEqualTo(1);
    assertThat(registry.pluginNames()).isEmpty();
  }

  @Test
  void aPluginThatFailsToStartClosesThePluginsThatStartedBeforeIt() {
    int before = TestProvider.CLOSED.get();
    Map<String, String> settings =
        Map.of("box-office.holder", "alice", "paid-retrieval.price-per-byte", "free");

    assertThatThrownBy(
            () ->
                VoucherRegistry.discover(SELF.context(dir, settings), getClass().getClassLoader()))
        .hasMessageContaining("paid-retrieval");

    assertThat(TestProvider.CLOSED.get() - before).isEqualTo(1);
  }

  @Test
  void aLoaderWithoutProvidersGivesAnEmptyRegistry() throws Exception {
    try (URLClassLoader empty = new URLClassLoader(new java.net.URL[0], null)) {
      VoucherRegistry registry = VoucherRegistry.discover(SELF.context(dir, Map.of()), empty);

      assertThat(registry.typeIds()).isEmpty();
    }
  }

  @Test
  void aMissingPluginsDirectoryGivesALoaderWithoutJars() throws Exception {
    try (URLClassLoader loader = VoucherRegistry.loadPlugins(dir.resolve("absent"))) {
      assertThat(loader.getURLs()).isEmpty();
    }
  }

  @Test
  void onlyJarFilesInThePluginsDirectoryAreLoaded() throws Exception {
    Files.write(dir.resolve("b.jar"), new byte[0]);
    Files.write(dir.resolve("a.jar"), new byte[0]);
    Files.writeString(dir.resolve("notes.txt"), "not a plug-in");

    try (URLClassLoader loader = VoucherRegistry.loadPlugins(dir)) {
      assertThat(loader.getURLs())
          .extracting(u -> Path.of(u.toURI()).getFileName().toString())
          .containsExactly("a.jar", "b.jar");
    }
  }

  @Test
  void aPluginsPathThatIsAFileIsRefusedNamingIt() throws Exception {
    Path file = Files.writeString(dir.resolve("plugins"), "oops");

    assertThatThrownBy(() -> VoucherRegistry.loadPlugins(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(file.toString());
  }
}
