package io.ferry.server.payments;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.Status;
import io.ferry.channels.TypedVoucher;
import io.ferry.channels.testing.TestDags;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.validators.VoucherCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The example plug-in, installed as an operator installs it: its jar (built by {@code
 * examples/allowlist-validator}, built before this module and kept off its test class path) in the
 * responder's {@code $FERRY_HOME/plugins}, its setting in the node's configuration. The node loads
 * it at start; pulls carrying its voucher type are judged by it, and an unknown type is refused
 * naming the type.
 */
class PluginJarTest {
  static final String TYPE = "ferry-example/allowlist/1";
  static final String PROVIDER = "io.ferry.examples.allowlist.AllowlistValidatorProvider";

  @TempDir static Path dir;
  static TestNetwork network;
  static PaidNode responder;
  static PaidNode client;
  static ImportResult dag;

  @BeforeAll
  static void installThePluginAndStart() throws Exception {
    String built = System.getProperty("ferry.example.plugin");
    assertThat(built).as("the build passes where the example plug-in was built").isNotNull();
    Path plugins = Files.createDirectories(dir.resolve("responder").resolve("plugins"));
    install(Path.of(built), plugins.resolve("allowlist-validator.jar"));
    network = TestNetwork.local();
    responder =
        new PaidNode(
                network,
                "responder",
                41,
                dir.resolve("responder"),
                ConfigFactory.parseMap(
                    Map.of("ferry.validators.settings.allowlist.tokens", "open-sesame, let-me-in")))
            .start();
    client = new PaidNode(network, "client", 42, dir.resolve("client"), PaidPulls.bystander());
    client.start();
    dag = TestDags.file(responder.store, 300_000, 16_384, 41);
  }

  /**
   * Copies the example's jar into the plugins directory. A reactor build that stops before {@code
   * package} resolves the example to its classes directory; those classes (with their ServiceLoader
   * file) are then packed into the jar that {@code package} would have made.
   */
  static void install(Path built, Path jar) throws IOException {
    if (Files.isRegularFile(built)) {
      Files.copy(built, jar);
      return;
    }
    assertThat(built.resolve("META-INF/services/io.ferry.channels.spi.ValidatorProvider"))
        .as("examples/allowlist-validator is built")
        .isRegularFile();
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        Stream<Path> files = Files.walk(built)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        out.putNextEntry(new JarEntry(built.relativize(file).toString().replace('\\', '/')));
        Files.copy(file, out);
        out.closeEntry();
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    responder.close();
    network.close();
  }

  private static ChannelId pull(String type, String token) throws Exception {
    TypedVoucher voucher =
        new TypedVoucher(type, VoucherCodec.standard().encode(Map.of("token", token)));
    return client
        .node
        .openPullDataChannel(responder.id(), voucher, dag.root(), Selectors.all())
        .toCompletableFuture()
        .get(30, TimeUnit.SECONDS);
  }

  @Test
  void theNodeLoadsThePluginFromItsPluginsDirectoryNotFromItsClassPath() {
    assertThatThrownBy(() -> Class.forName(PROVIDER))
        .as("the plug-in must not be on the test class path")
        .isInstanceOf(ClassNotFoundException.class);
    assertThat(responder.registry.pluginNames()).contains("allowlist", "paid-retrieval");
    assertThat(responder.registry.hasValidator(TYPE)).isTrue();
    assertThat(client.registry.hasValidator(TYPE)).isFalse();
  }

  @Test
  void aPullWithATokenOnTheAllowlistIsAcceptedAndMovesTheWholeFile() throws Exception {
    ChannelId id = pull(TYPE, "let-me-in");

    ChannelState c = client.await(id, Status.Completed);
    responder.await(id, Status.Completed);
    assertThat(c.received()).isEqualTo(dag.dagSize());
    assertThat(PaidPulls.export(client.store, dag.root())).isEqualTo(TestDags.content(300_000, 41));
  }

  @Test
  void aPullWithATokenNotOnTheAllowlistIsRefusedByThePlugin() throws Exception {
    ChannelId id = pull(TYPE, "guess");

    ChannelState c = client.await(id, Status.Failed);
    assertThat(c.message()).contains("token not on the allowlist");
    assertThat(c.received()).isZero();
  }

  @Test
  void aPullWithAnUnknownVoucherTypeIsRefusedNamingTheType() throws Exception {
    ChannelId id = pull("ferry-example/unknown/1", "open-sesame");

    ChannelState c = client.await(id, Status.Failed);
    assertThat(c.message())
        .contains("unknown voucher type 'ferry-example/unknown/1': no validator registered");
    assertThat(c.received()).isZero();
  }
}
