package io.ferry.transport.identity;

import io.ferry.channels.PeerId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Objects;
import java.util.Optional;

/**
 * A TCP address of a Ferry node in multiaddr text form: {@code /ip4/HOST/tcp/PORT}, {@code
 * /ip6/...} or {@code /dns4/NAME/...} ({@code /dns}, {@code /dns6} too), optionally followed by
 * {@code /p2p/PEERID} naming the node expected there. Plain {@code host:port} (and {@code
 * [v6]:port}) is accepted where the peer ID comes from elsewhere.
 *
 * @param kind how the host is written
 * @param host an IP literal or a DNS name
 * @param port the TCP port (0 only makes sense for a listen address)
 * @param peer the node expected at this address, or null when unknown
 */
public record Multiaddr(HostKind kind, String host, int port, PeerId peer) {

  /** The host protocols Ferry understands. */
  public enum HostKind {
    IP4("ip4"),
    IP6("ip6"),
    DNS("dns"),
    DNS4("dns4"),
    DNS6("dns6");

    private final String protocol;

    HostKind(String protocol) {
      this.protocol = protocol;
    }

    public String protocol() {
      return protocol;
    }

    static Optional<HostKind> of(String protocol) {
      for (HostKind k : values()) {
        if (k.protocol.equals(protocol)) {
          return Optional.of(k);
        }
      }
      return Optional.empty();
    }
  }

  public Multiaddr {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(host, "host");
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("TCP port " + port + " is outside 0..65535");
    }
  }

  /** The address of {@code peer} at an IP literal or host name and port. */
  public static Multiaddr of(String host, int port, PeerId peer) {
    return new Multiaddr(kindOf(host), host, port, peer);
  }

  /** Parses multiaddr text or {@code host:port}; the error names what was wrong. */
  public static Multiaddr parse(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("address is empty");
    }
    String t = text.strip();
    return t.startsWith("/") ? parseMultiaddr(t) : parseHostPort(t);
  }

  private static Multiaddr parseMultiaddr(String text) {
    String[] parts = text.substring(1).split("/", -1);
    if (parts.length < 4) {
      throw error(text, "expected /ip4|ip6|dns4|dns6|dns/HOST/tcp/PORT[/p2p/PEERID]");
    }
    HostKind kind =
        HostKind.of(parts[0])
            .orElseThrow(
                () ->
                    error(
                        text,
                        "unsupported protocol '"
                            + parts[0]
                            + "' (expected ip4, ip6, dns, dns4 or dns6)"));
    String host = parts[1];
    checkHost(text, kind, host);
    if (!parts[2].equals("tcp")) {
      throw error(text, "unsupported protocol '" + parts[2] + "' (Ferry speaks /tcp)");
    }
    int port = parsePort(text, parts[3]);
    PeerId peer = null;
    if (parts.length > 4) {
      if (parts.length != 6 || !(parts[4].equals("p2p") || parts[4].equals("ipfs"))) {
        throw error(text, "after the port only /p2p/PEERID may follow");
      }
      try {
        peer = PeerId.parse(parts[5]);
      } catch (IllegalArgumentException e) {
        throw error(text, e.getMessage());
      }
    }
    return new Multiaddr(kind, host, port, peer);
  }

  private static Multiaddr parseHostPort(String text) {
    String host;
    String port;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0 || close + 1 >= text.length() || text.charAt(close + 1) != ':') {
        throw error(text, "expected [IPv6]:PORT");
      }
      host = text.substring(1, close);
      port = text.substring(close + 2);
    } else {
      int colon = text.lastIndexOf(':');
      if (colon <= 0 || text.indexOf(':') != colon) {
        throw error(text, "expected HOST:PORT or a multiaddr such as /ip4/HOST/tcp/PORT");
      }
      host = text.substring(0, colon);
      port = text.substring(colon + 1);
    }
    HostKind kind = kindOf(host);
    checkHost(text, kind, host);
    return new Multiaddr(kind, host, parsePort(text, port), null);
  }

  private static HostKind kindOf(String host) {
    if (host.contains(":")) {
      return HostKind.IP6;
    }
    return isIpv4(host) ? HostKind.IP4 : HostKind.DNS;
  }

  private static void checkHost(String text, HostKind kind, String host) {
    if (host.isEmpty()) {
      throw error(text, "the host is empty");
    }
    switch (kind) {
      case IP4 -> {
        if (!isIpv4(host)) {
          throw error(text, "'" + host + "' is not an IPv4 address");
        }
      }
      case IP6 -> {
        if (!host.contains(":") || !host.matches("[0-9a-fA-F:.]+")) {
          throw error(text, "'" + host + "' is not an IPv6 address");
        }
        try {
          InetAddress.getByName(host);
        } catch (UnknownHostException e) {
          throw error(text, "'" + host + "' is not an IPv6 address");
        }
      }
      default -> {
        if (!host.matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?")) {
          throw error(text, "'" + host + "' is not a DNS name");
        }
      }
    }
  }

  private static boolean isIpv4(String host) {
    String[] octets = host.split("\\.", -1);
    if (octets.length != 4) {
      return false;
    }
    for (String o : octets) {
      if (o.isEmpty() || o.length() > 3 || !o.chars().allMatch(Character::isDigit)) {
        return false;
      }
      if (Integer.parseInt(o) > 255) {
        return false;
      }
    }
    return true;
  }

  private static int parsePort(String text, String port) {
    if (port.isEmpty() || port.length() > 5 || !port.chars().allMatch(Character::isDigit)) {
      throw error(text, "'" + port + "' is not a TCP port");
    }
    int p = Integer.parseInt(port);
    if (p > 65535) {
      throw error(text, "TCP port " + p + " is outside 0..65535");
    }
    return p;
  }

  private static IllegalArgumentException error(String text, String why) {
    return new IllegalArgumentException("invalid address '" + text + "': " + why);
  }

  /** The peer expected at this address, if the address names one. */
  public Optional<PeerId> peerId() {
    return Optional.ofNullable(peer);
  }

  /** This address naming {@code peer}. */
  public Multiaddr withPeer(PeerId peer) {
    return new Multiaddr(kind, host, port, peer);
  }

  /** This address with another port (e.g. the one a listener bound when asked for 0). */
  public Multiaddr withPort(int port) {
    return new Multiaddr(kind, host, port, peer);
  }

  /**
   * The socket address to dial or bind: resolved for IP literals (no lookup), unresolved for DNS
   * names (Pekko's TCP resolves them asynchronously).
   */
  public InetSocketAddress socketAddress() {
    if (kind == HostKind.IP4 || kind == HostKind.IP6) {
      try {
        return new InetSocketAddress(InetAddress.getByName(host), port);
      } catch (UnknownHostException e) {
        throw new IllegalStateException("IP literal " + host + " did not parse", e);
      }
    }
    return InetSocketAddress.createUnresolved(host, port);
  }

  /** The multiaddr text form, e.g. {@code /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW...}. */
  @Override
  public String toString() {
    String s = "/" + kind.protocol() + "/" + host + "/tcp/" + port;
    return peer == null ? s : s + "/p2p/" + peer;
  }
}
