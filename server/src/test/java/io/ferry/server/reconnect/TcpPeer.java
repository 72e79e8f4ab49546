package io.ferry.server.reconnect;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.VoucherType;
import io.ferry.channels.testing.Poll;
import io.ferry.engine.FerryNode;
import io.ferry.engine.NodeSettings;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.TcpTransport;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * A real node on 127.0.0.1 for the reconnect tests: its own actor system and {@link TcpTransport}
 * (TLS 1.3, port 0, so a node that starts again listens on a new port), a LevelDB block store and
 * journal under its home, the same identity on every start, and a record of what it published.
 */
final class TcpPeer implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);

  /** The voucher of these tests; every request carrying one is accepted. */
  record Note(String text) {}

  static final VoucherType<Note> NOTE = VoucherType.of("ferry-test/reconnect-note", Note.class);

  /** One published event and the state right after it. */
  record Seen(ChannelEvent event, ChannelState state) {}

  final String name;
  final NodeIdentity identity;
  final Path home;
  private final ChannelSettings channels;
  private final long uploadRate;
  final List<Seen> seen = new CopyOnWriteArrayList<>();
  final List<Multiaddr> knownPeers = new CopyOnWriteArrayList<>();

  ActorSystem<Void> system;
  LevelDbBlockStore store;
  TcpTransport transport;
  FerryNode node;

  /**
   * @param uploadRate bytes per second this node sends at most (0 = no limit)
   */
  TcpPeer(String name, int seed, Path home, ChannelSettings channels, long uploadRate) {
    byte[] key = new byte[32];
    Arrays.fill(key, (byte) seed);
    this.name = name;
    this.identity = NodeIdentity.fromSeed(key);
    this.home = home;
    this.channels = channels;
    this.uploadRate = uploadRate;
  }

  PeerId id() {
    return identity.peerId();
  }

  Multiaddr address() {
    return transport.listenAddress().orElseThrow();
  }

  TcpPeer start() throws Exception {
    system =
        ActorSystem.create(
            Behaviors.empty(),
            "ferry-reconnect-" + name,
            ConfigFactory.parseString("pekko.loglevel = WARNING")
                .withFallback(TcpTransport.recommendedConfig())
                .withFallback(ConfigFactory.load()));
    store = LevelDbBlockStore.open(home.resolve("blocks"), false, 0);
    TcpSettings tcp =
        TcpSettings.defaults(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
            .withRates(uploadRate, 0, 0, 0)
            .withLiveness(Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(50));
    transport =
        TcpTransport.start(system, identity, store, tcp)
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    knownPeers.forEach(transport::addPeer);
    node =
        new FerryNode(
            NodeSettings.forHome(home)
                .withChannels(channels)
                .withExtra(ConfigFactory.parseString("pekko.loglevel = WARNING")),
            transport);
    node.registerVoucherType(NOTE, acceptAll());
    node.subscribeToEvents((e, s) -> seen.add(new Seen(e, s)));
    node.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
    return this;
  }

  /** Stops the node and its transport; its data stays for the next start. */
  void stop() throws Exception {
    if (node == null) {
      return;
    }
    node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
    store.close();
    node = null;
  }

  @Override
  public void close() throws Exception {
    stop();
  }

  ChannelState state(ChannelId channel) {
    try {
      return node.channelState(channel).toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      return null;
    }
  }

  /** Waits until the channel's state, as this node's API reports it, satisfies {@code test}. */
  ChannelState await(ChannelId channel, String what, Predicate<ChannelState> test) {
    return Poll.until(
        WAIT,
        name + " to see " + channel + " " + what,
        () -> state(channel),
        s -> s != null && test.test(s));
  }

  private static RequestValidator<Note> acceptAll() {
    return new RequestValidator<>() {
      @Override
      public CompletionStage<ValidationResult> validatePush(ValidationRequest<Note> request) {
        return CompletableFuture.completedFuture(ValidationResult.accept());
      }

      @Override
      public CompletionStage<ValidationResult> validatePull(ValidationRequest<Note> request) {
        return CompletableFuture.completedFuture(ValidationResult.accept());
      }
    };
  }
}
