package io.ferry.cli.e2e;

import static io.ferry.cli.e2e.FerryProcess.ferry;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.transport.identity.NodeIdentity;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a newcomer sees from {@code ferry} commands (each its own JVM) around one real node process:
 * the node's real addresses, and mistakes answered in the user's terms with the documented exit
 * codes, never with a library's internal text.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FirstHourProcessTest {
  private static final String PROPOSAL = "ferry/paid-retrieval/proposal/1";
  private static final String ROOT = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";

  @TempDir static Path dir;
  private NodeProcess a;

  @BeforeAll
  void startANode() throws Exception {
    Path conf = dir.resolve("a.conf");
    Files.writeString(conf, "ferry.payments.budget = 1000\n");
    a = new NodeProcess(dir.resolve("a"), conf).start();
  }

  @AfterAll
  void stopTheNode() throws Exception {
    if (a != null) {
      a.close();
    }
  }

  @Test
  void idPrintsTheAddressTheRunningNodeListensAt() throws Exception {
    String peer = NodeIdentity.load(a.home().resolve(NodeIdentity.KEY_FILE)).peerId().toString();

    FerryProcess.Result r = ferry("id", "--home", a.home().toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("peer id:   " + peer)
        .contains("address:   /ip4/127.0.0.1/tcp/" + a.peerPort() + "/p2p/" + peer)
        .doesNotContain("/tcp/7770/");
  }

  @Test
  void aMistypedHomeIsAnErrorNamingThePathAndNothingIsCreated() throws Exception {
    Path typo = dir.resolve("aa");

    FerryProcess.Result id = ferry("id", "--home", typo.toString());
    FerryProcess.Result imported =
        ferry("import", "--home", typo.toString(), dir.resolve("a.conf").toString());

    assertThat(id.exit()).isEqualTo(2);
    assertThat(id.err()).startsWith("ferry id: no Ferry node at " + typo);
    assertThat(imported.exit()).isEqualTo(2);
    assertThat(imported.err()).startsWith("ferry import: no Ferry node at " + typo);
    assertThat(typo).doesNotExist();
  }

  @Test
  void aSecondNodeOnTheSameHomeIsToldAnotherNodeIsRunning() throws Exception {
    FerryProcess.Result r =
        ferry(
            "node",
            "run",
            "--home",
            a.home().toString(),
            "--listen",
            "/ip4/127.0.0.1/tcp/" + freePort(),
            "--api",
            "127.0.0.1:0");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .contains("ferry node run: another node is running with home " + a.home())
        .doesNotContain("LOCK")
        .doesNotContain("Exception");
  }

  @Test
  void aFileThatIsNoCarIsRefusedAsSuch() throws Exception {
    Path text = dir.resolve("notes.txt");
    Files.writeString(text, "Hello, this is not a CAR file.\n".repeat(200));

    FerryProcess.Result r = ferry("car", "import", "--home", a.home().toString(), text.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains(text + " is not a CAR file")
        .doesNotContain("dag-cbor")
        .doesNotContain("byte");
  }

  @Test
  void aRefusedDialIsReportedWithoutPekkosText() throws Exception {
    String nobody = "/ip4/127.0.0.1/tcp/" + freePort() + "/p2p/" + NodeIdentity.generate().peerId();

    FerryProcess.Result r = ferry("pull", "--home", a.home().toString(), "--from", nobody, ROOT);

    assertThat(r.exit()).isNotZero();
    assertThat(r.err())
        .contains("connection refused at 127.0.0.1:")
        .doesNotContain("Tcp command")
        .doesNotContain("Connect(");
  }

  @Test
  void aVoucherWithoutItsTermsIsReportedByTheMissingField() throws Exception {
    String somebody =
        "/ip4/127.0.0.1/tcp/" + freePort() + "/p2p/" + NodeIdentity.generate().peerId();

    FerryProcess.Result r =
        ferry(
            "pull",
            "--home",
            a.home().toString(),
            "--from",
            somebody,
            ROOT,
            "--voucher-type",
            PROPOSAL,
            "--voucher",
            "{}");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .contains("missing field 'terms'")
        .doesNotContain("creator")
        .doesNotContain("DeserializationFeature");
  }

  @Test
  void pullHelpNamesARegisteredVoucherType() throws Exception {
    FerryProcess.Result r = ferry("pull", "--help");

    assertThat(r.out()).contains(PROPOSAL).doesNotContain("ferry/paid-retrieval/1");
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
