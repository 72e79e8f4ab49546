package io.ferry.cli.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RandomFileTest {
  @TempDir Path dir;

  @Test
  void theHashReturnedIsTheHashOfTheBytesWrittenAndACopyThatDiffersHashesDifferently()
      throws Exception {
    Path file = dir.resolve("a.bin");
    String written = RandomFile.write(file, 3 * 1024 * 1024 + 5);

    byte[] bytes = Files.readAllBytes(file);
    assertThat(bytes).hasSize(3 * 1024 * 1024 + 5);
    assertThat(written)
        .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)))
        .isEqualTo(RandomFile.sha256(file));
    bytes[bytes.length / 2] ^= 1;
    Path changed = Files.write(dir.resolve("b.bin"), bytes);
    assertThat(RandomFile.sha256(changed)).isNotEqualTo(written);
    assertThat(RandomFile.write(dir.resolve("c.bin"), 1024)).isNotEqualTo(written);
  }
}
