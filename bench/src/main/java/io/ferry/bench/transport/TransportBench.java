package io.ferry.bench.transport;

import com.typesafe.config.ConfigFactory;
import io.ferry.bench.transport.Results.Run;
import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.TcpTransport;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.pekko.actor.ActorSystem;

/**
 * One-channel pull of a generated DAG (1 GiB unless given) between two JVMs on loopback, next to
 * the {@link SocketBaseline}s measured in the same run, cases interleaved round by round; then 100
 * and 1,000 concurrent small channels (64 KiB DAGs of 5 blocks) between the same two nodes. Prints
 * a table: medians over the rounds, CPU seconds of both processes, ratios to the baselines.
 *
 * <pre>
 * java -Xms3g -Xmx3g -XX:+UseG1GC -XX:G1HeapRegionSize=8m -cp ... io.ferry.bench.transport.TransportBench
 *     [sizeMiB=1024] [rounds=3] [workDir]
 * </pre>
 */
public final class TransportBench {
  private static final long MIB = 1 << 20;

  /**
   * The cases to run (system property {@code bench.cases}, comma-separated): {@code tls}, {@code
   * plain} (the baselines), {@code memory}, {@code leveldb} (Ferry pulls), {@code small}
   * (concurrent small channels). All by default; the table's ratios need both baselines.
   */
  private static final List<String> CASES =
      List.of(System.getProperty("bench.cases", "tls,plain,memory,leveldb,small").split(","));

  private final ActorSystem system;
  private final Recorder recorder = new Recorder();
  private final Map<String, Puller> pullers = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();

  private TransportBench() {
    system =
        ActorSystem.create(
            "puller",
            TcpTransport.recommendedConfig()
                .withFallback(ConfigFactory.parseString("pekko.loglevel = WARNING"))
                .withFallback(ConfigFactory.load()));
  }

  public static void main(String[] args) throws Exception {
    long sizeMiB = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path work = args.length > 2 ? Path.of(args[2]) : Files.createTempDirectory("ferry-tbench");
    System.out.printf(
        "transport bench: %d MiB, %d rounds, %d CPUs, java %s, load average %s%n",
        sizeMiB,
        rounds,
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("java.version"),
        loadAverage());
    TransportBench bench = new TransportBench();
    try (Child provider = new Child(BenchProvider.class, "memory")) {
      Multiaddr at = Multiaddr.parse(provider.await("ready").split(" ")[1]);
      String[] big = provider.call("big " + sizeMiB + " 1", "dag").split(" ");
      String[] warm = provider.call("big 128 2", "dag").split(" ");
      Cid bigRoot = Cid.parse(big[1]);
      long bigBytes = Long.parseLong(big[3]);
      System.out.printf(
          "provider ready at %s; DAG %s: %s blocks, %d bytes%n", at, big[1], big[2], bigBytes);
      // Warm-up, untimed, so that the rounds measure the steady state of a node that has been
      // serving for a while. Code run once per block (frame decoding, the hash check, the
      // store, progress reports) is called about 1,000 times per GiB of 1 MiB blocks and so
      // reaches C2's thresholds only after several GiB: the warm-up repeats full-size pulls
      // (into memory, and into LevelDB when that case runs) until one iteration's JIT compile
      // time in both JVMs is under bench.warmup.jit-ms (default 500 ms), at most
      // bench.warmup.max times (default 10). -Dbench.warmup=N does exactly N iterations instead.
      // The 128 MiB LevelDB pull loads LevelDB's native library even when that case is off.
      bench.pull(at, Cid.parse(warm[1]), work.resolve("warm-leveldb"), provider);
      String fixed = System.getProperty("bench.warmup");
      int max =
          fixed != null ? Integer.parseInt(fixed) : Integer.getInteger("bench.warmup.max", 10);
      long settled = fixed != null ? -1 : Long.getLong("bench.warmup.jit-ms", 500);
      for (int i = 1; i <= max; i++) {
        long jit = 0;
        StringBuilder line = new StringBuilder();
        if (CASES.contains("memory") || !CASES.contains("leveldb")) {
          Run m = bench.pull(at, bigRoot, null, provider);
          jit += m.jitMillis();
          line.append(
              String.format(" memory %.0f MB/s (JIT %.2f s)", m.mbPerS(), m.jitMillis() / 1e3));
        }
        if (CASES.contains("leveldb")) {
          Run l = bench.pull(at, bigRoot, work.resolve("warm-" + i), provider);
          jit += l.jitMillis();
          line.append(
              String.format(" leveldb %.0f MB/s (JIT %.2f s)", l.mbPerS(), l.jitMillis() / 1e3));
        }
        System.out.printf("warm-up %d, untimed:%s, load average %s%n", i, line, loadAverage());
        if (jit < settled) {
          break;
        }
      }

      Results results = new Results();
      for (int r = 1; r <= rounds; r++) {
        if (CASES.contains("tls")) {
          results.add(Results.TLS, baseline(true, sizeMiB));
        }
        if (CASES.contains("plain")) {
          results.add(Results.PLAIN, baseline(false, sizeMiB));
        }
        if (CASES.contains("memory")) {
          results.add(
              "Ferry pull, receiver store in memory", bench.pull(at, bigRoot, null, provider));
        }
        if (CASES.contains("leveldb")) {
          results.add(
              "Ferry pull, receiver store LevelDB",
              bench.pull(at, bigRoot, work.resolve("leveldb-" + r), provider));
        }
        System.out.printf("round %d done, load average %s%n", r, loadAverage());
      }
      results.printTable();
      if (rounds >= 4) {
        // Whatever the warm-up left unsettled (each round prints its JIT and GC time) shows in the
        // first rounds; the second half of the rounds shows the steady state.
        System.out.printf("%nRounds %d–%d only:%n", rounds / 2 + 1, rounds);
        results.secondHalf().printTable();
      }
      if (CASES.contains("small")) {
        bench.smallChannels(at, provider);
      }
    } finally {
      bench.pullers.values().forEach(p -> p.transport().close());
      bench.system.terminate();
    }
    System.exit(0);
  }

  /**
   * A socket baseline's rate in MB/s (10^6 bytes per second), and the CPU both its ends spent per
   * GiB.
   */
  public record Baseline(double megabytesPerSecond, double cpuSecondsPerGiB) {}

  /**
   * One baseline run of {@code sizeMiB} through a JDK socket, TLS 1.3 + SHA-256 or plain (see
   * {@link SocketBaseline}), for other benchmarks to print beside their own figures: its rate, and
   * the CPU of both ends (the sending child and this JVM, the receiver) while it ran.
   */
  public static Baseline socketBaseline(boolean tls, long sizeMiB) throws Exception {
    Run r = baseline(tls, sizeMiB);
    return new Baseline(
        r.bytes() / (r.nanos() / 1e9) / 1e6,
        r.cpuNanos() / 1e9 / ((double) r.bytes() / (1L << 30)));
  }

  private static Run baseline(boolean tls, long sizeMiB) throws Exception {
    int warm = 256;
    try (SocketBaseline.Receiver receiver = new SocketBaseline.Receiver(tls)) {
      Child sender =
          new Child(
              SocketBaseline.class,
              Integer.toString(receiver.port()),
              tls ? "tls" : "plain",
              Long.toString(sizeMiB),
              "1",
              Integer.toString(warm));
      long[] cpu0 = new long[2];
      long nanos =
          receiver.receive(
              warm,
              (int) sizeMiB,
              () -> {
                cpu0[0] = ownCpu();
                cpu0[1] = sender.cpuNanos();
              });
      long cpu = ownCpu() - cpu0[0] + sender.cpuNanos() - cpu0[1];
      sender.waitFor();
      return new Run(sizeMiB * MIB, nanos, cpu);
    }
  }

  /**
   * Pulls a DAG into a fresh store (memory, or LevelDB under {@code dir}); returns the run. By
   * default each kind of store has one puller transport for the whole run, whose one connection to
   * the provider carries every pull, as a node's one connection per peer carries all its channels
   * (and as each baseline's socket is warm when its clock starts); only the store is new each time.
   * {@code -Dbench.connection=new} starts a new transport, so a new connection and TLS handshake
   * inside the timed part, for every pull, as the bench did before.
   */
  private Run pull(Multiaddr provider, Cid root, Path dir, Child child) throws Exception {
    BlockStore store = dir == null ? new MemoryBlockStore() : LevelDbBlockStore.open(dir);
    boolean kept = !"new".equals(System.getProperty("bench.connection", "kept"));
    String kind = dir == null ? "memory" : "leveldb";
    TcpTransport t;
    if (kept) {
      Puller p = pullers.get(kind);
      if (p == null) {
        SwappableStore s = new SwappableStore(store);
        p = new Puller(start(s), s);
        p.transport().addPeer(provider);
        p.transport().connect(provider).toCompletableFuture().get();
        pullers.put(kind, p);
      } else {
        p.store().swap(store);
      }
      t = p.transport();
    } else {
      t = start(store);
      t.addPeer(provider);
    }
    try {
      long childCpu0 = child.cpuNanos();
      long[] vm0 = vmMillis(child);
      long cpu0 = ownCpu();
      long start = System.nanoTime();
      ChannelId id = new ChannelId(t.self(), provider.peer(), ids.incrementAndGet());
      CompletableFuture<String> done = recorder.expect(id);
      long held =
          t.openReceive(DataRequest.of(id, provider.peer(), root, Selectors.all()))
              .toCompletableFuture()
              .get();
      t.send(
          provider.peer(),
          TransferRequest.restart(id.transferId(), true, root, Selectors.all(), null, held));
      String error = done.get(30, TimeUnit.MINUTES);
      long nanos = System.nanoTime() - start;
      if (error != null) {
        throw new IllegalStateException("pull failed: " + error);
      }
      long bytes = recorder.bytes.getAndSet(0);
      long cpu = ownCpu() - cpu0 + child.cpuNanos() - childCpu0;
      long[] vm1 = vmMillis(child);
      return new Run(bytes, nanos, cpu, vm1[0] - vm0[0], vm1[1] - vm0[1]);
    } finally {
      if (kept) {
        pullers.get(kind).store().swap(new MemoryBlockStore());
      } else {
        t.close();
      }
      store.close();
      if (dir != null) {
        deleteTree(dir); // a GiB per pull: the disk would fill over a long run
      }
    }
  }

  private static void deleteTree(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** A puller transport kept for the run, and the store it pulls into. */
  private record Puller(TcpTransport transport, SwappableStore store) {}

  private TcpTransport start(BlockStore store) throws Exception {
    TcpTransport t =
        TcpTransport.start(system, NodeIdentity.generate(), store, pullerSettings())
            .toCompletableFuture()
            .get();
    t.bind(recorder);
    return t;
  }

  /**
   * The puller's settings: the defaults, or with the flow windows of the system property {@code
   * bench.flow} ({@code CHANNEL_WINDOW_MIB,PER_PEER_MIB}), to measure what the windows are worth.
   */
  private static TcpSettings pullerSettings() {
    TcpSettings d = TcpSettings.defaults(null);
    String flow = System.getProperty("bench.flow");
    if (flow == null) {
      return d;
    }
    String[] w = flow.split(",");
    return d.withFlow(
        Long.parseLong(w[0]) * MIB,
        Long.parseLong(w[1]) * MIB,
        Math.max(256, Long.parseLong(w[1])) * MIB);
  }

  private void smallChannels(Multiaddr provider, Child child) throws Exception {
    String[] roots = child.call("small 1000 64 1000", "dags").split(" ");
    List<Cid> dags = Arrays.stream(roots).skip(1).map(Cid::parse).toList();
    System.out.println();
    System.out.println(
        "| concurrent channels (64 KiB DAGs, 5 blocks each) | seconds | channels/s | puller heap"
            + " before (after GC) | puller heap after (after GC) | puller peak heap (sampled, with"
            + " garbage) | provider heap after (after GC, holds every DAG) |");
    System.out.println("|---|---|---|---|---|---|---|");
    for (int n : new int[] {100, 1000}) {
      MemoryBlockStore store = new MemoryBlockStore();
      TcpTransport t = start(store);
      try {
        t.addPeer(provider);
        t.connect(provider).toCompletableFuture().get();
        long base = BenchProvider.heapUsedAfterGc(); // the peak then counts this phase only
        long peak = base;
        long start = System.nanoTime();
        List<CompletableFuture<String>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
          ChannelId id = new ChannelId(t.self(), provider.peer(), ids.incrementAndGet());
          all.add(recorder.expect(id));
          Cid root = dags.get(i);
          t.openReceive(DataRequest.of(id, provider.peer(), root, Selectors.all()))
              .thenCompose(
                  held ->
                      t.send(
                          provider.peer(),
                          TransferRequest.restart(
                              id.transferId(), true, root, Selectors.all(), null, held)));
        }
        for (CompletableFuture<String> f : all) {
          while (!f.isDone()) {
            peak =
                Math.max(peak, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
            try {
              f.get(20, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
              // sample again
            }
          }
          if (f.get() != null) {
            throw new IllegalStateException("a small channel failed: " + f.get());
          }
        }
        double secs = (System.nanoTime() - start) / 1e9;
        long heap = BenchProvider.heapUsedAfterGc();
        long providerHeap = Long.parseLong(child.call("heap", "heap").split(" ")[1]);
        System.out.printf(
            "| %d | %.2f | %.0f | %d MiB | %d MiB | %d MiB | %d MiB |%n",
            n, secs, n / secs, base >> 20, heap >> 20, peak >> 20, providerHeap >> 20);
      } finally {
        t.close();
      }
    }
  }

  /** Compilation and GC milliseconds so far, this JVM's plus the provider's. */
  private static long[] vmMillis(Child provider) throws IOException {
    long[] own = BenchProvider.vmMillis();
    String[] w = provider.call("vm", "vm").split(" ");
    return new long[] {own[0] + Long.parseLong(w[1]), own[1] + Long.parseLong(w[2])};
  }

  private static long ownCpu() {
    return BenchProvider.cpuNanos();
  }

  private static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (Exception e) {
      return "?";
    }
  }

  /** Collects the puller's finished reports and received bytes. */
  private static final class Recorder implements TransportHandler {
    final Map<ChannelId, CompletableFuture<String>> finished = new ConcurrentHashMap<>();
    final AtomicLong bytes = new AtomicLong();

    CompletableFuture<String> expect(ChannelId id) {
      return finished.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    @Override
    public void onMessage(PeerId from, TransferMessage message) {}

    @Override
    public void onProgress(ChannelId id, DataProgress p) {
      if (p.direction() == DataProgress.Direction.RECEIVED) {
        bytes.addAndGet(p.bytes());
      }
    }

    @Override
    public void onDataLimitReached(ChannelId id, long bytesQueued) {}

    @Override
    public void onDataFinished(ChannelId id, boolean sender, String error) {
      expect(id).complete(error);
    }

    @Override
    public void onPeerConnected(PeerId peer) {}

    @Override
    public void onPeerDisconnected(PeerId peer, String reason) {}
  }
}
