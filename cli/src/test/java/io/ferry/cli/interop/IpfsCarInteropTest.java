package io.ferry.cli.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * ipfs-car 3.1.0 (npm) against the {@code ferry} command on the same data: a directory of 5,000
 * files (a HAMT-sharded directory for both) and a 20 MiB file import to the same root CIDs, and
 * what Ferry exports, as files or as a CAR on standard output, is byte-identical to the input.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class IpfsCarInteropTest {
  @TempDir static Path tmp;
  private Path dir;
  private Path big;
  private Path home;

  @BeforeAll
  void writeTheData() throws IOException {
    IpfsClients.dir();
    dir = Files.createDirectories(tmp.resolve("five-thousand"));
    Random random = new Random(5000);
    for (int i = 0; i < 5000; i++) {
      byte[] content = new byte[1 + random.nextInt(3000)];
      random.nextBytes(content);
      Files.write(
          dir.resolve("entry-" + i + "-" + Integer.toHexString(i * 7919) + ".dat"), content);
    }
    big = tmp.resolve("twenty.bin");
    byte[] data = new byte[20 << 20];
    new Random(20).nextBytes(data);
    Files.write(big, data);
    home = IpfsClients.home(tmp.resolve("home"));
  }

  @Test
  void aDirectoryOfFiveThousandFilesImportsToIpfsCarsRootAndComesBackByteIdentical()
      throws Exception {
    IpfsClients.Result packed =
        IpfsClients.ipfsCar(tmp, "pack", dir.toString(), "--output", "d.car");
    IpfsClients.Result imported = IpfsClients.ferry(tmp, "import", "--home", "" + home, "" + dir);

    assertThat(packed.exit()).as(packed.err()).isZero();
    assertThat(imported.exit()).as(imported.err()).isZero();
    String root = packed.lastLine();
    assertThat(root).startsWith("bafy");
    assertThat(imported.lastLine()).isEqualTo(root);

    Path exported = tmp.resolve("exported");
    IpfsClients.Result export =
        IpfsClients.ferry(tmp, "export", "--home", "" + home, root, "" + exported);
    assertThat(export.exit()).as(export.err()).isZero();
    assertSameTree(dir, exported);

    // Ferry's CAR on standard output, unpacked by ipfs-car: the same files again.
    IpfsClients.Result car =
        IpfsClients.ferry(tmp, "car", "export", "--home", "" + home, root, "-");
    assertThat(car.exit()).as(car.err()).isZero();
    Path unpacked = tmp.resolve("unpacked");
    IpfsClients.Result unpack =
        IpfsClients.ipfsCar(tmp, "unpack", car.out().toString(), "--output", "" + unpacked);
    assertThat(unpack.exit()).as(unpack.err()).isZero();
    assertSameTree(dir, unpacked);

    IpfsClients.Result one =
        IpfsClients.ferry(
            tmp,
            "cat",
            "--home",
            "" + home,
            root + "/entry-42-" + Integer.toHexString(42 * 7919) + ".dat");
    assertThat(one.exit()).as(one.err()).isZero();
    assertThat(
            Files.mismatch(
                one.out(), dir.resolve("entry-42-" + Integer.toHexString(42 * 7919) + ".dat")))
        .isEqualTo(-1L);
  }

  @Test
  void aTwentyMebibyteFileImportsToIpfsCarsRootAndCatsByteIdentical() throws Exception {
    IpfsClients.Result packed =
        IpfsClients.ipfsCar(tmp, "pack", big.toString(), "--no-wrap", "--output", "big.car");
    Path bigHome = IpfsClients.home(tmp.resolve("big-home"));
    IpfsClients.Result imported =
        IpfsClients.ferry(tmp, "import", "--home", "" + bigHome, "" + big);

    assertThat(packed.exit()).as(packed.err()).isZero();
    assertThat(imported.exit()).as(imported.err()).isZero();
    String root = packed.lastLine();
    assertThat(imported.lastLine()).isEqualTo(root);
    IpfsClients.Result cat = IpfsClients.ferry(tmp, "cat", "--home", "" + bigHome, root);
    assertThat(cat.exit()).as(cat.err()).isZero();
    assertThat(Files.mismatch(cat.out(), big)).isEqualTo(-1L);
    IpfsClients.Result export = IpfsClients.ferry(tmp, "export", "--home", "" + bigHome, root, "-");
    assertThat(export.exit()).as(export.err()).isZero();
    assertThat(Files.mismatch(export.out(), big)).isEqualTo(-1L);
  }

  private static void assertSameTree(Path expected, Path actual) throws IOException {
    try (Stream<Path> files = Files.list(expected)) {
      long count = 0;
      for (Path f : files.toList()) {
        assertThat(Files.mismatch(f, actual.resolve(f.getFileName().toString())))
            .as("%s exported identically", f.getFileName())
            .isEqualTo(-1L);
        count++;
      }
      try (Stream<Path> back = Files.list(actual)) {
        assertThat(back.count()).isEqualTo(count);
      }
    }
  }
}
