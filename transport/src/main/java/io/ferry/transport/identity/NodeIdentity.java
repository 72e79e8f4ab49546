package io.ferry.transport.identity;

import io.ferry.channels.PeerId;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Set;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

/**
 * A node's Ed25519 host key pair: it signs the binding between the node and the throw-away key of
 * each TLS certificate, and its public half is the node's {@link PeerId}. Kept in {@code
 * <home>/identity/node.key} as libp2p's protobuf {@code PrivateKey{Type: Ed25519, Data: seed ||
 * public key}}, readable by its owner only (file 600, directory 700).
 */
public final class NodeIdentity {
  /** Where the key lives under the node's home directory. */
  public static final String KEY_FILE = "identity/node.key";

  private static final byte[] PRIVATE_KEY_PREFIX = {0x08, 0x01, 0x12, 0x40};
  private static final Set<PosixFilePermission> OWNER_ONLY_FILE =
      PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR =
      PosixFilePermissions.fromString("rwx------");

  private final Ed25519PrivateKeyParameters privateKey;
  private final HostPublicKey publicKey;
  private final PeerId peerId;

  private NodeIdentity(Ed25519PrivateKeyParameters privateKey) {
    this.privateKey = privateKey;
    this.publicKey = HostPublicKey.ofEd25519(privateKey.generatePublicKey().getEncoded());
    this.peerId = publicKey.peerId();
  }

  /** A fresh random key pair (not stored anywhere). */
  public static NodeIdentity generate() {
    return new NodeIdentity(new Ed25519PrivateKeyParameters(new SecureRandom()));
  }

  /** The key pair of a 32-byte Ed25519 seed (RFC 8032's private key). */
  public static NodeIdentity fromSeed(byte[] seed) {
    if (seed.length != Ed25519PrivateKeyParameters.KEY_SIZE) {
      throw new IllegalArgumentException("an Ed25519 seed has 32 bytes, not " + seed.length);
    }
    return new NodeIdentity(new Ed25519PrivateKeyParameters(seed, 0));
  }

  /**
   * Decodes libp2p's protobuf private key: {@code 08 01 12 40 seed(32) public(32)}. The older
   * 96-byte form (public key repeated) is accepted too. The public half must match the seed.
   */
  public static NodeIdentity fromProtobuf(byte[] proto) {
    if (proto.length < 4
        || !Arrays.equals(proto, 0, 3, PRIVATE_KEY_PREFIX, 0, 3)
        || (proto[3] != 0x40 && proto[3] != 0x60)
        || proto.length != 4 + (proto[3] & 0xff)) {
      throw new IllegalArgumentException(
          "not an Ed25519 private key in libp2p's protobuf form (expected 08 01 12 40 and 64"
              + " bytes, got "
              + proto.length
              + " bytes)");
    }
    NodeIdentity id = fromSeed(Arrays.copyOfRange(proto, 4, 36));
    byte[] pub = Arrays.copyOfRange(proto, 36, 68);
    boolean repeated =
        proto.length == 100 && Arrays.equals(pub, Arrays.copyOfRange(proto, 68, 100));
    if (!Arrays.equals(pub, id.publicKey.raw()) || (proto.length == 100 && !repeated)) {
      throw new IllegalArgumentException(
          "private key file is inconsistent: its public half does not belong to its seed");
    }
    return id;
  }

  /** The protobuf form written to the key file. */
  public byte[] toProtobuf() {
    byte[] out = new byte[68];
    System.arraycopy(PRIVATE_KEY_PREFIX, 0, out, 0, 4);
    privateKey.encode(out, 4);
    System.arraycopy(publicKey.raw(), 0, out, 36, 32);
    return out;
  }

  /**
   * Loads the node key from {@code <home>/identity/node.key}, creating it (and the directory,
   * owner-only) on first start. A key file that others can read is refused.
   */
  public static NodeIdentity loadOrCreate(Path home) throws IOException {
    Path file = home.resolve(KEY_FILE);
    if (Files.exists(file)) {
      return load(file);
    }
    Path dir = file.getParent();
    createOwnerOnlyDirectory(dir);
    NodeIdentity created = generate();
    Path tmp = Files.createTempFile(dir, "node.key.", ".tmp");
    try {
      restrictToOwner(tmp, OWNER_ONLY_FILE);
      Files.write(tmp, created.toProtobuf());
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file);
      }
    } catch (FileAlreadyExistsException e) {
      // Another process created it first: use theirs.
      return load(file);
    } finally {
      Files.deleteIfExists(tmp);
    }
    // On file systems where ATOMIC_MOVE replaces, a concurrent creator may have won: read back.
    return load(file);
  }

  /** Loads an existing key file. */
  public static NodeIdentity load(Path file) throws IOException {
    PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
    if (posix != null) {
      Set<PosixFilePermission> perms = posix.readAttributes().permissions();
      if (perms.contains(PosixFilePermission.GROUP_READ)
          || perms.contains(PosixFilePermission.OTHERS_READ)
          || perms.contains(PosixFilePermission.GROUP_WRITE)
          || perms.contains(PosixFilePermission.OTHERS_WRITE)) {
        throw new IOException(
            "node key "
                + file
                + " is accessible by others ("
                + PosixFilePermissions.toString(perms)
                + "); run: chmod 600 "
                + file);
      }
    }
    byte[] bytes = Files.readAllBytes(file);
    try {
      return fromProtobuf(bytes);
    } catch (IllegalArgumentException e) {
      throw new IOException("node key " + file + " is unreadable: " + e.getMessage(), e);
    }
  }

  private static void createOwnerOnlyDirectory(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      return;
    }
    Files.createDirectories(dir.getParent());
    try {
      if (supportsPosix(dir.getParent())) {
        Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
      } else {
        Files.createDirectory(dir);
      }
    } catch (FileAlreadyExistsException e) {
      return;
    }
    restrictToOwner(dir, OWNER_ONLY_DIR);
  }

  private static void restrictToOwner(Path path, Set<PosixFilePermission> perms)
      throws IOException {
    if (supportsPosix(path)) {
      Files.setPosixFilePermissions(path, perms);
    }
  }

  private static boolean supportsPosix(Path path) {
    return path.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  /** This node's peer ID. */
  public PeerId peerId() {
    return peerId;
  }

  public HostPublicKey publicKey() {
    return publicKey;
  }

  /** The Ed25519 signature of {@code message} (64 bytes). */
  public byte[] sign(byte[] message) {
    Ed25519Signer signer = new Ed25519Signer();
    signer.init(true, privateKey);
    signer.update(message, 0, message.length);
    return signer.generateSignature();
  }

  @Override
  public String toString() {
    return "NodeIdentity[" + peerId + "]";
  }
}
