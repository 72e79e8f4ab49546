package io.ferry.node.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
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
  void idCreatesTheNodeKeyAndPrintsThePeerIdAndListenAddress() throws Exception {
    Run r = run("id", "--home", home.toString(), "--listen", "/ip4/127.0.0.1/tcp/7000");

    String peer = NodeIdentity.loadOrCreate(home).peerId().toString();
    assertThat(r.exit()).isZero();
    assertThat(r.out())
        .contains("peer id:   " + peer)
        .contains("listen:    /ip4/127.0.0.1/tcp/7000/p2p/" + peer);
  }

  @Test
  void theSamePeerIdIsPrintedOnEveryRun() {
    String first = run("id", "--home", home.toString(), "--json").out();
    String second = run("id", "--home", home.toString(), "--json").out();

    assertThat(second).isEqualTo(first);
  }

  @Test
  void jsonOutputListsDialableAddressesForAWildcardListenAddress() throws Exception {
    Run r = run("id", "--home", home.toString(), "--listen", "/ip4/0.0.0.0/tcp/7001", "--json");

    JsonNode json = new ObjectMapper().readTree(r.out());
    String peer = json.get("peerId").asText();
    assertThat(peer).startsWith("12D3KooW");
    assertThat(json.get("listen").get(0).asText()).isEqualTo("/ip4/0.0.0.0/tcp/7001/p2p/" + peer);
    assertThat(json.get("addresses"))
        .extracting(JsonNode::asText)
        .contains("/ip4/127.0.0.1/tcp/7001/p2p/" + peer)
        .allSatisfy(a -> assertThat(Multiaddr.parse(a).peerId()).isPresent());
  }

  @Test
  void aBadListenAddressIsReportedWithoutAStackTrace() {
    Run r = run("id", "--home", home.toString(), "--listen", "/ip4/1.2.3/tcp/1");

    assertThat(r.exit()).isEqualTo(2);
    assertThat(r.err()).contains("ferry id: invalid address '/ip4/1.2.3/tcp/1'");
  }
}
