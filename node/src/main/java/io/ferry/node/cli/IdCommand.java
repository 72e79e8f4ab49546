package io.ferry.node.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.ferry.node.config.FerryConfig;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry id}: prints this node's peer ID and the addresses peers can dial it at. Creates the
 * node key on first use, as a node start would.
 */
@Command(
    name = "id",
    mixinStandardHelpOptions = true,
    description = {
      "Prints this node's peer ID and the multiaddrs peers dial it at.",
      "Creates the node key under the home directory on first use."
    })
public final class IdCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(names = "--home", description = "The node's data directory (default: $FERRY_HOME).")
  Path home;

  @Option(names = "--config", description = "A HOCON configuration file.")
  Path config;

  @Option(
      names = "--listen",
      description = "The listen multiaddr to report (default: ferry.listen).")
  String listen;

  @Option(names = "--json", description = "Print JSON instead of text.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    FerryConfig.Flags flags =
        new FerryConfig.Flags(
            Optional.ofNullable(config),
            Optional.ofNullable(home),
            Optional.ofNullable(listen),
            Optional.empty());
    FerryConfig cfg;
    Multiaddr bound;
    try {
      cfg = FerryConfig.load(flags);
      bound = Multiaddr.parse(cfg.listen());
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("ferry id: " + e.getMessage());
      return 2;
    }
    NodeIdentity identity = NodeIdentity.loadOrCreate(cfg.home());
    Multiaddr listenAddr = bound.withPeer(identity.peerId());
    List<Multiaddr> dialable = dialable(listenAddr);
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode node = mapper.createObjectNode();
      node.put("peerId", identity.peerId().toString());
      node.putArray("listen").add(listenAddr.toString());
      var addrs = node.putArray("addresses");
      dialable.forEach(a -> addrs.add(a.toString()));
      out.println(mapper.writeValueAsString(node));
    } else {
      out.println("peer id:   " + identity.peerId());
      out.println("listen:    " + listenAddr);
      for (Multiaddr a : dialable) {
        out.println("address:   " + a);
      }
    }
    out.flush();
    return 0;
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
