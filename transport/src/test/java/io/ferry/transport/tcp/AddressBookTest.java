package io.ferry.transport.tcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ferry.transport.identity.Multiaddr;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The address book changes only when a handshake proves the peer listens at the new address. */
class AddressBookTest {
  private TcpNode provider;
  private TcpNode client;

  @BeforeEach
  void start() throws Exception {
    provider = new TcpNode("provider", s -> s);
    client = new TcpNode("client", s -> s);
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    provider.close();
  }

  @Test
  void anAddressIsRecordedOnceAHandshakeOverItSucceeded() throws Exception {
    connect(provider.address());

    assertThat(client.transport.addressOf(provider.identity.peerId()))
        .isEqualTo(provider.address());
  }

  @Test
  void aWrongAddressGivenWhileConnectedDoesNotReplaceTheGoodOne() throws Exception {
    connect(provider.address());

    connect(wrongPort());

    assertThat(client.transport.addressOf(provider.identity.peerId()))
        .isEqualTo(provider.address());
  }

  @Test
  void anAddressThatCannotBeDialedDoesNotReplaceTheGoodOne() throws Exception {
    connect(provider.address());
    client.transport.disconnect(provider.identity.peerId());
    RecordingHandler.await(
        Duration.ofSeconds(20),
        "the disconnect",
        () ->
            client.handler.events.stream()
                .anyMatch(e -> e.startsWith("disconnected " + provider.identity.peerId())));

    assertThatThrownBy(() -> connect(wrongPort())).isInstanceOf(ExecutionException.class);

    assertThat(client.transport.addressOf(provider.identity.peerId()))
        .isEqualTo(provider.address());
  }

  @Test
  void anAddressThatCannotBeDialedIsNotRecordedForANewPeer() throws Exception {
    Multiaddr wrong = wrongPort();

    assertThatThrownBy(() -> connect(wrong))
        .isInstanceOf(ExecutionException.class)
        .hasMessageContaining("connection refused at 127.0.0.1:" + wrong.port())
        .hasMessageContaining("is the peer running, and is the port right?")
        .hasMessageNotContaining("Tcp command");

    assertThat(client.transport.addressOf(provider.identity.peerId())).isNull();
  }

  private void connect(Multiaddr address) throws Exception {
    client.transport.connect(address).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** The provider's address with a port nobody listens on. */
  private Multiaddr wrongPort() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    return Multiaddr.of("127.0.0.1", port, provider.identity.peerId());
  }
}
