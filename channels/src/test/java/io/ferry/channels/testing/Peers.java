package io.ferry.channels.testing;

import io.ferry.channels.PeerId;
import io.ferry.ipld.Cid;
import io.ferry.ipld.Multicodec;
import java.nio.charset.StandardCharsets;

/** Fixed peer identities and CIDs for tests. */
public final class Peers {
  private Peers() {}

  /** A peer whose Ed25519 public key is 32 copies of {@code seed}. */
  public static PeerId peer(int seed) {
    byte[] key = new byte[32];
    java.util.Arrays.fill(key, (byte) seed);
    return PeerId.ofEd25519(key);
  }

  public static final PeerId ALICE = peer(1);
  public static final PeerId BOB = peer(2);
  public static final PeerId CAROL = peer(3);

  /** The CID of a raw block holding {@code text}. */
  public static Cid cid(String text) {
    return Cid.sha256(Multicodec.RAW, text.getBytes(StandardCharsets.UTF_8));
  }
}
