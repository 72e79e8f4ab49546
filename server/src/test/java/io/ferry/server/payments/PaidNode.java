package io.ferry.server.payments;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelEvent;
import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.EventCode;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.entity.ChannelSettings;
import io.ferry.channels.spi.ValidatorContext;
import io.ferry.channels.testing.Poll;
import io.ferry.engine.FerryNode;
import io.ferry.engine.Manager;
import io.ferry.engine.NodeSettings;
import io.ferry.engine.testing.TestNetwork;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.server.config.FerryConfig;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.validators.VoucherRegistry;
import io.ferry.validators.paid.VoucherSender;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * One real node for the payment tests, assembled the way a node is from its configuration: an
 * Ed25519 identity, a LevelDB block store and journal under its own data directory, validators
 * discovered with ServiceLoader from the class path and {@code <home>/plugins}, and an {@link
 * AutoPayer} when {@code ferry.payments.budget} is set. It can be stopped and started again on the
 * same directory; it records every event it publishes.
 */
final class PaidNode implements AutoCloseable {
  static final Duration WAIT = Duration.ofSeconds(60);

  /** One published event and the state right after it. */
  record Seen(ChannelEvent event, ChannelState state) {}

  final String name;
  final NodeIdentity identity;
  final Path home;
  private final TestNetwork network;
  private final Config config;
  private ChannelSettings channels = ChannelSettings.defaults();
  private Clock clock = Clock.systemUTC();
  private UnaryOperator<VoucherSender> senderWrapper = UnaryOperator.identity();
  private UnaryOperator<Manager> payerView = UnaryOperator.identity();
  private Consumer<FerryNode> setup = n -> {};
  final List<Seen> seen = new CopyOnWriteArrayList<>();

  LevelDbBlockStore store;
  FerryNode node;
  VoucherRegistry registry;
  AutoPayer payer;
  ValidatorContext context;

  /**
   * @param seed makes the identity (and so the peer ID) the same on every start
   * @param config {@code ferry.*} keys of this node (validator settings, payments)
   */
  PaidNode(TestNetwork network, String name, int seed, Path home, Config config) {
    this.network = network;
    this.name = name;
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) seed);
    this.identity = NodeIdentity.fromSeed(key);
    this.home = home;
    this.config = config;
  }

  PeerId id() {
    return identity.peerId();
  }

  PaidNode withChannels(ChannelSettings settings) {
    this.channels = settings;
    return this;
  }

  PaidNode withClock(Clock c) {
    this.clock = c;
    return this;
  }

  PaidNode withSenderWrapper(UnaryOperator<VoucherSender> wrapper) {
    this.senderWrapper = wrapper;
    return this;
  }

  /** What the payer sees of the node (a test can wrap it, e.g. to hold its events back). */
  PaidNode withPayerView(UnaryOperator<Manager> view) {
    this.payerView = view;
    return this;
  }

  /** Registers extra validators on the node before it starts. */
  PaidNode withSetup(Consumer<FerryNode> s) {
    this.setup = s;
    return this;
  }

  PaidNode start() throws Exception {
    FerryConfig cfg =
        FerryConfig.of(
            config.withFallback(
                ConfigFactory.parseMap(Map.of("ferry.home", home.toString()), name)));
    store = LevelDbBlockStore.open(cfg.blocksDir(), false, 0);
    context =
        new ValidatorContext(id(), cfg.validatorDataDir(), cfg.allPluginSettings(), identity::sign);
    registry = VoucherRegistry.discover(context, VoucherRegistry.loadPlugins(cfg.pluginsDir()));
    node =
        new FerryNode(
            NodeSettings.forHome(home)
                .withChannels(channels)
                .withExtra(ConfigFactory.parseString("pekko.loglevel = WARNING")),
            network.join(identity, store),
            registry);
    setup.accept(node);
    PaymentSettings payments = PaymentSettings.from(cfg.underlying());
    if (payments.enabled()) {
      payer = AutoPayer.attach(payerView.apply(node), context, payments, clock, senderWrapper);
    }
    node.subscribeToEvents((e, s) -> seen.add(new Seen(e, s)));
    node.start().toCompletableFuture().get(60, TimeUnit.SECONDS);
    if (payer != null) {
      payer.reconcile().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
    return this;
  }

  /** Stops the node as a clean shutdown does; its data stays for the next start. */
  void stop() throws Exception {
    if (node == null) {
      return;
    }
    node.stop().toCompletableFuture().get(30, TimeUnit.SECONDS);
    network.left(id());
    if (payer != null) {
      payer.close();
      payer = null;
    }
    registry.close();
    store.close();
    node = null;
  }

  @Override
  public void close() throws Exception {
    stop();
  }

  ChannelState state(ChannelId channel) throws Exception {
    return node.channelState(channel).toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** Waits until the channel is in {@code status} as this node's API reports it. */
  ChannelState await(ChannelId channel, Status status) {
    return awaitState(channel, status.toString(), s -> s.status() == status);
  }

  /** Waits until the channel's state satisfies {@code test}. */
  ChannelState awaitState(
      ChannelId channel, String what, java.util.function.Predicate<ChannelState> test) {
    return Poll.until(
        WAIT,
        name + " to see " + channel + " " + what,
        () -> {
          try {
            return state(channel);
          } catch (Exception e) {
            return null;
          }
        },
        s -> s != null && test.test(s));
  }

  /**
   * Every voucher the channel had on this node after it opened, in order, from the events it
   * published (the state keeps only the opening voucher and the latest).
   */
  List<io.ferry.channels.TypedVoucher> vouchers(ChannelId channel) {
    return seen.stream()
        .filter(s -> s.state().channelId().equals(channel))
        .filter(s -> s.event().code() == EventCode.NewVoucher)
        .map(s -> s.state().lastVoucher().orElseThrow())
        .toList();
  }

  /** Every voucher result the channel had on this node, in order, from its events. */
  List<io.ferry.channels.TypedVoucher> voucherResults(ChannelId channel) {
    return seen.stream()
        .filter(s -> s.state().channelId().equals(channel))
        .filter(s -> s.event().code() == EventCode.NewVoucherResult)
        .map(s -> s.state().lastVoucherResult().orElseThrow())
        .toList();
  }

  /** Every event code this node published for the channel, in order. */
  List<EventCode> codes(ChannelId channel) {
    return seen.stream()
        .filter(s -> s.state().channelId().equals(channel))
        .map(s -> s.event().code())
        .toList();
  }

  /** The last event this node published for the channel with {@code code}. */
  Optional<Seen> last(ChannelId channel, EventCode code) {
    Seen found = null;
    for (Seen s : seen) {
      if (s.state().channelId().equals(channel) && s.event().code() == code) {
        found = s;
      }
    }
    return Optional.ofNullable(found);
  }

  @Override
  public String toString() {
    return name + "(" + id() + ")";
  }
}
