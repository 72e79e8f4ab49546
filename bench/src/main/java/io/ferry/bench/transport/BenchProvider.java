package io.ferry.bench.transport;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.channels.wire.DataProgress;
import io.ferry.channels.wire.DataRequest;
import io.ferry.channels.wire.TransferMessage;
import io.ferry.channels.wire.TransferRequest;
import io.ferry.channels.wire.TransferResponse;
import io.ferry.channels.wire.TransportHandler;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.ipld.unixfs.BlockSink;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.TcpTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.StringJoiner;
import org.apache.pekko.actor.ActorSystem;

/**
 * The serving side of the transport benchmark, in its own JVM: a TCP transport over a memory or
 * LevelDB store that answers every pull request by sending the DAG. Commands on standard input:
 * {@code big MIB SEED}, {@code small COUNT KIB SEED}, {@code heap}, {@code cpu}, {@code vm}, {@code
 * quit}.
 */
public final class BenchProvider implements TransportHandler {
  private final TcpTransport transport;

  private BenchProvider(TcpTransport transport) {
    this.transport = transport;
  }

  public static void main(String[] args) throws Exception {
    String storeKind = args.length > 0 ? args[0] : "memory";
    BlockStore store =
        storeKind.equals("memory")
            ? new MemoryBlockStore()
            : LevelDbBlockStore.open(Path.of(args[1]));
    ActorSystem system =
        ActorSystem.create(
            "provider",
            TcpTransport.recommendedConfig()
                .withFallback(ConfigFactory.parseString("pekko.loglevel = WARNING"))
                .withFallback(ConfigFactory.load()));
    TcpSettings settings =
        TcpSettings.defaults(Multiaddr.parse("/ip4/127.0.0.1/tcp/0"))
            .withSendingChannels(2000, 2000);
    TcpTransport transport =
        TcpTransport.start(system, NodeIdentity.generate(), store, settings)
            .toCompletableFuture()
            .get();
    transport.bind(new BenchProvider(transport));
    System.out.println("ready " + transport.listenAddress().orElseThrow());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] w = line.split(" ");
      switch (w[0]) {
        case "big" -> {
          ImportResult r =
              importContent(
                  store, Long.parseLong(w[1]) << 20, Integer.parseInt(w[2]), UnixFsProfile.DEFAULT);
          System.out.println("dag " + r.root() + " " + r.blocks() + " " + r.dagSize());
        }
        case "small" -> {
          int count = Integer.parseInt(w[1]);
          long size = Long.parseLong(w[2]) << 10;
          UnixFsProfile small =
              new UnixFsProfile(
                  "small",
                  1,
                  true,
                  16 << 10,
                  174,
                  UnixFsProfile.DirectoryEstimate.BLOCK_BYTES,
                  262_144);
          StringJoiner roots = new StringJoiner(" ", "dags ", "");
          for (int i = 0; i < count; i++) {
            roots.add(
                importContent(store, size, Integer.parseInt(w[3]) + i, small).root().toString());
          }
          System.out.println(roots);
        }
        case "heap" -> System.out.println("heap " + heapUsedAfterGc());
        case "cpu" -> System.out.println("cpu " + cpuNanos());
        case "vm" -> {
          long[] vm = vmMillis();
          System.out.println("vm " + vm[0] + " " + vm[1]);
        }
        case "quit" -> {
          transport.close();
          system.terminate();
          store.close();
          System.exit(0);
        }
        default -> System.out.println("error unknown command " + w[0]);
      }
      System.out.flush();
    }
  }

  static ImportResult importContent(BlockStore store, long size, int seed, UnixFsProfile profile)
      throws Exception {
    BlockSink sink = BlockSink.batching(store, 16L << 20);
    ImportResult r = new UnixFsImporter(profile, sink).importFile(new Content(size, seed));
    sink.flush();
    return r;
  }

  static long heapUsedAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /**
   * Milliseconds this JVM has spent compiling (summed over the compiler threads) and in GC (summed
   * over the collectors), so far.
   */
  static long[] vmMillis() {
    long gc = 0;
    for (var b : ManagementFactory.getGarbageCollectorMXBeans()) {
      gc += Math.max(0, b.getCollectionTime());
    }
    return new long[] {ManagementFactory.getCompilationMXBean().getTotalCompilationTime(), gc};
  }

  static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  @Override
  public void onMessage(PeerId from, TransferMessage message) {
    if (message instanceof TransferRequest r && r.pull()) {
      ChannelId id = new ChannelId(from, transport.self(), r.transferId());
      transport.openSend(
          DataRequest.of(id, from, r.baseCid(), r.selector())
              .withStartIndex(r.receivedBlocks())
              .withCountedBlocks(r.receivedBlocks()),
          new TransferResponse(r.type(), r.transferId(), true, false, null, 0, ""));
    }
  }

  @Override
  public void onProgress(ChannelId channelId, DataProgress progress) {}

  @Override
  public void onDataLimitReached(ChannelId channelId, long bytesQueued) {}

  @Override
  public void onDataFinished(ChannelId channelId, boolean sender, String error) {
    if (error != null) {
      System.out.println("failed " + channelId.transferId() + " " + error);
    }
  }

  @Override
  public void onPeerConnected(PeerId peer) {}

  @Override
  public void onPeerDisconnected(PeerId peer, String reason) {}
}
