package io.ferry.bench.gateway;

import com.typesafe.config.ConfigFactory;
import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import io.ferry.ipld.car.CarWriter;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.unixfs.BlockSink;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import io.ferry.server.config.ApiAddress;
import io.ferry.server.gateway.GatewayServer;
import io.ferry.server.gateway.GatewaySettings;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;

/**
 * Ferry's gateway next to nginx on the same data, in the same run, round by round:
 *
 * <ul>
 *   <li>one CAR of a {@code MiB}-sized UnixFS file (1 MiB raw leaves, the default profile): {@code
 *       GET /ipfs/{root}?format=car} streamed from LevelDB, against nginx sending the same CAR
 *       bytes as a file; read by {@code curl} into /dev/null;
 *   <li>100 concurrent requests for 100 different 16 KiB raw blocks ({@code ?format=raw}) against
 *       nginx sending the same bytes as 100 files; JDK HttpClient, HTTP/1.1, a batch at a time.
 * </ul>
 *
 * <p>Arguments: MiB of the large file (1024), rounds (3), small batches per round (20), work
 * directory (a temporary one). Needs nginx ({@code bench/gateway-bench.sh} installs it).
 */
public final class GatewayBench {
  private static final int SMALL = 100;
  private static final int SMALL_BYTES = 16 << 10;

  private GatewayBench() {}

  public static void main(String[] args) throws Exception {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int batches = args.length > 2 ? Integer.parseInt(args[2]) : 20;
    Path work =
        args.length > 3
            ? Files.createDirectories(Path.of(args[3]))
            : Files.createTempDirectory("ferry-gateway-bench");
    Path www = Files.createDirectories(work.resolve("www"));
    System.out.printf(
        "work directory %s; %d MiB file, %d rounds, %d batches of %d%n",
        work, mib, rounds, batches, SMALL);

    LevelDbBlockStore store = LevelDbBlockStore.open(work.resolve("blocks"));
    long t0 = System.nanoTime();
    BlockSink sink = BlockSink.batching(store, 64L << 20);
    Cid root = new UnixFsImporter(UnixFsProfile.DEFAULT, sink).importFile(content(mib)).root();
    sink.flush();
    Path car = www.resolve(root + ".car");
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(car), 1 << 20)) {
      CarWriter.writeDag(store, root, Selectors.all(), out);
    }
    List<Cid> small = new ArrayList<>();
    Random random = new Random(402);
    Files.createDirectories(www.resolve("small"));
    for (int i = 0; i < SMALL; i++) {
      byte[] data = new byte[SMALL_BYTES];
      random.nextBytes(data);
      Block b = Block.of(Multicodec.RAW, data);
      store.put(b);
      Files.write(www.resolve("small").resolve(b.cid().toString()), data);
      small.add(b.cid());
    }
    System.out.printf(
        "prepared in %.1f s: root %s, CAR %,d bytes%n",
        (System.nanoTime() - t0) / 1e9, root, Files.size(car));

    ActorSystem<Void> system =
        ActorSystem.create(Behaviors.empty(), "gateway-bench", ConfigFactory.load());
    GatewayServer gateway =
        GatewayServer.start(
                system,
                store,
                "bench",
                new GatewaySettings(
                    Optional.of(new ApiAddress("127.0.0.1", 0)),
                    work.resolve("gateway.addr"),
                    1000,
                    0,
                    0,
                    List.of()))
            .toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
    String ferry = gateway.address().baseUrl();
    StaticServer nginx = StaticServer.start(www, work, freePort());
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    String ferryCar = ferry + "/ipfs/" + root + "?format=car";
    String nginxCar = nginx.base() + "/" + root + ".car";
    List<String> ferrySmall =
        small.stream().map(c -> ferry + "/ipfs/" + c + "?format=raw").toList();
    List<String> nginxSmall = small.stream().map(c -> nginx.base() + "/small/" + c).toList();
    try {
      System.out.println("warm-up: one CAR and 20 batches from each server (untimed)");
      curl(ferryCar);
      curl(nginxCar);
      for (int i = 0; i < 20; i++) {
        batch(http, ferrySmall);
        batch(http, nginxSmall);
      }
      System.out.println();
      System.out.println(
          "round | CAR Ferry MB/s | CAR nginx MB/s | ratio | 100 raw Ferry req/s | 100 raw nginx req/s | ratio");
      for (int r = 1; r <= rounds; r++) {
        double[] fc = curl(ferryCar);
        double[] nc = curl(nginxCar);
        double fs = smallRate(http, ferrySmall, batches);
        double ns = smallRate(http, nginxSmall, batches);
        if (fc[1] != nc[1]) {
          throw new IllegalStateException("the CARs differ in size: " + fc[1] + " vs " + nc[1]);
        }
        double ferryRate = fc[1] / fc[0];
        double nginxRate = nc[1] / nc[0];
        System.out.printf(
            "%5d | %14.0f | %14.0f | %5.2f | %19.0f | %19.0f | %5.2f%n",
            r, ferryRate / 1e6, nginxRate / 1e6, ferryRate / nginxRate, fs, ns, fs / ns);
      }
    } finally {
      nginx.close();
      gateway.close();
      system.terminate();
      system.getWhenTerminated().toCompletableFuture().get(30, TimeUnit.SECONDS);
      store.close();
    }
  }

  /** {@code curl} reading {@code url} into /dev/null: {seconds, bytes}. */
  private static double[] curl(String url) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "curl",
                "-sS",
                "--fail",
                "-o",
                "/dev/null",
                "-w",
                "%{time_total} %{size_download}",
                url)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes()).strip();
    if (p.waitFor() != 0) {
      throw new IOException("curl " + url + " failed: " + out);
    }
    String[] parts = out.split(" ");
    return new double[] {Double.parseDouble(parts[0]), Double.parseDouble(parts[1])};
  }

  /** Requests per second over {@code batches} batches of all {@code urls} at once. */
  private static double smallRate(HttpClient http, List<String> urls, int batches)
      throws Exception {
    long start = System.nanoTime();
    for (int i = 0; i < batches; i++) {
      batch(http, urls);
    }
    return (double) urls.size() * batches / ((System.nanoTime() - start) / 1e9);
  }

  private static void batch(HttpClient http, List<String> urls) {
    List<CompletableFuture<HttpResponse<byte[]>>> all = new ArrayList<>();
    for (String u : urls) {
      all.add(
          http.sendAsync(
              HttpRequest.newBuilder(URI.create(u)).timeout(Duration.ofSeconds(60)).build(),
              HttpResponse.BodyHandlers.ofByteArray()));
    }
    for (CompletableFuture<HttpResponse<byte[]>> f : all) {
      HttpResponse<byte[]> r = f.join();
      if (r.statusCode() != 200 || r.body().length != SMALL_BYTES) {
        throw new IllegalStateException(
            r.uri() + " answered " + r.statusCode() + " with " + r.body().length + " bytes");
      }
    }
  }

  /** {@code mib} MiB of seeded pseudo-random bytes, generated as they are read. */
  private static InputStream content(int mib) {
    return new InputStream() {
      private final Random random = new Random(1024);
      private final byte[] chunk = new byte[1 << 20];
      private int at = chunk.length;
      private long left = (long) mib << 20;

      @Override
      public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        if (at == chunk.length) {
          random.nextBytes(chunk);
          at = 0;
        }
        int n = (int) Math.min(Math.min(len, chunk.length - at), left);
        System.arraycopy(chunk, at, b, off, n);
        at += n;
        left -= n;
        return n;
      }
    };
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
