package io.ferry.transport.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
  // libp2p peer-ids spec test vectors (peer-ids/peer-ids.md, "Test vectors").
  private static final String VECTOR_PRIVATE =
      "080112407e0830617c4a7de83925dfb2694556b12936c477a0e1feb2e148ec9da60fee7d"
          + "1ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";
  private static final String VECTOR_PUBLIC =
      "080112201ed1e8fae2c4a144b8be8fd4b47bf3d3b34b871c3cacf6010f0e42d474fce27e";

  @TempDir Path home;

  @Test
  void theLibp2pTestVectorKeyYieldsItsPublishedPublicKey() {
    NodeIdentity id = NodeIdentity.fromProtobuf(HexFormat.of().parseHex(VECTOR_PRIVATE));

    assertThat(HexFormat.of().formatHex(id.publicKey().toProtobuf())).isEqualTo(VECTOR_PUBLIC);
    assertThat(HexFormat.of().formatHex(id.toProtobuf())).isEqualTo(VECTOR_PRIVATE);
    assertThat(HostPublicKey.fromProtobuf(HexFormat.of().parseHex(VECTOR_PUBLIC)))
        .isEqualTo(id.publicKey());
  }

  @Test
  void peerIdsHaveTheInlinedEd25519Form() {
    NodeIdentity id = NodeIdentity.generate();

    assertThat(id.peerId().toString()).startsWith("12D3KooW");
    assertThat(id.peerId().ed25519PublicKey()).contains(id.publicKey().raw());
  }

  @Test
  void firstStartCreatesAnOwnerOnlyKeyThatLaterStartsLoad() throws IOException {
    NodeIdentity first = NodeIdentity.loadOrCreate(home);
    NodeIdentity second = NodeIdentity.loadOrCreate(home);

    Path file = home.resolve(NodeIdentity.KEY_FILE);
    assertThat(second.peerId()).isEqualTo(first.peerId());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
        .isEqualTo("rwx------");
    assertThat(Files.readAllBytes(file)).isEqualTo(first.toProtobuf());
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void aKeyFileOthersCanReadIsRefused() throws IOException {
    NodeIdentity.loadOrCreate(home);
    Path file = home.resolve(NodeIdentity.KEY_FILE);
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));

    assertThatThrownBy(() -> NodeIdentity.loadOrCreate(home))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("accessible by others (rw-r--r--)")
        .hasMessageContaining("chmod 600 " + file);
  }

  @Test
  void aCorruptKeyFileIsRefusedNamingTheFile() throws IOException {
    Path file = home.resolve(NodeIdentity.KEY_FILE);
    Files.createDirectories(file.getParent());
    Files.write(file, "not a key".getBytes(StandardCharsets.UTF_8));
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));

    assertThatThrownBy(() -> NodeIdentity.loadOrCreate(home))
        .isInstanceOf(IOException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("not an Ed25519 private key");
  }

  @Test
  void aKeyWhosePublicHalfDoesNotMatchItsSeedIsRefused() {
    byte[] proto = NodeIdentity.generate().toProtobuf();
    proto[40] ^= 1;

    assertThatThrownBy(() -> NodeIdentity.fromProtobuf(proto))
        .hasMessageContaining("public half does not belong to its seed");
  }

  @Test
  void signaturesVerifyAndTamperedMessagesDoNot() {
    NodeIdentity id = NodeIdentity.generate();
    byte[] msg = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] sig = id.sign(msg);

    assertThat(id.publicKey().verify(msg, sig)).isTrue();
    assertThat(id.publicKey().verify("hellO".getBytes(StandardCharsets.UTF_8), sig)).isFalse();
    assertThat(NodeIdentity.generate().publicKey().verify(msg, sig)).isFalse();
  }

  @Test
  void hostKeysOfOtherTypesAreRefusedByName() {
    byte[] secp256k1 =
        HexFormat.of()
            .parseHex("08021221037777e994e452c21604f91de093ce415f5432f701dd8cd1a7a6fea0e630bfca99");

    assertThatThrownBy(() -> HostPublicKey.fromProtobuf(secp256k1))
        .hasMessage("host key is Secp256k1; Ferry accepts only Ed25519 host keys");
    assertThatThrownBy(() -> HostPublicKey.fromProtobuf(HexFormat.of().parseHex("08011220aabb")))
        .hasMessageContaining("declares 32 key bytes but has 2");
  }
}
