package io.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.server.config.FerryConfig;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry id}: the node's peer ID, from its key, and the addresses peers dial it at, asked of
 * the running node (its real listen address, whatever port it bound). When no node runs on the
 * home, it prints the peer ID and says that the addresses are unknown (exit 3). Never creates a
 * home or a key.
 */
@Command(
    name = "id",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the node's peer ID and the multiaddrs peers dial it at, as the running node",
      "reports them. Without a running node, prints the peer ID and exits 3."
    })
public final class IdCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin NodeOptions node;

  @Option(names = "--json", description = "Print JSON: {peerId, running, addresses}.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    return execute();
  }

  private int execute() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    FerryConfig cfg = node.config();
    NodeIdentity identity = NodeHome.identity(cfg.home());
    String peerId = identity.peerId().toString();
    Optional<List<Multiaddr>> addresses = runningAddresses(peerId);
    List<Multiaddr> dialable = new ArrayList<>();
    addresses.orElse(List.of()).forEach(a -> dialable.addAll(dialable(a)));
    if (json) {
      ObjectMapper mapper = ApiClient.json();
      ObjectNode body = mapper.createObjectNode();
      body.put("peerId", peerId);
      body.put("running", addresses.isPresent());
      var list = body.putArray("addresses");
      dialable.forEach(a -> list.add(a.toString()));
      out.println(mapper.writeValueAsString(body));
    } else {
      out.println("peer id:   " + peerId);
      for (Multiaddr a : dialable) {
        out.println("address:   " + a);
      }
    }
    out.flush();
    if (addresses.isEmpty()) {
      throw CliError.noNode(
          "no node is running with home "
              + cfg.home()
              + ", so its addresses are not known; start it with 'ferry node run --home "
              + cfg.home()
              + "'");
    }
    return 0;
  }

  /** The running node's listen addresses, from its API; empty when no node answers. */
  private Optional<List<Multiaddr>> runningAddresses(String peerId) {
    ApiClient api;
    try {
      api = node.client();
    } catch (ApiException e) {
      return Optional.empty();
    }
    JsonNode id;
    try {
      id = api.get("/v1/id");
    } catch (ApiException e) {
      if (e.status() == 0) {
        return Optional.empty();
      }
      throw e;
    }
    if (!id.path("peerId").asText().equals(peerId)) {
      throw CliError.failed(
          "the node answering at "
              + api.address().baseUrl()
              + " is "
              + id.path("peerId").asText()
              + ", not the node of this home ("
              + peerId
              + "); check --api");
    }
    List<Multiaddr> out = new ArrayList<>();
    id.path("addresses").forEach(a -> out.add(Multiaddr.parse(a.asText())));
    return Optional.of(out);
  }

  /**
   * The addresses a peer can dial: a wildcard listen address (0.0.0.0 or ::) stands for every
   * address of this machine's interfaces that are up; any other address stands for itself.
   */
  static List<Multiaddr> dialable(Multiaddr listen) {
    boolean any4 = listen.kind() == Multiaddr.HostKind.IP4 && listen.host().equals("0.0.0.0");
    boolean any6 = listen.kind() == Multiaddr.HostKind.IP6 && (listen.host().matches("[0:]+"));
    if (!any4 && !any6) {
      return List.of(listen);
    }
    List<Multiaddr> out = new ArrayList<>();
    try {
      for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
        if (!nic.isUp()) {
          continue;
        }
        for (InetAddress ip : Collections.list(nic.getInetAddresses())) {
          if ((any4 && ip instanceof Inet4Address)
              || (any6 && ip instanceof Inet6Address && !ip.isLinkLocalAddress())) {
            String host = ip.getHostAddress().replaceFirst("%.*$", "");
            out.add(new Multiaddr(listen.kind(), host, listen.port(), listen.peer()));
          }
        }
      }
    } catch (SocketException e) {
      return List.of(listen);
    }
    out.sort((a, b) -> a.toString().compareTo(b.toString()));
    return out.isEmpty() ? List.of(listen) : out;
  }
}
