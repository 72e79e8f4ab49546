package io.ferry.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.server.config.FerryConfig.Flags;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FerryConfigTest {
  @TempDir Path dir;

  private static Properties props(String... kv) {
    Properties p = new Properties();
    p.setProperty("user.home", "/home/someone");
    for (int i = 0; i < kv.length; i += 2) {
      p.setProperty(kv[i], kv[i + 1]);
    }
    return p;
  }

  private Path file(String text) throws IOException {
    Path f = dir.resolve("ferry.conf");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void defaultsComeFromReferenceConfAndPlaceHomeUnderUserHome() {
    FerryConfig c = FerryConfig.load(Flags.none(), Map.of(), props());

    assertThat(c.home()).isEqualTo(Path.of("/home/someone/.ferry"));
    assertThat(c.api().address()).isEqualTo(new ApiAddress("127.0.0.1", 7771));
    assertThat(c.api().tokenFile()).isEqualTo(Path.of("/home/someone/.ferry/api.token"));
    assertThat(c.limits().inFlightBytesPerPeer()).isEqualTo(16L << 20);
    assertThat(c.limits().inFlightBytesTotal()).isEqualTo(256L << 20);
    assertThat(c.timeouts().restart().maxAttempts()).isEqualTo(10);
    assertThat(c.retention().keepFor()).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void theEnvironmentOverridesTheFileAndFlagsOverrideTheEnvironment() throws IOException {
    Path conf =
        file(
            """
            ferry.home = "/from/file"
            ferry.listen = "/ip4/10.0.0.1/tcp/1"
            ferry.api.address = "127.0.0.1:1"
            """);
    Map<String, String> env =
        Map.of("FERRY_LISTEN", "/ip4/127.0.0.1/tcp/2", "FERRY_API", "127.0.0.1:2");
    Flags flags = Flags.none().withConfigFile(conf).withApi("127.0.0.1:3");

    FerryConfig c = FerryConfig.load(flags, env, props());

    assertThat(c.home()).isEqualTo(Path.of("/from/file"));
    assertThat(c.listen()).isEqualTo("/ip4/127.0.0.1/tcp/2");
    assertThat(c.api().address().port()).isEqualTo(3);
  }

  @Test
  void systemPropertiesOverrideTheEnvironmentButNotFlags() {
    Map<String, String> env = Map.of("FERRY_HOME", "/from/env", "FERRY_API", "127.0.0.1:2");
    Properties p = props("ferry.home", "/from/property", "ferry.api.address", "127.0.0.1:4");

    FerryConfig c = FerryConfig.load(Flags.none().withApi("127.0.0.1:5"), env, p);

    assertThat(c.home()).isEqualTo(Path.of("/from/property"));
    assertThat(c.api().address().port()).isEqualTo(5);
  }

  @Test
  void filesUnderHomeFollowAHomeChangedByAFlag() throws IOException {
    Path conf = file("ferry.validators.plugins-dir = \"my-plugins\"\n");

    FerryConfig c =
        FerryConfig.load(Flags.none().withConfigFile(conf).withHome(dir), Map.of(), props());

    assertThat(c.pluginsDir()).isEqualTo(dir.resolve("my-plugins"));
    assertThat(c.api().addressFile()).isEqualTo(dir.resolve("api.addr"));
    assertThat(c.pekkoDefaults().getString("pekko.persistence.journal.leveldb.dir"))
        .isEqualTo(dir.resolve("journal").toString());
    assertThat(
            c.pekkoDefaults()
                .getString(
                    io.ferry.persistence.journal.LevelDbJournalSettings.SNAPSHOT_PLUGIN + ".dir"))
        .isEqualTo(dir.resolve("snapshots").toString());
  }

  @Test
  void aMissingConfigFileIsNamed() {
    Path missing = dir.resolve("nope.conf");

    assertThatThrownBy(
            () -> FerryConfig.load(Flags.none().withConfigFile(missing), Map.of(), props()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("config file not found")
        .hasMessageContaining("nope.conf");
  }

  @Test
  void aValueOfTheWrongKindNamesTheKey() throws IOException {
    Path conf = file("ferry.limits.channels-per-peer = 0\n");

    assertThatThrownBy(() -> FerryConfig.load(Flags.none().withConfigFile(conf), Map.of(), props()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("channels-per-peer")
        .hasMessageContaining("must be > 0");
  }

  @Test
  void theMemoryBudgetIsHalfTheHeapByDefaultOrAShareOrASize() throws IOException {
    long heap = Runtime.getRuntime().maxMemory();
    assertThat(FerryConfig.load(Flags.none(), Map.of(), props()).limits().memoryBudget())
        .isEqualTo(heap / 2);
    assertThat(load("ferry.limits.memory = \"25%\"\n").limits().memoryBudget()).isEqualTo(heap / 4);
    assertThat(load("ferry.limits.memory = 96 MiB\n").limits().memoryBudget()).isEqualTo(96L << 20);
  }

  @Test
  void aMemoryBudgetBelowOneSenderOrBeyondTheHeapIsRefused() throws IOException {
    assertThatThrownBy(() -> load("ferry.limits.memory = 8 MiB\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory")
        .hasMessageContaining("at least 16 MiB");
    assertThatThrownBy(() -> load("ferry.limits.memory = \"150%\"\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("between 0% and 100% of the heap");
  }

  @Test
  void oneAddressMayHoldAQuarterOfTheChannelsMemoryByDefaultOrTheShareGiven() throws IOException {
    assertThat(FerryConfig.load(Flags.none(), Map.of(), props()).limits().memoryPerAddress())
        .isEqualTo(0.25);
    assertThat(load("ferry.limits.memory-per-address = \"10%\"\n").limits().memoryPerAddress())
        .isEqualTo(0.10);
    assertThatThrownBy(() -> load("ferry.limits.memory-per-address = 0.5\n"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory-per-address")
        .hasMessageContaining("a percentage above 0% and at most 100%");
  }

  @Test
  void peersAreDialedFromTheAddressTheSystemPicksUnlessOneIsGiven() throws IOException {
    assertThat(FerryConfig.load(Flags.none(), Map.of(), props()).dialFrom()).isNull();
    assertThat(load("ferry.dial-from = 127.0.0.2\n").dialFrom()).isEqualTo("127.0.0.2");
  }

  private FerryConfig load(String text) throws IOException {
    return FerryConfig.load(Flags.none().withConfigFile(file(text)), Map.of(), props());
  }

  @Test
  void aMalformedApiAddressIsRefusedWithTheExpectedForm() {
    assertThatThrownBy(() -> FerryConfig.load(Flags.none().withApi("localhost"), Map.of(), props()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ferry.api.address")
        .hasMessageContaining("host:port");
  }

  @Test
  void pluginSettingsAreHandedOutPerPlugin() throws IOException {
    Path conf =
        file(
            """
            ferry.validators.settings {
              paid-retrieval { price-per-byte = 2, interval = "1 MiB" }
              other.key = x
            }
            """);

    FerryConfig c = FerryConfig.load(Flags.none().withConfigFile(conf), Map.of(), props());

    assertThat(c.pluginSettings("paid-retrieval"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("price-per-byte", "2", "interval", "1 MiB"));
    assertThat(c.allPluginSettings()).containsEntry("other.key", "x");
    assertThat(c.pluginSettings("absent")).isEmpty();
  }

  @Test
  void onlyExplicitPekkoSettingsAreHandedToTheNodesActorSystem() throws IOException {
    Path conf = file("pekko.loglevel = DEBUG\nferry.listen = \"/ip4/127.0.0.1/tcp/9\"\n");

    FerryConfig c = FerryConfig.load(Flags.none().withConfigFile(conf), Map.of(), props());

    assertThat(c.pekkoOverrides().getString("pekko.loglevel")).isEqualTo("DEBUG");
    assertThat(c.pekkoOverrides().hasPath("pekko.actor.provider")).isFalse();
    assertThat(c.pekkoOverrides().hasPath("ferry")).isFalse();
  }

  @Test
  void ipv6ApiAddressesAreWrittenInBrackets() {
    ApiAddress a = ApiAddress.parse("[::1]:7771");

    assertThat(a.host()).isEqualTo("::1");
    assertThat(a.baseUrl()).isEqualTo("http://[::1]:7771");
  }
}
