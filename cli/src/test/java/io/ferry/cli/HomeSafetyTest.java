package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.server.config.ApiAddress;
import io.ferry.server.config.HomeChecks;
import io.ferry.transport.identity.NodeIdentity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A home directory is a node's identity and its records: a journal is never opened under a new
 * identity, what lives there is its owner's only, and an API reachable from other machines is
 * pointed out (issue 19, 6 and 7).
 */
class HomeSafetyTest {
  @TempDir Path home;

  private record Run(int exit, String out, String err) {}

  private Run run(String... args) {
    CommandLine cl = FerryCli.commandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int exit = cl.execute(args);
    return new Run(exit, out.toString(), err.toString());
  }

  /** A home a node ran in: its key, and a journal with a file in it. */
  private void homeThatRan() throws Exception {
    NodeIdentity.loadOrCreate(home);
    Files.createDirectories(home.resolve("journal"));
    Files.writeString(home.resolve("journal/CURRENT"), "MANIFEST-000002\n");
  }

  @Test
  @Timeout(120)
  void aNodeRefusesToStartOnAHomeWithAJournalButNoKey() throws Exception {
    homeThatRan();
    Files.delete(home.resolve("identity/node.key"));

    Run r =
        run(
            "node",
            "run",
            "--home",
            home.toString(),
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--api",
            "127.0.0.1:0");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .contains("channel journal")
        .contains("no node key")
        .contains("node.key")
        .contains("Restore the key from a backup");
    assertThat(home.resolve("identity/node.key")).doesNotExist();
  }

  @Test
  @Timeout(120)
  void aNodeWithADamagedJournalSaysSoAtStartInsteadOfTimingOut() throws Exception {
    NodeIdentity.loadOrCreate(home);
    Path journal = home.resolve("journal");
    java.util.Random random = new java.util.Random(6);
    try (org.iq80.leveldb.DB db =
        org.fusesource.leveldbjni.JniDBFactory.factory.open(
            journal.toFile(), new org.iq80.leveldb.Options().createIfMissing(true))) {
      for (int i = 0; i < 2000; i++) {
        byte[] value = new byte[512];
        random.nextBytes(value);
        db.put(("event-" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8), value);
      }
      db.compactRange(null, null);
    }
    Path table;
    try (var files = Files.list(journal)) {
      table = files.filter(p -> p.toString().endsWith(".sst")).findFirst().orElseThrow();
    }
    try (var f = new java.io.RandomAccessFile(table.toFile(), "rw")) {
      f.seek(f.length() / 2);
      f.write(new byte[64]);
    }

    Run r =
        run(
            "node",
            "run",
            "--home",
            home.toString(),
            "--listen",
            "/ip4/127.0.0.1/tcp/0",
            "--api",
            "127.0.0.1:0");

    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.err())
        .contains("the channel journal in " + journal + " is damaged")
        .contains("Corruption")
        .doesNotContain("timed out");
  }

  @Test
  void idDoesNotCreateANewKeyBesideAnOldJournalEither() throws Exception {
    homeThatRan();
    Files.delete(home.resolve("identity/node.key"));

    Run r = run("id", "--home", home.toString());

    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("no node key");
    assertThat(home.resolve("identity/node.key")).doesNotExist();
  }

  @Test
  void everythingUnderTheHomeIsMadeOwnerOnly() throws Exception {
    homeThatRan();
    Path ledger = home.resolve("validators/paid-retrieval/responder.journal");
    Files.createDirectories(ledger.getParent());
    Files.writeString(ledger, "{}\n");
    Files.setPosixFilePermissions(ledger, PosixFilePermissions.fromString("rw-r--r--"));
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));

    int changed = HomeChecks.restrictToOwner(home);

    assertThat(changed).isPositive();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(home)))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ledger.getParent())))
        .isEqualTo("rwx------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(ledger)))
        .isEqualTo("rw-------");
    assertThat(HomeChecks.restrictToOwner(home)).isZero();
  }

  @Test
  void anApiOnAllInterfacesIsWarnedAboutAndLoopbackIsNot() {
    assertThat(HomeChecks.apiExposure(ApiAddress.parse("0.0.0.0:7771")))
        .hasValueSatisfying(w -> assertThat(w).contains("beyond this machine").contains("TLS"));
    assertThat(HomeChecks.apiExposure(ApiAddress.parse("127.0.0.1:7771"))).isEmpty();
    assertThat(HomeChecks.apiExposure(ApiAddress.parse("localhost:7771"))).isEmpty();
  }
}
