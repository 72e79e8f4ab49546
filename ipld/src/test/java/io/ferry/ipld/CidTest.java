package io.ferry.ipld;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class CidTest {
  private static final byte[] HELLO = "hello world".getBytes(StandardCharsets.US_ASCII);

  @Test
  void rawSha256CidOfHelloWorldIsTheWellKnownOne() {
    assertThat(Cid.sha256(Multicodec.RAW, HELLO).toString())
        .isEqualTo("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e");
  }

  @Test
  void cidV0ParsesAndPrintsBackInBase58WithoutPrefix() {
    Cid cid = Cid.parse("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH");
    assertThat(cid.version()).isZero();
    assertThat(cid.codec()).isEqualTo(Multicodec.DAG_PB);
    assertThat(cid.multihash().code()).isEqualTo(Multicodec.SHA2_256);
    assertThat(cid.toBytes()).hasSize(34);
    assertThat(cid.toString()).isEqualTo("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH");
  }

  @Test
  void cidV0AsV1IsTheDagPbBase32FormKuboPrints() {
    // `ipfs cid base32 QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH`
    assertThat(Cid.parse("QmbFMke1KXqnYyBBWxB74N4c5SBnJMVAiMNRcGu6x1AwQH").toV1().toString())
        .isEqualTo("bafybeif7ztnhq65lumvvtr4ekcwd2ifwgm3awq4zfr3srh462rwyinlb4y");
  }

  @Test
  void cidV1RoundTripsThroughEveryMultibase() {
    Cid cid = Cid.sha256(Multicodec.DAG_CBOR, HELLO);
    for (Multibase base : Multibase.values()) {
      String text = cid.toString(base);
      assertThat(text.charAt(0)).isEqualTo(base.prefix());
      assertThat(Cid.parse(text)).isEqualTo(cid);
    }
  }

  @Test
  void base16AndBase58FormsOfTheSameCidAreEqual() {
    Cid cid = Cid.sha256(Multicodec.RAW, HELLO);
    String hex = "f" + HexFormat.of().formatHex(cid.toBytes());
    assertThat(hex).startsWith("f01551220");
    assertThat(Cid.parse(hex)).isEqualTo(cid).hasSameHashCodeAs(cid);
    assertThat(Cid.parse(cid.toString(Multibase.BASE58BTC))).isEqualTo(cid);
  }

  @Test
  void binaryCidDecodesToTheSameCid() {
    Cid v1 = Cid.sha256(Multicodec.DAG_PB, HELLO);
    Cid v0 = Cid.v0(Multihash.sha256(HELLO));
    assertThat(Cid.decode(v1.toBytes())).isEqualTo(v1);
    assertThat(Cid.decode(v0.toBytes())).isEqualTo(v0);
    assertThat(v0).isNotEqualTo(v1);
    assertThat(v0.toV1()).isEqualTo(v1);
  }

  @Test
  void identityCidOfNothingIsBafkqaaa() {
    assertThat(Cid.v1(Multicodec.RAW, Multihash.identity(new byte[0])).toString())
        .isEqualTo("bafkqaaa");
  }

  @Test
  void garbageTextIsRefusedNamingTheInput() {
    assertThatThrownBy(() -> Cid.parse("bnot-a-cid!"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("bnot-a-cid!");
    assertThatThrownBy(() -> Cid.parse("Qm0000000000000000000000000000000000000000000O"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Qm0000000000000000000000000000000000000000000O");
    assertThatThrownBy(() -> Cid.parse("xabc"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("xabc");
    assertThatThrownBy(() -> Cid.parse("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void binaryCidWithTrailingBytesOrUnknownVersionIsRefused() {
    byte[] ok = Cid.sha256(Multicodec.RAW, HELLO).toBytes();
    byte[] trailing = java.util.Arrays.copyOf(ok, ok.length + 1);
    assertThatThrownBy(() -> Cid.decode(trailing)).hasMessageContaining("trailing");
    byte[] v2 = ok.clone();
    v2[0] = 2;
    assertThatThrownBy(() -> Cid.decode(v2)).hasMessageContaining("version 2");
    byte[] truncated = java.util.Arrays.copyOf(ok, ok.length - 1);
    assertThatThrownBy(() -> Cid.decode(truncated)).hasMessageContaining("only 31 bytes follow");
    assertThatThrownBy(() -> Cid.decode(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("invalid binary CID of 0 bytes: varint is truncated after 0 bytes");
  }

  @Test
  void cidV0CanOnlyHoldSha256AndOnlyPrintInBase58() {
    assertThatThrownBy(() -> Cid.v0(Multihash.identity(HELLO))).hasMessageContaining("sha2-256");
    Cid v0 = Cid.v0(Multihash.sha256(HELLO));
    assertThatThrownBy(() -> v0.toString(Multibase.BASE32_LOWER)).hasMessageContaining("base58btc");
  }

  @Test
  void cidsOrderByTheirBinaryFormUnsigned() {
    Cid a = Cid.v1(Multicodec.RAW, Multihash.of(Multicodec.SHA2_256, new byte[32]));
    byte[] high = new byte[32];
    high[0] = (byte) 0xff;
    Cid b = Cid.v1(Multicodec.RAW, Multihash.of(Multicodec.SHA2_256, high));
    assertThat(a).isLessThan(b);
    assertThat(b.compareTo(a)).isPositive();
  }
}
