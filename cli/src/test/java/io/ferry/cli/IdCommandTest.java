package io.ferry.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.channels.PeerId;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class IdCommandTest {
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

  @Test
  void idOnAHomeWhereNoNodeWasStartedNamesThePathAndCreatesNothing() {
    Path typo = home.resolve("ferry-aa");

    Run r = run("id", "--home", typo.toString());

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err())
        .startsWith("ferry id: no Ferry node at " + typo)
        .contains("ferry node run --home " + typo);
    assertThat(typo).doesNotExist();
  }

  @Test
  void idWithoutARunningNodePrintsThePeerIdAndSaysItsAddressesAreUnknown() throws Exception {
    String peer = NodeIdentity.loadOrCreate(home).peerId().toString();

    Run r = run("id", "--home", home.toString(), "--json");

    assertThat(r.exit()).isEqualTo(3);
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.get("peerId").asText()).isEqualTo(peer);
    assertThat(json.get("running").asBoolean()).isFalse();
    assertThat(json.get("addresses")).isEmpty();
    assertThat(r.err()).contains("no node is running with home " + home);
  }

  @Test
  void aWildcardListenAddressStandsForTheMachinesAddresses() throws Exception {
    PeerId peer = NodeIdentity.generate().peerId();

    List<Multiaddr> dialable =
        IdCommand.dialable(Multiaddr.parse("/ip4/0.0.0.0/tcp/7001/p2p/" + peer));

    assertThat(dialable)
        .extracting(Multiaddr::toString)
        .contains("/ip4/127.0.0.1/tcp/7001/p2p/" + peer)
        .noneMatch(a -> a.contains("0.0.0.0"));
  }

  @Test
  void initCreatesTheHomeAndItsKeyOnceAndIdThenReadsIt() throws Exception {
    Path fresh = home.resolve("fresh");

    Run created = run("init", "--home", fresh.toString());
    Run again = run("init", "--home", fresh.toString());
    Run id = run("id", "--home", fresh.toString());

    String peer = NodeIdentity.load(fresh.resolve(NodeIdentity.KEY_FILE)).peerId().toString();
    assertThat(created.exit()).isZero();
    assertThat(created.out()).startsWith("created a node at " + fresh).contains(peer);
    assertThat(again.out()).startsWith("already a node at " + fresh).contains(peer);
    assertThat(id.out()).contains("peer id:   " + peer);
  }
}
