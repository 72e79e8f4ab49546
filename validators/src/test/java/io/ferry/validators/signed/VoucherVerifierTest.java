package io.ferry.validators.signed;

import static org.assertj.core.api.Assertions.assertThat;

import io.ferry.channels.ChannelId;
import io.ferry.channels.PeerId;
import io.ferry.ipld.Multihash;
import io.ferry.validators.MutableClock;
import io.ferry.validators.TestPeer;
import io.ferry.validators.VoucherCodec;
import io.ferry.validators.signed.VoucherRefusal.Reason;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VoucherVerifierTest {
  private static final String KIND = "test/payment/1";
  private static final byte[] TERMS = {9, 8, 7};

  private final TestPeer client = TestPeer.generate();
  private final TestPeer provider = TestPeer.generate();
  private final TestPeer mallory = TestPeer.generate();
  private final ChannelId channel = client.channelTo(provider, 42);
  private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
  private final VoucherSigner signer =
      VoucherSigner.of(client.context(null, Map.of()), clock, Duration.ofMinutes(5));
  private final VoucherVerifier verifier = new VoucherVerifier(provider.peerId(), clock);

  @TempDir Path dir;
  private NonceStore nonces;

  @BeforeEach
  void openStore() {
    nonces = NonceStore.open(dir);
  }

  @AfterEach
  void closeStore() {
    nonces.close();
  }

  private Optional<VoucherRefusal> check(SignedVoucher voucher) {
    return verifier.verifyAndRecord(voucher, KIND, channel, nonces);
  }

  private static Reason reason(Optional<VoucherRefusal> refusal) {
    assertThat(refusal).as("the voucher should have been refused").isPresent();
    return refusal.get().reason();
  }

  /** A voucher with the given fields, signed by {@code by}. */
  private static SignedVoucher signedBy(
      TestPeer by, String kind, ChannelId ch, PeerId to, long nonce, long expiresAt) {
    byte[] signature = by.sign(SignedVoucher.payload(kind, ch, to, nonce, expiresAt, TERMS));
    return new SignedVoucher(kind, ch, to, nonce, expiresAt, TERMS, signature);
  }

  @Test
  void aVoucherSignedByTheCounterpartyForThisChannelAndPeerPasses() {
    SignedVoucher voucher = signer.sign(KIND, channel, 1, TERMS);

    assertThat(check(voucher)).isEmpty();
    assertThat(voucher.responder()).isEqualTo(provider.peerId());
    assertThat(voucher.expiresAt()).isEqualTo(clock.instant().getEpochSecond() + 300);
  }

  @Test
  void aVoucherStillVerifiesAfterACborRoundTrip() {
    SignedVoucher voucher = signer.sign(KIND, channel, 1, TERMS);
    VoucherCodec codec = VoucherCodec.standard();

    SignedVoucher back = codec.decode(codec.encode(voucher), SignedVoucher.class);

    assertThat(back).isEqualTo(voucher);
    assertThat(check(back)).isEmpty();
  }

  @Test
  void aForgedSignatureIsRefused() {
    SignedVoucher forged =
        signedBy(
            mallory, KIND, channel, provider.peerId(), 1, clock.instant().getEpochSecond() + 60);

    assertThat(reason(check(forged))).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void alteredTermsBreakTheSignature() {
    SignedVoucher genuine = signer.sign(KIND, channel, 1, TERMS);
    SignedVoucher altered =
        new SignedVoucher(
            genuine.kind(),
            genuine.channelId(),
            genuine.responder(),
            genuine.nonce(),
            genuine.expiresAt(),
            new byte[] {9, 9, 9},
            genuine.signature());

    assertThat(reason(check(altered))).isEqualTo(Reason.BAD_SIGNATURE);
  }

  @Test
  void aVoucherSignedForAnotherChannelIsRefused() {
    SignedVoucher forOther = signer.sign(KIND, client.channelTo(provider, 43), 1, TERMS);

    Optional<VoucherRefusal> refusal = check(forOther);

    assertThat(reason(refusal)).isEqualTo(Reason.OTHER_CHANNEL);
    assertThat(refusal.get().detail()).contains("-43").contains("-42");
  }

  @Test
  void aVoucherAddressedToAnotherPeerIsRefused() {
    SignedVoucher toMallory =
        signedBy(client, KIND, channel, mallory.peerId(), 1, clock.instant().getEpochSecond() + 60);

    assertThat(reason(check(toMallory))).isEqualTo(Reason.OTHER_PEER);
  }

  @Test
  void aVoucherPresentedToAPeerThatIsNotItsAddresseeIsRefused() {
    SignedVoucher voucher = signer.sign(KIND, channel, 1, TERMS);
    VoucherVerifier malloryVerifier = new VoucherVerifier(mallory.peerId(), clock);

    assertThat(reason(malloryVerifier.verify(voucher, KIND, channel, nonces)))
        .isEqualTo(Reason.OTHER_PEER);
  }

  @Test
  void anExpiredVoucherIsRefusedButOneAtItsLastSecondPasses() {
    SignedVoucher voucher = signer.sign(KIND, channel, 1, TERMS);

    clock.advance(Duration.ofMinutes(5));
    assertThat(verifier.verify(voucher, KIND, channel, nonces)).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(reason(check(voucher))).isEqualTo(Reason.EXPIRED);
  }

  @Test
  void aReplayedNonceIsRefused() {
    assertThat(check(signer.sign(KIND, channel, 1, TERMS))).isEmpty();

    assertThat(reason(check(signer.sign(KIND, channel, 1, TERMS))))
        .isEqualTo(Reason.REPLAYED_NONCE);
    assertThat(check(signer.sign(KIND, channel, 2, TERMS))).isEmpty();
  }

  @Test
  void aReplayedNonceIsStillRefusedAfterReopeningTheNonceStore() {
    SignedVoucher voucher = signer.sign(KIND, channel, 7, TERMS);
    assertThat(check(voucher)).isEmpty();
    nonces.close();

    nonces = NonceStore.open(dir);

    assertThat(nonces.isSeen(channel, 7)).isTrue();
    assertThat(reason(check(voucher))).isEqualTo(Reason.REPLAYED_NONCE);
  }

  @Test
  void theSameNonceOnAnotherChannelIsNotAReplay() {
    ChannelId other = client.channelTo(provider, 43);
    assertThat(check(signer.sign(KIND, channel, 1, TERMS))).isEmpty();

    assertThat(verifier.verifyAndRecord(signer.sign(KIND, other, 1, TERMS), KIND, other, nonces))
        .isEmpty();
  }

  @Test
  void aVoucherOfAnotherKindIsRefused() {
    assertThat(reason(check(signer.sign("test/other/1", channel, 1, TERMS))))
        .isEqualTo(Reason.WRONG_KIND);
  }

  @Test
  void aCounterpartyWhosePeerIdInlinesNoKeyCannotBeVerified() {
    PeerId hashed = PeerId.fromBytes(Multihash.sha256(new byte[] {1, 2, 3}).toBytes());
    ChannelId fromHashed = new ChannelId(hashed, provider.peerId(), 1);
    SignedVoucher voucher =
        signedBy(client, KIND, fromHashed, provider.peerId(), 1, clock.instant().getEpochSecond());

    assertThat(reason(verifier.verify(voucher, KIND, fromHashed, nonces)))
        .isEqualTo(Reason.UNVERIFIABLE_SIGNER);
  }

  @Test
  void aRefusedVoucherDoesNotUseUpItsNonce() {
    SignedVoucher forged =
        signedBy(mallory, KIND, channel, provider.peerId(), 5, clock.instant().getEpochSecond());
    check(forged);

    assertThat(nonces.isSeen(channel, 5)).isFalse();
    assertThat(check(signer.sign(KIND, channel, 5, TERMS))).isEmpty();
  }
}
