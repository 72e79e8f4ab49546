package io.ferry.transport.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.channels.PeerId;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MultiaddrTest {
  private static final String PEER = "12D3KooWM6CgA9iBFZmcYAHA6A2qvbAxqfkmrYiRQuz3XEsk4Ksv";

  @Test
  void anIp4MultiaddrWithPeerIdParsesAndFormatsBack() {
    String text = "/ip4/127.0.0.1/tcp/4001/p2p/" + PEER;

    Multiaddr a = Multiaddr.parse(text);

    assertThat(a.kind()).isEqualTo(Multiaddr.HostKind.IP4);
    assertThat(a.host()).isEqualTo("127.0.0.1");
    assertThat(a.port()).isEqualTo(4001);
    assertThat(a.peerId()).contains(PeerId.parse(PEER));
    assertThat(a.toString()).isEqualTo(text);
    assertThat(a.socketAddress()).isEqualTo(new InetSocketAddress("127.0.0.1", 4001));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "/ip4/10.0.0.1/tcp/0",
        "/ip6/::1/tcp/4001",
        "/dns4/node-1.example.org/tcp/4001/p2p/" + PEER,
        "/dns/example.org/tcp/65535",
        "/dns6/example.org/tcp/1"
      })
  void supportedMultiaddrsRoundTrip(String text) {
    assertThat(Multiaddr.parse(text).toString()).isEqualTo(text);
  }

  @Test
  void theLegacyIpfsProtocolNameIsReadAsP2p() {
    assertThat(Multiaddr.parse("/ip4/1.2.3.4/tcp/5/ipfs/" + PEER).toString())
        .isEqualTo("/ip4/1.2.3.4/tcp/5/p2p/" + PEER);
  }

  @ParameterizedTest
  @CsvSource({
    "127.0.0.1:4001, /ip4/127.0.0.1/tcp/4001",
    "localhost:80, /dns/localhost/tcp/80",
    "'[::1]:9000', /ip6/::1/tcp/9000"
  })
  void plainHostPortIsAcceptedWithoutPeerId(String text, String multiaddr) {
    Multiaddr a = Multiaddr.parse(text);

    assertThat(a.toString()).isEqualTo(multiaddr);
    assertThat(a.peerId()).isEmpty();
  }

  @Test
  void dnsNamesStayUnresolvedUntilDialed() {
    assertThat(Multiaddr.parse("/dns4/example.org/tcp/1").socketAddress().isUnresolved()).isTrue();
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "/ip4/1.2.3/tcp/1|'1.2.3' is not an IPv4 address",
        "/ip4/1.2.3.256/tcp/1|'1.2.3.256' is not an IPv4 address",
        "/ip4/1.2.3.4/udp/1|unsupported protocol 'udp' (Ferry speaks /tcp)",
        "/quic/1.2.3.4/tcp/1|unsupported protocol 'quic'",
        "/ip4/1.2.3.4/tcp/70000|TCP port 70000 is outside 0..65535",
        "/ip4/1.2.3.4/tcp/x1|'x1' is not a TCP port",
        "/ip4/1.2.3.4/tcp/1/p2p/notapeer|not a peer ID: 'notapeer'",
        "/ip4/1.2.3.4/tcp/1/ws|after the port only /p2p/PEERID may follow",
        "/ip4/1.2.3.4|expected /ip4|ip6|dns4|dns6|dns/HOST/tcp/PORT",
        "1.2.3.4|expected HOST:PORT",
        "host:|'' is not a TCP port",
        "bad_host!:1|'bad_host!' is not a DNS name"
      })
  void badAddressesAreRefusedSayingWhatIsWrong(String text, String why) {
    assertThatThrownBy(() -> Multiaddr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("invalid address '" + text + "'")
        .hasMessageContaining(why);
  }

  @Test
  void anEmptyAddressIsRefused() {
    assertThatThrownBy(() -> Multiaddr.parse(" ")).hasMessage("address is empty");
  }
}
