package io.ferry.transport.tcp.process;

import com.typesafe.config.ConfigFactory;
import io.ferry.channels.PeerId;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.ipld.unixfs.BlockSink;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.ipld.unixfs.UnixFsExporter;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.transport.identity.Multiaddr;
import io.ferry.transport.identity.NodeIdentity;
import io.ferry.transport.tcp.TcpSettings;
import io.ferry.transport.tcp.TcpTransport;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.pekko.actor.ActorSystem;

/**
 * One Ferry node in its own JVM for the process tests: a TCP transport with TLS over a LevelDB
 * block store under {@code --home}, and a {@link StandInEngine}. It reads commands from standard
 * input, one per line, and prints what happens on standard output:
 *
 * <pre>
 * import MIB SEED            -> imported ROOT BLOCKS DAG_BYTES SHA256
 * cid ROOT INDEX             -> cid INDEX CID
 * corrupt CID                   (this node's store returns wrong bytes for CID from now on)
 * connect MULTIADDR          -> connect-ok PEER | connect-failed REASON
 * pull MULTIADDR ROOT ID [restart] -> pulling ID HELD
 * push MULTIADDR ROOT ID     -> pushing ID
 * pause ID | resume ID       -> paused ID | resumed ID
 * roundtrip MULTIADDR N      -> echoed N
 * disconnect PEER
 * export ROOT                -> exported SHA256 BYTES
 * quit
 * </pre>
 *
 * plus the transport's events (progress, finished, peer-connected, ...). Options: {@code --home DIR
 * --listen MULTIADDR [--allow PEER,...] [--window BYTES [--in-flight BYTES]] [--download-rate
 * BYTES_PER_S]}.
 */
public final class TransportPeerMain {
  private TransportPeerMain() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    Path home = Path.of(opts.get("--home"));
    PrintStream out =
        new PrintStream(
            new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
    NodeIdentity identity = NodeIdentity.loadOrCreate(home);
    CorruptibleStore store = new CorruptibleStore(LevelDbBlockStore.open(home.resolve("blocks")));
    TcpSettings settings =
        TcpSettings.defaults(Multiaddr.parse(opts.getOrDefault("--listen", "/ip4/127.0.0.1/tcp/0")))
            .withLiveness(Duration.ofSeconds(2), Duration.ofSeconds(6), Duration.ofMillis(100));
    if (opts.containsKey("--allow")) {
      Set<PeerId> allowed =
          Arrays.stream(opts.get("--allow").split(","))
              .map(PeerId::parse)
              .collect(Collectors.toSet());
      settings = settings.withAllowedPeers(allowed);
    }
    if (opts.containsKey("--window")) {
      long w = Long.parseLong(opts.get("--window"));
      long perPeer =
          opts.containsKey("--in-flight")
              ? Long.parseLong(opts.get("--in-flight"))
              : Math.max(w, settings.inFlightPerPeer());
      settings = settings.withFlow(w, perPeer, settings.inFlightTotal());
    }
    if (opts.containsKey("--download-rate")) {
      settings = settings.withRates(0, Long.parseLong(opts.get("--download-rate")), 0, 0);
    }
    ActorSystem system =
        ActorSystem.create(
            "peer",
            TcpTransport.recommendedConfig()
                .withFallback(ConfigFactory.parseString("pekko.loglevel = WARNING"))
                .withFallback(ConfigFactory.load()));
    TcpTransport transport =
        TcpTransport.start(system, identity, store, settings).toCompletableFuture().get();
    StandInEngine engine = new StandInEngine(out);
    engine.attach(transport);
    out.println("ready " + transport.listenAddress().orElseThrow() + " " + identity.peerId());
    BufferedReader in =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String[] w = line.trim().split("\\s+");
      try {
        if (w[0].equals("quit")) {
          break;
        }
        run(w, transport, store, engine, out);
      } catch (Exception e) {
        out.println("error " + w[0] + ": " + e);
      }
    }
    transport.close();
    system.terminate();
    store.close();
    System.exit(0);
  }

  private static void run(
      String[] w,
      TcpTransport transport,
      CorruptibleStore store,
      StandInEngine engine,
      PrintStream out)
      throws Exception {
    switch (w[0]) {
      case "import" -> {
        GeneratedContent content =
            new GeneratedContent(Long.parseLong(w[1]) << 20, Long.parseLong(w[2]));
        BlockSink sink = BlockSink.batching(store, 8L << 20);
        ImportResult r = new UnixFsImporter(UnixFsProfile.DEFAULT, sink).importFile(content);
        sink.flush();
        out.println(
            "imported "
                + r.root()
                + " "
                + r.blocks()
                + " "
                + r.dagSize()
                + " "
                + content.sha256Hex());
      }
      case "cid" -> {
        Block b =
            Traversal.walk(store, Cid.parse(w[1]), Selectors.all())
                .skip(Long.parseLong(w[2]))
                .findFirst()
                .orElseThrow();
        out.println("cid " + w[2] + " " + b.cid());
      }
      case "corrupt" -> store.corrupt(Cid.parse(w[1]));
      case "connect" -> {
        try {
          PeerId p = transport.connect(Multiaddr.parse(w[1])).toCompletableFuture().get();
          out.println("connect-ok " + p);
        } catch (Exception e) {
          Throwable c = e.getCause() == null ? e : e.getCause();
          out.println("connect-failed " + c.getMessage());
        }
      }
      case "pull" -> {
        Multiaddr at = Multiaddr.parse(w[1]);
        transport.addPeer(at);
        engine.pull(at.peer(), Cid.parse(w[2]), Long.parseLong(w[3]), w.length > 4);
      }
      case "push" -> {
        Multiaddr at = Multiaddr.parse(w[1]);
        transport.addPeer(at);
        engine.push(at.peer(), Cid.parse(w[2]), Long.parseLong(w[3]));
      }
      case "pause" -> {
        transport.pause(engine.channel(Long.parseLong(w[1])));
        out.println("paused " + w[1]);
      }
      case "resume" -> {
        transport.resume(engine.channel(Long.parseLong(w[1])));
        out.println("resumed " + w[1]);
      }
      case "roundtrip" -> {
        Multiaddr at = Multiaddr.parse(w[1]);
        transport.addPeer(at);
        engine.roundTrip(at.peer(), Long.parseLong(w[2]));
      }
      case "disconnect" -> transport.disconnect(PeerId.parse(w[1]));
      case "export" -> {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        long n;
        try (DigestOutputStream d = new DigestOutputStream(OutputStream.nullOutputStream(), sha)) {
          n = new UnixFsExporter(store).exportFile(Cid.parse(w[1]), d);
        }
        out.println("exported " + HexFormat.of().formatHex(sha.digest()) + " " + n);
      }
      default -> out.println("error unknown command " + w[0]);
    }
  }
}
