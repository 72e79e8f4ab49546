package io.ferry.server.peers;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.PeerId;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerAddressFileTest {
  @TempDir Path home;

  private static PeerId peer(Path dir) throws Exception {
    return NodeIdentity.loadOrCreate(Files.createDirectories(dir)).peerId();
  }

  @Test
  void aNodeStartedAgainKnowsTheAddressesItsTransportLearnedBefore() throws Exception {
    PeerId provider = peer(home.resolve("a"));
    PeerId client = peer(home.resolve("b"));
    PeerAddressFile book = PeerAddressFile.open(home);
    book.put(provider, Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + provider));
    book.putIfAbsent(client, Multiaddr.parse("/ip4/127.0.0.1/tcp/4002/p2p/" + client));

    PeerAddressFile again = PeerAddressFile.open(home);

    assertThat(again.get(provider))
        .map(Multiaddr::toString)
        .contains("/ip4/127.0.0.1/tcp/4001/p2p/" + provider);
    assertThat(again.get(client))
        .map(Multiaddr::toString)
        .contains("/ip4/127.0.0.1/tcp/4002/p2p/" + client);
  }

  @Test
  void aConfirmedAddressReplacesTheOldOneAndAnAnnouncedOneDoesNot() throws Exception {
    PeerId provider = peer(home.resolve("a"));
    PeerAddressFile book = PeerAddressFile.open(home);
    book.put(provider, Multiaddr.parse("/ip4/127.0.0.1/tcp/4001/p2p/" + provider));
    book.put(provider, Multiaddr.parse("/ip4/127.0.0.1/tcp/4003/p2p/" + provider));
    book.putIfAbsent(provider, Multiaddr.parse("/ip4/127.0.0.1/tcp/4009/p2p/" + provider));

    assertThat(PeerAddressFile.open(home).get(provider))
        .map(Multiaddr::toString)
        .contains("/ip4/127.0.0.1/tcp/4003/p2p/" + provider);
  }

  @Test
  void anUnreadableLineIsSkippedAndTheRestIsKept() throws Exception {
    PeerId provider = peer(home.resolve("a"));
    Files.writeString(
        home.resolve(PeerAddressFile.FILE),
        "garbage here\n" + provider + " /ip4/127.0.0.1/tcp/4001/p2p/" + provider + "\n");

    PeerAddressFile book = PeerAddressFile.open(home);

    assertThat(book.size()).isEqualTo(1);
    assertThat(book.get(provider)).isPresent();
  }
}
