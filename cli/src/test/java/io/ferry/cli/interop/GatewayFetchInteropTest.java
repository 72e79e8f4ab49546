package io.ferry.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.cli.demo.ChildNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ferry fetch} against a real trustless gateway: @helia/verified-fetch on an offline Helia
 * node under Node 24 (scripts/ipfs-clients/verified-fetch-gateway.mjs), serving DAGs that ipfs-car
 * packed: a 20 MiB file and a directory tree. Also a gateway that drops its first CAR answer midway
 * (the fetch resumes by asking only for the missing sub-DAG) and one that refuses CARs (block by
 * block, {@code ?format=raw}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayFetchInteropTest {
  @TempDir static Path tmp;
  private Path big;
  private Path tree;
  private String bigRoot;
  private String treeRoot;
  private Path script;

  @BeforeAll
  void packTheData() throws Exception {
    script = IpfsClients.script("verified-fetch-gateway.mjs");
    big = tmp.resolve("twenty.bin");
    byte[] data = new byte[20 << 20];
    new Random(7).nextBytes(data);
    Files.write(big, data);
    tree = Files.createDirectories(tmp.resolve("tree"));
    Random random = new Random(8);
    for (int d = 0; d < 3; d++) {
      Path sub = Files.createDirectories(tree.resolve("dir-" + d));
      for (int i = 0; i < 400; i++) {
        byte[] content = new byte[random.nextInt(5000)];
        random.nextBytes(content);
        Files.write(sub.resolve("f" + i + ".bin"), content);
      }
    }
    Files.write(tree.resolve("same-as-big.bin"), data);
    bigRoot = pack(big, "big.car", "--no-wrap");
    treeRoot = pack(tree, "tree.car");
  }

  private String pack(Path what, String car, String... extra) throws Exception {
    String[] args =
        Stream.concat(Stream.of("pack", what.toString(), "--output", car), Stream.of(extra))
            .toArray(String[]::new);
    IpfsClients.Result r = IpfsClients.ipfsCar(tmp, args);
    assertThat(r.exit()).as(r.err()).isZero();
    return r.lastLine();
  }

  /** A running verified-fetch gateway; closing it stops the process. */
  private record Gateway(Process process, String url, Path log) implements AutoCloseable {
    List<String> requests() throws IOException {
      return Files.readAllLines(log).stream().filter(l -> l.startsWith("request ")).toList();
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    }
  }

  private Gateway gateway(String name, String... flags) throws Exception {
    Path log = tmp.resolve(name + ".log");
    String[] args =
        Stream.concat(
                Stream.of(tmp.resolve("big.car").toString(), tmp.resolve("tree.car").toString()),
                Stream.of(flags))
            .toArray(String[]::new);
    Process p = IpfsClients.startNode(tmp, log, script.toString(), args);
    BufferedReader out =
        new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return out.readLine();
                  } catch (IOException e) {
                    return null;
                  }
                })
            .get(3, TimeUnit.MINUTES);
    assertThat(line).as("the gateway's first line; its log: %s", log).startsWith("listening ");
    return new Gateway(p, line.substring("listening ".length()), log);
  }

  private IpfsClients.Result fetch(Path home, String url, String root) throws Exception {
    return IpfsClients.ferry(tmp, "fetch", "--home", home.toString(), url, root);
  }

  private void assertExportsAs(Path home, String root, Path original) throws Exception {
    Path out =
        tmp.resolve("export-" + home.getFileName() + "-" + root.substring(root.length() - 6));
    IpfsClients.Result r = IpfsClients.ferry(tmp, "export", "--home", "" + home, root, "" + out);
    assertThat(r.exit()).as(r.err()).isZero();
    if (Files.isDirectory(original)) {
      try (Stream<Path> files = Files.walk(original)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          assertThat(Files.mismatch(f, out.resolve(original.relativize(f).toString())))
              .as("%s", f)
              .isEqualTo(-1L);
        }
      }
    } else {
      assertThat(Files.mismatch(original, out)).isEqualTo(-1L);
    }
  }

  @Test
  void aTwentyMebibyteFileAndADirectoryTreeArriveByteIdenticalFromAVerifiedFetchGateway()
      throws Exception {
    Path home = IpfsClients.home(tmp.resolve("plain"));
    try (Gateway g = gateway("plain")) {
      IpfsClients.Result file = fetch(home, g.url(), bigRoot);
      IpfsClients.Result dir = fetch(home, g.url(), treeRoot);

      assertThat(file.exit()).as(file.err()).isZero();
      assertThat(file.lastLine()).isEqualTo(bigRoot);
      assertThat(file.err()).contains("fetched");
      assertThat(dir.exit()).as(dir.err()).isZero();
      assertThat(dir.lastLine()).isEqualTo(treeRoot);
      assertThat(dir.text()).contains("(1 CAR and 0 raw requests)");
    }
    assertExportsAs(home, bigRoot, big);
    assertExportsAs(home, treeRoot, tree);
  }

  @Test
  void aFetchWhoseCarStreamBreaksResumesAskingOnlyForWhatIsMissing() throws Exception {
    Path home = IpfsClients.home(tmp.resolve("cut"));
    try (Gateway g = gateway("cut", "--cut-car-after", "5000000")) {
      IpfsClients.Result r = fetch(home, g.url(), bigRoot);

      assertThat(r.exit()).as(r.err()).isZero();
      List<String> requests = g.requests();
      assertThat(requests).hasSizeGreaterThanOrEqualTo(2);
      assertThat(requests.get(0)).contains(bigRoot);
      assertThat(requests.subList(1, requests.size()))
          .as("after the break, only the missing blocks are asked for")
          .noneMatch(q -> q.contains(bigRoot));
      // 20 MiB arrived once: the blocks before the break were not sent again.
      assertThat(r.text()).containsPattern(" 2097[0-9]{4} bytes");
    }
    assertExportsAs(home, bigRoot, big);
  }

  @Test
  void aFetchThroughARunningNodeIsAChannelLikeRecordInChannelsLsAndTheEventStream()
      throws Exception {
    Path home = tmp.resolve("node-home");
    Path config = tmp.resolve("node.conf");
    Files.writeString(config, "");
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      port = s.getLocalPort();
    }
    ChildNode node =
        new ChildNode(
            "fetching-node",
            home,
            config,
            "/ip4/127.0.0.1/tcp/" + port,
            List.of("-Xmx384m", "-XX:+UseSerialGC"));
    try (Gateway g = gateway("through-node")) {
      node.start().awaitApi(java.time.Duration.ofSeconds(120));
      HttpClient http = HttpClient.newHttpClient();
      HttpRequest events =
          HttpRequest.newBuilder(java.net.URI.create(node.apiUrl() + "/v1/events?follow=true"))
              .header("Authorization", "Bearer " + node.token())
              .build();
      // Subscribed (the answer's headers are in) before the fetch starts.
      HttpResponse<Stream<String>> stream =
          http.sendAsync(events, HttpResponse.BodyHandlers.ofLines()).get(1, TimeUnit.MINUTES);
      CompletableFuture<List<String>> fetchEvents =
          CompletableFuture.supplyAsync(
              () ->
                  stream
                      .body()
                      .filter(l -> l.startsWith("data:") && l.contains("\"fetch-1\""))
                      .takeWhile(l -> !l.contains("FetchCompleted") && !l.contains("FetchFailed"))
                      .toList());

      IpfsClients.Result fetched = fetch(home, g.url(), bigRoot);
      IpfsClients.Result ls = IpfsClients.ferry(tmp, "channels", "ls", "--home", "" + home);
      IpfsClients.Result json =
          IpfsClients.ferry(tmp, "channels", "ls", "--home", "" + home, "--json");

      assertThat(fetched.exit()).as(fetched.err()).isZero();
      assertThat(fetched.lastLine()).isEqualTo(bigRoot);
      assertThat(ls.exit()).as(ls.err()).isZero();
      assertThat(ls.text()).containsPattern("Completed +pull +fetch .* fetch-1");
      assertThat(json.text()).contains("\"receivedBlocks\" : 21").contains(bigRoot);
      assertThat(fetchEvents.get(2, TimeUnit.MINUTES))
          .as("the fetch's events before it completed")
          .anyMatch(l -> l.contains("FetchStarted"));
    } finally {
      node.stop();
    }
    assertExportsAs(home, bigRoot, big);
  }

  @Test
  void aGatewayThatRefusesCarsIsReadBlockByBlock() throws Exception {
    Path home = IpfsClients.home(tmp.resolve("raw"));
    try (Gateway g = gateway("raw", "--refuse-car")) {
      IpfsClients.Result r = fetch(home, g.url(), bigRoot);

      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.text()).contains("21 new blocks").contains("21 raw requests");
      assertThat(g.requests()).anyMatch(q -> q.contains("format=raw"));
    }
    assertExportsAs(home, bigRoot, big);
  }
}
