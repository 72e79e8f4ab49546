package io.ferry.server.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.ferry.engine.cluster.Membership;
import io.ferry.persistence.blocks.DiskReserve;
import io.ferry.persistence.journal.JournalSettings;
import io.ferry.persistence.journal.LevelDbJournalSettings;
import io.ferry.validators.free.FreePolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * A node's configuration: the one place that loads HOCON.
 *
 * <p>Layers, lowest precedence first: {@code reference.conf} (every key, documented), {@code
 * application.conf} if the classpath has one, the file given with {@code --config}, the environment
 * ({@code FERRY_HOME}, {@code FERRY_LISTEN}, {@code FERRY_API}), system properties ({@code
 * -Dferry.*}), then command-line flags. The merged tree also carries the {@code pekko.*} keys, so
 * {@link #underlying()} is what the node's actor system is started with; {@link #pekkoDefaults()}
 * adds where the journal and snapshots live under the home directory.
 */
public final class FerryConfig {
  /** Environment variables and the key each one sets. */
  public static final Map<String, String> ENVIRONMENT =
      Map.of(
          "FERRY_HOME",
          "ferry.home",
          "FERRY_LISTEN",
          "ferry.listen",
          "FERRY_API",
          "ferry.api.address",
          "FERRY_JOURNAL_PASSWORD",
          "ferry.journal.postgres.password");

  private final Config config;
  private final Path home;
  private final Config explicit;

  /**
   * What the command line says; empty where it says nothing.
   *
   * @param configFile {@code --config FILE}
   * @param home {@code --home DIR}
   * @param listen {@code --listen MULTIADDR}
   * @param api {@code --api HOST:PORT}
   * @param gateway {@code --gateway HOST:PORT}
   */
  public record Flags(
      Optional<Path> configFile,
      Optional<Path> home,
      Optional<String> listen,
      Optional<String> api,
      Optional<String> gateway) {
    /** Flags without {@code --gateway}. */
    public Flags(
        Optional<Path> configFile,
        Optional<Path> home,
        Optional<String> listen,
        Optional<String> api) {
      this(configFile, home, listen, api, Optional.empty());
    }

    public static Flags none() {
      return new Flags(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
    }

    public Flags withHome(Path dir) {
      return new Flags(configFile, Optional.of(dir), listen, api, gateway);
    }

    public Flags withConfigFile(Path file) {
      return new Flags(Optional.of(file), home, listen, api, gateway);
    }

    public Flags withListen(String multiaddr) {
      return new Flags(configFile, home, Optional.of(multiaddr), api, gateway);
    }

    public Flags withApi(String hostPort) {
      return new Flags(configFile, home, listen, Optional.of(hostPort), gateway);
    }
  }

  private FerryConfig(Config config, Config explicit) {
    this.config = config;
    this.explicit = explicit;
    this.home = Path.of(config.getString("ferry.home")).toAbsolutePath().normalize();
    validate();
  }

  /** Loads with this process's environment and system properties. */
  public static FerryConfig load(Flags flags) {
    return load(flags, System.getenv(), System.getProperties());
  }

  /** Loads with only {@code reference.conf} and this process's system properties (for tests). */
  public static FerryConfig defaults() {
    return load(Flags.none(), Map.of(), System.getProperties());
  }

  /**
   * Loads the layers in order of precedence.
   *
   * @throws IllegalArgumentException when the config file is missing or unreadable, or a key has a
   *     value of the wrong kind (the message names the key and where its value came from)
   */
  public static FerryConfig load(
      Flags flags, Map<String, String> env, Properties systemProperties) {
    Config layered = ConfigLayers.flagsLayer(flags);
    layered = layered.withFallback(ConfigFactory.parseProperties(systemProperties));
    layered = layered.withFallback(ConfigLayers.environmentLayer(env));
    Config explicit =
        flags.configFile().isPresent()
            ? ConfigLayers.fileLayer(flags.configFile().get())
            : ConfigFactory.empty();
    explicit = explicit.withFallback(ConfigFactory.parseResourcesAnySyntax("application"));
    layered =
        layered.withFallback(explicit).withFallback(ConfigFactory.defaultReferenceUnresolved());
    try {
      return new FerryConfig(layered.resolve(), explicit);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }

  /** Wraps an already merged and resolved tree (e.g. a test's), validating the ferry keys. */
  public static FerryConfig of(Config config) {
    try {
      return new FerryConfig(
          config.withFallback(ConfigFactory.defaultReference()).resolve(), config);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }

  /** Reads every typed group once, so a wrong value fails at load time, not mid-run. */
  private void validate() {
    try {
      api();
      limits();
      rateLimits();
      timeouts();
      progressInterval();
      cryptoWarmUp();
      retention();
      pluginsDir();
      freePolicy();
      listen();
      journal();
      membership();
    } catch (ConfigException e) {
      throw new IllegalArgumentException("bad configuration: " + e.getMessage(), e);
    }
  }

  /** The whole merged tree, {@code ferry.*} and {@code pekko.*}. */
  public Config underlying() {
    return config;
  }

  /**
   * The tree for the node's actor system: {@link #underlying()} with the journal and snapshot
   * directories placed under the home directory unless the configuration sets them.
   */
  public Config pekkoDefaults() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("pekko.persistence.journal.leveldb.dir", journalDir().toString());
    m.put(LevelDbJournalSettings.SNAPSHOT_PLUGIN + ".dir", snapshotDir().toString());
    return withDefaults(config, m);
  }

  private static Config withDefaults(Config base, Map<String, Object> defaults) {
    Config result = base;
    for (Map.Entry<String, Object> e : defaults.entrySet()) {
      if (!isExplicit(base, e.getKey())) {
        result = result.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(e.getValue()));
      }
    }
    return result;
  }

  /**
   * The {@code pekko.*} settings given explicitly (in the {@code --config} file, an {@code
   * application.conf}, or {@code -Dpekko.*}), without any library's defaults: what a node layers
   * over its own actor-system settings.
   */
  public Config pekkoOverrides() {
    Config props = ConfigFactory.systemProperties();
    Config c = props.hasPath("pekko") ? props.withOnlyPath("pekko") : ConfigFactory.empty();
    try {
      Config e = explicit.resolveWith(config);
      return e.hasPath("pekko") ? c.withFallback(e.withOnlyPath("pekko")) : c;
    } catch (ConfigException ex) {
      throw new IllegalArgumentException("bad configuration: " + ex.getMessage(), ex);
    }
  }

  /** Whether a key was set somewhere other than a library's reference.conf. */
  private static boolean isExplicit(Config c, String key) {
    if (!c.hasPath(key)) {
      return false;
    }
    String origin = c.getValue(key).origin().description();
    return !origin.contains("reference.conf");
  }

  // ---- the home directory and what lives in it ----

  /** The data directory ({@code ferry.home}), absolute. */
  public Path home() {
    return home;
  }

  /** Where the channel journal lives: {@code <home>/journal}. */
  public Path journalDir() {
    return home.resolve("journal");
  }

  /** Where channel snapshots live: {@code <home>/snapshots}. */
  public Path snapshotDir() {
    return home.resolve("snapshots");
  }

  /** Where the block store lives: {@code <home>/blocks}. */
  public Path blocksDir() {
    return home.resolve("blocks");
  }

  /** Where the node's identity key lives: {@code <home>/identity/node.key}. */
  public Path identityKeyFile() {
    return home.resolve(io.ferry.transport.identity.NodeIdentity.KEY_FILE);
  }

  /** Where validator plug-ins may keep their own data: {@code <home>/validators}. */
  public Path validatorDataDir() {
    return home.resolve("validators");
  }

  private Path underHome(String key) {
    return home.resolve(config.getString(key)).normalize();
  }

  // ---- typed groups ----

  /** {@code ferry.journal}: LevelDB under the home directory, or a shared PostgreSQL journal. */
  public JournalSettings journal() {
    return JournalConfig.read(config.getConfig("ferry.journal"), journalDir(), snapshotDir());
  }

  /**
   * {@code ferry.cluster}: a cluster of one when there are no seed nodes, else a member of a
   * cluster (clustered mode), which needs the PostgreSQL journal.
   */
  public Membership membership() {
    Config c = config.getConfig("ferry.cluster");
    List<String> seeds = c.getStringList("seed-nodes");
    if (seeds.isEmpty()) {
      return Membership.alone();
    }
    Membership member;
    try {
      member = Membership.Member.of(c.getString("hostname"), c.getInt("port"), seeds);
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(
          c.getValue("seed-nodes").origin(), "ferry.cluster", e.getMessage());
    }
    if (!journal().shared()) {
      throw new ConfigException.BadValue(
          config.getValue("ferry.journal.kind").origin(),
          "ferry.journal.kind",
          "clustered mode (ferry.cluster.seed-nodes is set) needs kind = postgres:"
              + " a LevelDB journal belongs to one node");
    }
    return member;
  }

  /** The local IP address peers are dialed from ({@code ferry.dial-from}), or null: any. */
  public String dialFrom() {
    String host = config.getString("ferry.dial-from").strip();
    return host.isEmpty() ? null : host;
  }

  /** The peer listen multiaddr ({@code ferry.listen}). */
  public String listen() {
    return config.getString("ferry.listen");
  }

  /** {@code ferry.api}. */
  public Settings.Api api() {
    Config c = config.getConfig("ferry.api");
    ApiAddress address;
    try {
      address = ApiAddress.parse(c.getString("address"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException.BadValue(c.origin(), "ferry.api.address", e.getMessage());
    }
    return new Settings.Api(
        address,
        underHome("ferry.api.token-file"),
        underHome("ferry.api.address-file"),
        c.getDuration("request-timeout"),
        c.getDuration("sse-keep-alive"));
  }

  /**
   * {@code ferry.api.import-from}: the directories the API may import files from, absolute or under
   * the home directory; empty allows any directory but the home itself.
   */
  public List<Path> importFrom() {
    if (!config.hasPath("ferry.api.import-from")) {
      return List.of();
    }
    return config.getStringList("ferry.api.import-from").stream()
        .map(d -> home.resolve(d).normalize())
        .toList();
  }

  /**
   * {@code ferry.disk.reserve} for the disk holding {@code directory}: the bytes writes leave free
   * ({@code auto}: {@link DiskReserve#autoSize}).
   */
  public long diskReserve(Path directory) {
    String key = "ferry.disk.reserve";
    if (!config.hasPath(key) || config.getString(key).strip().equals("auto")) {
      return DiskReserve.autoSize(directory);
    }
    return config.getBytes(key);
  }

  /** {@code ferry.limits}. */
  public Settings.Limits limits() {
    Config c = config.getConfig("ferry.limits");
    long maxFrame = c.getBytes("max-frame");
    if (maxFrame < 1024 || maxFrame > Integer.MAX_VALUE) {
      throw new ConfigException.BadValue(
          c.getValue("max-frame").origin(),
          "ferry.limits.max-frame",
          "must be between 1 KiB and 2 GiB, was " + maxFrame + " bytes");
    }
    return new Settings.Limits(
        Bounded.positive(c, "channels-per-peer"),
        Bounded.positive(c, "channels-total"),
        Bounded.positiveBytes(c, "in-flight-bytes-per-peer"),
        Bounded.positiveBytes(c, "in-flight-bytes-total"),
        (int) maxFrame,
        Bounded.nonNegative(c, "max-blocks-per-channel"),
        Bounded.nonNegativeBytes(c, "max-bytes-per-channel"),
        Bounded.positive(c, "open-channels-per-peer"),
        Bounded.positive(c, "open-channels-total"),
        Bounded.heapShare(c, "memory", 16L << 20),
        Bounded.percentage(c, "memory-per-address"));
  }

  /** {@code ferry.rate-limits}. */
  public Settings.RateLimits rateLimits() {
    Config c = config.getConfig("ferry.rate-limits");
    return new Settings.RateLimits(
        Bounded.nonNegativeBytes(c, "upload"),
        Bounded.nonNegativeBytes(c, "download"),
        Bounded.nonNegativeBytes(c, "upload-per-peer"),
        Bounded.nonNegativeBytes(c, "download-per-peer"));
  }

  /** {@code ferry.timeouts}. */
  public Settings.Timeouts timeouts() {
    Config c = config.getConfig("ferry.timeouts");
    Config r = c.getConfig("restart");
    return new Settings.Timeouts(
        c.getDuration("accept"),
        c.getDuration("paused-for-voucher"),
        c.getDuration("complete"),
        c.getDuration("finalization"),
        c.getDuration("connect"),
        new Settings.Restart(
            r.getDuration("backoff-min"),
            r.getDuration("backoff-max"),
            Bounded.positive(r, "max-attempts")));
  }

  /**
   * {@code ferry.progress-interval}: how long a moving channel's progress may go unreported (it is
   * reported sooner after 64 blocks or 8 MiB). Only the reporting waits on it, never the data.
   */
  public Duration progressInterval() {
    Duration d = config.getDuration("ferry.progress-interval");
    if (d.isZero() || d.isNegative()) {
      throw new ConfigException.BadValue(
          config.getValue("ferry.progress-interval").origin(),
          "ferry.progress-interval",
          "must be positive, was " + d);
    }
    return d;
  }

  /** {@code ferry.crypto-warm-up}: bytes of TLS and SHA-256 run through the JIT at start. */
  public long cryptoWarmUp() {
    return config.getBytes("ferry.crypto-warm-up");
  }

  /** {@code ferry.retention}. */
  public Settings.Retention retention() {
    Config c = config.getConfig("ferry.retention");
    Duration sweep = c.getDuration("sweep-interval");
    if (sweep.isZero() || sweep.isNegative()) {
      throw new ConfigException.BadValue(
          c.getValue("sweep-interval").origin(),
          "ferry.retention.sweep-interval",
          "must be positive, was " + sweep);
    }
    return new Settings.Retention(
        c.getDuration("keep-for"), (int) Bounded.nonNegative(c, "keep-count"), sweep);
  }

  /** {@code ferry.validators.plugins-dir}, resolved against the home directory. */
  public Path pluginsDir() {
    return underHome("ferry.validators.plugins-dir");
  }

  /** What this node serves without a voucher ({@code ferry.validators.free}, see FreeServing). */
  public FreePolicy freePolicy() {
    return FreeServing.from(config);
  }

  /**
   * The settings of the validator plug-in named {@code plugin}, from {@code
   * ferry.validators.settings.<plugin>}, flattened to dotted keys; empty when there are none.
   */
  public Map<String, String> pluginSettings(String plugin) {
    String path = "ferry.validators.settings." + quoted(plugin);
    Map<String, String> out = new TreeMap<>();
    if (config.hasPath(path)) {
      for (Map.Entry<String, ConfigValue> e : config.getConfig(path).entrySet()) {
        out.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
      }
    }
    return out;
  }

  /** Every plug-in setting as {@code <plugin>.<key>}, the form the validator registry expects. */
  public Map<String, String> allPluginSettings() {
    Map<String, String> out = new TreeMap<>();
    for (Map.Entry<String, ConfigValue> e :
        config.getConfig("ferry.validators.settings").entrySet()) {
      out.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
    }
    return out;
  }

  private static String quoted(String key) {
    return "\"" + key.replace("\"", "\\\"") + "\"";
  }

  @Override
  public String toString() {
    return "FerryConfig(home=" + home + ", listen=" + listen() + ", api=" + api().address() + ")";
  }
}
