package io.ferry.cli.e2e;

import static io.ferry.cli.e2e.FerryProcess.ferry;
import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.persistence.blocks.LevelDbBlockStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pull completes between two real node processes; then, while the client is stopped, a block of
 * the file goes missing from its block store. Started again, the client says so, in its log at
 * start and in the channel's view, instead of showing a Completed channel over data it no longer
 * has (issue 19, 6).
 */
class MissingBlocksProcessTest {
  @TempDir Path dir;

  /**
   * What a node wrote, stderr and stdout (the node logs to stderr; on the test class path the
   * channels test-jar's logback-test.xml sends its log to stdout).
   */
  private static String output(NodeProcess node) {
    StringBuilder all = new StringBuilder(node.log());
    try {
      Path out = node.home().resolve("node.out");
      if (Files.exists(out)) {
        all.append(Files.readString(out));
      }
    } catch (java.io.IOException e) {
      all.append("(node.out unreadable: ").append(e.getMessage()).append(')');
    }
    return all.toString();
  }

  @Test
  @Timeout(600)
  void aCompletedChannelWhoseBlockWentMissingIsReportedAtStartAndInItsView() throws Exception {
    Path conf = dir.resolve("node.conf");
    Files.writeString(conf, "ferry.timeouts.restart { backoff-min = 200ms, backoff-max = 2s }\n");
    byte[] data = new byte[1024 * 1024 + 5];
    new Random(19).nextBytes(data);
    Path file = dir.resolve("file.bin");
    Files.write(file, data);

    String root;
    String id;
    Cid gone;
    try (NodeProcess provider = new NodeProcess(dir.resolve("provider"), conf).start()) {
      FerryProcess.Result imported =
          ferry("import", "--home", provider.home().toString(), file.toString());
      assertThat(imported.exit()).as(imported.err()).isZero();
      root = imported.lastLine();
      NodeProcess client = new NodeProcess(dir.resolve("client"), conf).start();
      try {
        FerryProcess.Result pulled =
            ferry(
                "pull",
                "--home",
                client.home().toString(),
                "--from",
                provider.peerAddress(),
                root,
                "--out",
                dir.resolve("copy.bin").toString());
        assertThat(pulled.exit()).as(pulled.out() + pulled.err()).isZero();
        id =
            pulled
                .out()
                .lines()
                .filter(l -> l.contains("channel "))
                .findFirst()
                .orElseThrow()
                .replaceAll(".*channel ", "")
                .strip();
        FerryProcess.Result whole = ferry("channels", "show", id, "--home", "" + client.home());
        assertThat(whole.out()).contains("Completed").doesNotContain("dataWarning");
      } finally {
        client.stop();
      }

      try (LevelDbBlockStore store = LevelDbBlockStore.open(client.home().resolve("blocks"))) {
        List<Block> blocks =
            Traversal.walk(store, Cid.parse(root), Selectors.all()).limit(3).toList();
        gone = blocks.get(2).cid();
        store.delete(gone);
      }

      client.start();
      try {
        FerryProcess.Result shown = ferry("channels", "show", id, "--home", "" + client.home());

        assertThat(shown.exit()).as(shown.err()).isZero();
        assertThat(shown.out())
            .containsPattern("status: +Completed")
            .contains("dataWarning:")
            .contains("no longer whole in this node's block store")
            .contains("block " + gone + " (block 3 of the transfer) is missing")
            .contains("pull it again");
        io.ferry.channels.testing.Poll.until(
            java.time.Duration.ofSeconds(60),
            "the start-up check's warning in the client's log",
            () -> output(client),
            log -> log.contains("channel " + id + ": the channel completed, but"));
      } finally {
        client.stop();
      }
    }
  }
}
