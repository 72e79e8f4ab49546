package io.ferry.engine.scenarios;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.testing.Poll;
import io.ferry.channels.wire.DataTransport;
import io.ferry.engine.FerryNode;
import io.ferry.engine.NodeSettings;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.ipld.store.BlockStore;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.validators.VoucherRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * One real node for behaviour tests: a FerryNode with its LevelDB journal and LevelDB block store
 * under its own data directory, on a shared {@link TestNetwork} (in-JVM or TCP), recording every
 * event it publishes. It can be stopped and started again on the same directory and identity.
 */
final class TestNode implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(30);

  /** One published event and the state right after it. */
  record Seen(ChannelEvent event, ChannelState state) {}

  final NodeIdentity identity;
  final PeerId id;
  final Path home;
  private final TestNetwork network;
  private final Consumer<FerryNode> setup;
  private ChannelSettings channels;

  /** Adjusts the node's settings before each start (tests that need other idle timeouts). */
  java.util.function.UnaryOperator<NodeSettings> tune = s -> s;

  final List<Seen> seen = new CopyOnWriteArrayList<>();
  BlockStore store;
  GatedStore gate;
  DataTransport transport;
  FerryNode node;

  private TestNode(
      TestNetwork network,
      NodeIdentity identity,
      Path home,
      ChannelSettings channels,
      Consumer<FerryNode> setup) {
    this.network = network;
    this.identity = identity;
    this.id = identity.peerId();
    this.home = home;
    this.channels = channels;
    this.setup = setup;
  }

  /**
   * Creates a node whose identity comes from {@code seed}; call {@link #start} (or {@link
   * #startAll}) before use.
   */
  static TestNode create(
      TestNetwork network,
      int seed,
      Path home,
      ChannelSettings channels,
      Consumer<FerryNode> setup) {
    return new TestNode(network, TestNetwork.identity(seed), home, channels, setup);
  }

  CompletableFuture<Void> start() {
    store = LevelDbBlockStore.open(home.resolve("blocks"), false, 0);
    gate = new GatedStore(store);
    NodeSettings settings =
        tune.apply(
            NodeSettings.forHome(home)
                .withChannels(channels)
                .withExtra(ConfigFactory.parseString("pekko.loglevel = WARNING")));
    // One actor system for the node and its transport, as `ferry node run` has it.
    ActorSystem<Void> system =
        ActorSystem.create(
            Behaviors.empty(),
            "ferry",
            FerryNode.systemConfig(settings).withFallback(network.systemConfig()));
    try {
      transport = network.join(system, identity, gate);
    } catch (Exception e) {
      system.terminate();
      store.close();
      return CompletableFuture.failedFuture(e);
    }
    node = new FerryNode(system, settings, transport, new VoucherRegistry());
    setup.accept(node);
    node.subscribeToEvents((e, s) -> seen.add(new Seen(e, s)));
    return node.start().toCompletableFuture();
  }

  static void startAll(TestNode... nodes) throws Exception {
    CompletableFuture<?>[] all = new CompletableFuture<?>[nodes.length];
    for (int i = 0; i < nodes.length; i++) {
      all[i] = nodes[i].start();
    }
    CompletableFuture.allOf(all).get(60, TimeUnit.SECONDS);
  }

  void stop() throws Exception {
    if (node != null) {
      node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
      gate.open();
      network.left(id);
      store.close();
      node = null;
    }
  }

  void restart() throws Exception {
    stop();
    start().get(60, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    stop();
  }

  ChannelState state(ChannelId channel) throws Exception {
    return node.channelState(channel).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /**
   * Waits until the channel reaches {@code status} (as the node's API reports it) and this node's
   * subscriber has heard the event that led there (subscribers hear of events asynchronously).
   */
  ChannelState await(ChannelId channel, Status status) {
    try {
      ChannelState reached =
          Poll.until(
              WAIT,
              id + " to see " + channel + " " + status,
              () -> {
                try {
                  return state(channel);
                } catch (Exception e) {
                  return null;
                }
              },
              s -> s != null && s.status() == status);
      Poll.until(
          WAIT,
          id + "'s subscriber to hear of " + channel + " reaching " + status,
          () -> seen.stream().anyMatch(x -> x.state().equals(reached)));
      return reached;
    } catch (AssertionError e) {
      throw withEvents(e, channel);
    }
  }

  /** Waits until this node published {@code code} for the channel ({@code count} times). */
  void awaitEvent(ChannelId channel, EventCode code, int count) {
    try {
      Poll.until(
          WAIT,
          id + " to publish " + code + " x" + count + " for " + channel,
          () -> codes(channel).stream().filter(c -> c == code).count() >= count);
    } catch (AssertionError e) {
      throw withEvents(e, channel);
    }
  }

  /** The failure with the events this node published for the channel by now. */
  private AssertionError withEvents(AssertionError e, ChannelId channel) {
    return new AssertionError(e.getMessage() + "; " + id + " published " + shape(channel), e);
  }

  /** Every event code this node published for the channel, in order. */
  List<EventCode> codes(ChannelId channel) {
    return seen.stream()
        .filter(s -> s.state().channelId().equals(channel))
        .map(s -> s.event().code())
        .collect(Collectors.toList());
  }

  /**
   * The channel's events with every run of data events shown as one {@code "data"}: the shape does
   * not depend on where batch boundaries fall.
   */
  List<String> shape(ChannelId channel) {
    return Expect.shape(codes(channel));
  }

  /** The codes without data events (their number depends on batch boundaries and timing). */
  List<EventCode> controlCodes(ChannelId channel) {
    return codes(channel).stream()
        .filter(c -> !Expect.DATA.contains(c))
        .collect(Collectors.toList());
  }
}
