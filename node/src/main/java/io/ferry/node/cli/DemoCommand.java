package io.ferry.node.cli;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.PeerId;
import io.ferry.channels.Status;
import io.ferry.channels.spi.RequestValidator;
import io.ferry.channels.spi.ValidationRequest;
import io.ferry.channels.spi.ValidationResult;
import io.ferry.channels.spi.VoucherType;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.BlockSink;
import io.ferry.ipld.unixfs.ImportResult;
import io.ferry.ipld.unixfs.UnixFsExporter;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import io.ferry.node.FerryNode;
import io.ferry.node.NodeSettings;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.transport.local.BatchPolicy;
import io.ferry.transport.local.LocalNetwork;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ferry demo}: two nodes in this process, each with a fresh data directory, joined by the
 * in-JVM transport. The provider imports a generated file, the client pulls it, every event on both
 * sides is printed as it happens, and the received bytes are checked against the original.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs two nodes in this process and pulls a generated file from one to the other,",
      "printing every channel event on both sides, then verifies the bytes and cleans up."
    })
public final class DemoCommand implements Callable<Integer> {
  /** The demo's voucher: what a client presents to be served. */
  public record DemoVoucher(String client) {}

  static final VoucherType<DemoVoucher> VOUCHER = VoucherType.of("ferry/demo/1", DemoVoucher.class);

  @Spec CommandSpec spec;

  @Option(
      names = "--size",
      defaultValue = "8388608",
      description = "Bytes in the generated file (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--keep",
      description = "Keep the two nodes' data directories instead of deleting them.")
  boolean keep;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Path root = Files.createTempDirectory("ferry-demo-");
    LocalNetwork network = new LocalNetwork(new BatchPolicy(8, 4L << 20), 2);
    Side provider = new Side("provider", root.resolve("provider"), network, out);
    Side client = new Side("client", root.resolve("client"), network, out);
    try {
      provider.node.registerVoucherType(VOUCHER, acceptAll());
      client.node.registerVoucherType(VOUCHER, acceptAll());
      CompletableFuture.allOf(
              provider.node.start().toCompletableFuture(),
              client.node.start().toCompletableFuture())
          .get(120, TimeUnit.SECONDS);
      byte[] content = new byte[size];
      new SecureRandom().nextBytes(content);
      ImportResult file = importFile(provider.store, content);
      out.printf(
          "provider %s imported %s as %s (%d blocks)%n",
          provider.node.peerId(), EventPrinter.human(size), file.root(), file.blocks());
      out.printf("client   %s pulls it%n%n%s%n", client.node.peerId(), EventPrinter.header());
      out.flush();

      ChannelId id =
          client
              .node
              .openPullDataChannel(
                  provider.node.peerId(),
                  new DemoVoucher("demo client"),
                  file.root(),
                  Selectors.all())
              .toCompletableFuture()
              .get(60, TimeUnit.SECONDS);
      ChannelState atClient = client.ended(id).get(300, TimeUnit.SECONDS);
      ChannelState atProvider = provider.ended(id).get(60, TimeUnit.SECONDS);

      out.println();
      if (atClient.status() != Status.Completed || atProvider.status() != Status.Completed) {
        err.printf(
            "transfer did not complete: client %s (%s), provider %s (%s)%n",
            atClient.status(), atClient.message(), atProvider.status(), atProvider.message());
        return 1;
      }
      ByteArrayOutputStream received = new ByteArrayOutputStream(size);
      new UnixFsExporter(client.store).exportFile(file.root(), received);
      String want = sha256(content);
      String got = sha256(received.toByteArray());
      if (!want.equals(got)) {
        err.printf("received bytes differ: sha-256 %s, expected %s%n", got, want);
        return 1;
      }
      out.printf(
          "verified: %s received, sha-256 %s; provider sent %s, client received %s%n",
          EventPrinter.human(received.size()),
          got,
          EventPrinter.human(atProvider.sent()),
          EventPrinter.human(atClient.received()));
      return 0;
    } finally {
      client.close();
      provider.close();
      network.close();
      if (keep) {
        out.println("data directories kept under " + root);
      } else {
        deleteTree(root);
      }
      out.flush();
    }
  }

  /** One node of the demo, with its store and the printer of its events. */
  private static final class Side implements AutoCloseable {
    final LevelDbBlockStore store;
    final FerryNode node;
    private final ConcurrentHashMap<ChannelId, CompletableFuture<ChannelState>> ends =
        new ConcurrentHashMap<>();

    Side(String name, Path home, LocalNetwork network, PrintWriter out) throws IOException {
      Files.createDirectories(home);
      store = LevelDbBlockStore.open(home.resolve("blocks"));
      node = new FerryNode(NodeSettings.forHome(home), network.join(randomPeer(), store));
      node.subscribeToEvents(new EventPrinter(name, out));
      node.subscribeToEvents(
          (e, s) -> {
            if (s.status().isTerminal()) {
              ends.computeIfAbsent(s.channelId(), k -> new CompletableFuture<>()).complete(s);
            }
          });
    }

    CompletableFuture<ChannelState> ended(ChannelId id) {
      return ends.computeIfAbsent(id, k -> new CompletableFuture<>());
    }

    @Override
    public void close() throws Exception {
      node.stop().toCompletableFuture().get(60, TimeUnit.SECONDS);
      store.close();
    }
  }

  private static PeerId randomPeer() {
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    return PeerId.ofEd25519(key);
  }

  private static ImportResult importFile(LevelDbBlockStore store, byte[] content)
      throws IOException {
    UnixFsProfile profile =
        new UnixFsProfile(
            "demo-256k",
            1,
            true,
            256 << 10,
            174,
            UnixFsProfile.DirectoryEstimate.BLOCK_BYTES,
            262_144);
    BlockSink sink = BlockSink.batching(store, 4L << 20);
    ImportResult result =
        new UnixFsImporter(profile, sink).importFile(new ByteArrayInputStream(content));
    sink.flush();
    return result;
  }

  private static RequestValidator<DemoVoucher> acceptAll() {
    return new RequestValidator<>() {
      @Override
      public CompletionStage<ValidationResult> validatePush(ValidationRequest<DemoVoucher> r) {
        return CompletableFuture.completedFuture(ValidationResult.accept());
      }

      @Override
      public CompletionStage<ValidationResult> validatePull(ValidationRequest<DemoVoucher> r) {
        return CompletableFuture.completedFuture(ValidationResult.accept());
      }
    };
  }

  private static String sha256(byte[] data) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
  }

  private static void deleteTree(Path root) throws IOException {
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
