package io.ferry.ipld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class BlockTest {
  private static final byte[] HELLO = "hello world".getBytes(StandardCharsets.US_ASCII);

  @Test
  void bytesThatHashToTheirCidMakeABlock() throws Exception {
    Cid cid = Cid.parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    Block block = Block.verify(cid, HELLO);
    assertThat(block.cid()).isEqualTo(cid);
    assertThat(block.size()).isEqualTo(11);
  }

  @Test
  void bytesThatDoNotMatchTheirCidAreRefusedNamingBothCids() {
    Cid cid = Cid.parse("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
    byte[] other = "hello world!".getBytes(StandardCharsets.US_ASCII);
    BlockVerificationException e =
        catchThrowableOfType(BlockVerificationException.class, () -> Block.verify(cid, other));
    Cid actual = Cid.sha256(Multicodec.RAW, other);
    assertThat(e.expected()).isEqualTo(cid);
    assertThat(e.actual()).isEqualTo(actual);
    assertThat(e)
        .hasMessage("block does not match its CID: expected " + cid + ", bytes hash to " + actual);
  }

  @Test
  void blake2bAndIdentityCidsAreVerifiedWithTheirOwnFunction() throws Exception {
    Cid blake = Cid.v1(Multicodec.DAG_CBOR, Multihash.blake2b256(HELLO));
    assertThat(Block.verify(blake, HELLO).cid()).isEqualTo(blake);
    Cid identity = Cid.v1(Multicodec.RAW, Multihash.identity(HELLO));
    assertThat(Block.verify(identity, HELLO).data()).isEqualTo(HELLO);
    assertThatThrownBy(() -> Block.verify(identity, new byte[1]))
        .isInstanceOf(BlockVerificationException.class);
  }

  @Test
  void ofNamesTheBytesByTheirCidV1() {
    Block block = Block.of(Multicodec.RAW, HELLO);
    assertThat(block.cid().toString())
        .isEqualTo("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
  }
}
