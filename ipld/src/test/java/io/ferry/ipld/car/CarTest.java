package io.ferry.ipld.car;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.ferry.ipld.Block;
import io.ferry.ipld.BlockVerificationException;
import io.ferry.ipld.Cid;
import io.ferry.ipld.codec.CodecException;
import io.ferry.ipld.selector.Selectors;
import io.ferry.ipld.store.MemoryBlockStore;
import io.ferry.ipld.traversal.Traversal;
import io.ferry.ipld.unixfs.TestData;
import io.ferry.ipld.unixfs.UnixFsExporter;
import io.ferry.ipld.unixfs.UnixFsImporter;
import io.ferry.ipld.unixfs.UnixFsProfile;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CarTest {
  /** What `ipfs-car pack tree` printed for TestData.writeTree(tree, false) (see car/README.md). */
  private static final Cid IPFS_CAR_ROOT =
      Cid.parse("bafybeia3owmfbyzbzlu4mqlqpuiz5yenhhv37vfbma5kbzm4hlqi2hb2mq");

  private final MemoryBlockStore store = new MemoryBlockStore();

  @AfterEach
  void close() {
    store.close();
  }

  private static byte[] ipfsCarBytes() throws IOException {
    try (InputStream in = CarTest.class.getResourceAsStream("/car/ipfs-car-tree.car")) {
      return in.readAllBytes();
    }
  }

  @Test
  void aCarPackedByIpfsCarImportsAndItsRootExportsToTheOriginalTree(@TempDir Path tmp)
      throws Exception {
    List<Cid> roots = CarReader.importInto(store, new ByteArrayInputStream(ipfsCarBytes()));
    assertThat(roots).containsExactly(IPFS_CAR_ROOT);
    assertThat(store.count()).isEqualTo(9);
    Path original = tmp.resolve("original");
    TestData.writeTree(original, false);
    Path exported = tmp.resolve("exported");
    new UnixFsExporter(store).export(roots.get(0), exported);
    for (String file :
        List.of("hello.txt", "data.bin", "sub/Zed.txt", "sub/empty.txt", "sub/deep/one.bin")) {
      assertThat(exported.resolve(file)).hasSameBinaryContentAs(original.resolve(file));
    }
    Cid reimported =
        new UnixFsImporter(UnixFsProfile.V1_2025, block -> {}).importPath(exported).root();
    assertThat(reimported).isEqualTo(IPFS_CAR_ROOT);
  }

  @Test
  void aCarFerryWritesReadsBackWithTheSameRootAndBlocksInTraversalOrder() throws Exception {
    Cid root =
        new UnixFsImporter(UnixFsProfile.V0_2015, store::put)
            .importFile(TestData.stream(3 * 262144 + 5))
            .root();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long written = CarWriter.writeDag(store, root, Selectors.all(), out);
    assertThat(written).isEqualTo(5);
    List<Cid> expectedOrder = Traversal.walk(store, root, Selectors.all()).map(Block::cid).toList();
    try (CarReader reader = CarReader.open(new ByteArrayInputStream(out.toByteArray()))) {
      assertThat(reader.version()).isEqualTo(1);
      assertThat(reader.roots()).containsExactly(root);
      assertThat(readAll(reader)).extracting(Block::cid).isEqualTo(expectedOrder);
    }
  }

  @Test
  void aBlockSharedByTwoPathsIsWrittenOnce(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("a"), "same");
    Files.writeString(dir.resolve("b"), "same");
    Cid root = new UnixFsImporter(UnixFsProfile.V1_2025, store::put).importPath(dir).root();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(CarWriter.writeDag(store, root, Selectors.all(), out)).isEqualTo(2);
  }

  @Test
  void aCarV2IsReadThroughItsInnerCarV1AndTheIndexIsSkipped() throws Exception {
    byte[] v1 = ipfsCarBytes();
    byte[] pragma = HexFormat.of().parseHex("0aa16776657273696f6e02");
    ByteBuffer header = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    int padding = 7;
    header.position(16);
    header.putLong(pragma.length + 40 + padding);
    header.putLong(v1.length);
    header.putLong(pragma.length + 40 + padding + v1.length);
    ByteArrayOutputStream car = new ByteArrayOutputStream();
    car.write(pragma);
    car.write(header.array());
    car.write(new byte[padding]);
    car.write(v1);
    car.write(HexFormat.of().parseHex("8030deadbeef")); // an index Ferry does not read
    try (CarReader reader = CarReader.open(new ByteArrayInputStream(car.toByteArray()))) {
      assertThat(reader.version()).isEqualTo(2);
      assertThat(reader.roots()).containsExactly(IPFS_CAR_ROOT);
      assertThat(readAll(reader)).hasSize(9);
    }
  }

  @Test
  void aTamperedBlockIsRefusedNamingBothCids() throws Exception {
    byte[] car = ipfsCarBytes();
    car[car.length - 1] ^= 1; // the last byte belongs to the last block (the root directory)
    BlockVerificationException e =
        catchThrowableOfType(
            BlockVerificationException.class,
            () -> CarReader.importInto(store, new ByteArrayInputStream(car)));
    assertThat(e.expected()).isEqualTo(IPFS_CAR_ROOT);
    assertThat(e.actual()).isNotEqualTo(IPFS_CAR_ROOT);
    assertThat(e)
        .hasMessageContaining("expected " + IPFS_CAR_ROOT)
        .hasMessageContaining("bytes hash to " + e.actual());
  }

  @Test
  void truncatedOrMalformedCarsAreRefusedWithTheReason() throws Exception {
    byte[] car = ipfsCarBytes();
    assertThatThrownBy(
            () -> CarReader.importInto(store, new ByteArrayInputStream(Arrays.copyOf(car, 5000))))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("truncated");
    assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(new byte[0])))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(
            () -> CarReader.open(new ByteArrayInputStream(HexFormat.of().parseHex("03a16176"))))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("invalid CAR header");
    byte[] v3 = HexFormat.of().parseHex("0aa16776657273696f6e03");
    assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(v3)))
        .isInstanceOf(CodecException.class)
        .hasMessage("invalid CAR header: unsupported CAR version 3");
    byte[] huge = HexFormat.of().parseHex("ffffffff0f");
    assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(huge)))
        .hasMessageContaining("over");
  }

  @Test
  void malformedCarHeadersAreRefusedSayingWhatIsWrong() {
    // each a length-prefixed dag-cbor header
    assertHeaderRefused("0180", "invalid CAR header: expected a map, got LIST");
    assertHeaderRefused("0aa16776657273696f6e01", "invalid CAR header: no \"roots\" list");
    assertHeaderRefused(
        "09a165726f6f747381f5", "invalid CAR header: no integer \"version\" (keys [roots])");
    assertHeaderRefused(
        "12a265726f6f747381f56776657273696f6e01",
        "invalid CAR header: root 0 is a BOOL, not a link");
    assertHeaderRefused(
        "01a1", "invalid CAR header: invalid dag-cbor at byte 0: declares 1 items, more than");
  }

  @Test
  void aCarV2WhoseDataOffsetLiesPastTheEndIsRefusedSayingSo() {
    byte[] pragma = HexFormat.of().parseHex("0aa16776657273696f6e02");
    ByteBuffer header = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
    header.position(16);
    header.putLong(1000);
    header.putLong(10);
    byte[] car = new byte[pragma.length + 40];
    System.arraycopy(pragma, 0, car, 0, pragma.length);
    System.arraycopy(header.array(), 0, car, pragma.length, 40);

    assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(car)))
        .isInstanceOf(EOFException.class)
        .hasMessageContaining("data offset 1000");
    header.putLong(16, 3);
    System.arraycopy(header.array(), 0, car, pragma.length, 40);
    assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(car)))
        .isInstanceOf(CodecException.class)
        .hasMessageContaining("invalid CARv2 header: data offset 3");
  }

  private static void assertHeaderRefused(String hex, String message) {
    assertThatThrownBy(() -> CarReader.open(new ByteArrayInputStream(HexFormat.of().parseHex(hex))))
        .as(hex)
        .isInstanceOf(CodecException.class)
        .hasMessageStartingWith(message);
  }

  private static List<Block> readAll(CarReader reader)
      throws IOException, BlockVerificationException {
    List<Block> blocks = new ArrayList<>();
    for (Optional<Block> b = reader.next(); b.isPresent(); b = reader.next()) {
      blocks.add(b.get());
    }
    return blocks;
  }
}
