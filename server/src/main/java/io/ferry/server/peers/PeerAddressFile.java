package io.ferry.server.peers;

import io.ferry.channels.PeerId;
import io.ferry.transport.identity.Multiaddr;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addresses of peers, kept in {@code <home>/peer-addresses} (one {@code peer-id multiaddr} per
 * line): the last address a handshake confirmed for each peer ({@link #putIfAbsent} keeps one only
 * where none is recorded). The transport keeps its book in memory only, so without this file a node
 * started again knew no address of its peers: a client killed while it waited for its provider to
 * finish could not send its last voucher again, and its channel stayed in {@code
 * ResponderFinalizingTransferFinished} (issue 19, 3). The file is rewritten whole (a temporary file
 * renamed over it) on every change, owner-only; a line it cannot read is skipped.
 */
public final class PeerAddressFile {
  /** The file's name under the home directory. */
  public static final String FILE = "peer-addresses";

  private static final Logger log = LoggerFactory.getLogger(PeerAddressFile.class);

  private final Path file;
  private final Map<String, String> addresses = new TreeMap<>();

  private PeerAddressFile(Path file) {
    this.file = file;
  }

  /** The book kept in {@code <home>/peer-addresses}; an absent file is an empty book. */
  public static PeerAddressFile open(Path home) {
    PeerAddressFile book = new PeerAddressFile(home.resolve(FILE));
    if (!Files.exists(book.file)) {
      return book;
    }
    try {
      for (String line : Files.readAllLines(book.file, StandardCharsets.UTF_8)) {
        String[] parts = line.strip().split("\\s+");
        if (parts.length != 2) {
          continue;
        }
        try {
          PeerId.parse(parts[0]);
          Multiaddr.parse(parts[1]);
          book.addresses.put(parts[0], parts[1]);
        } catch (RuntimeException e) {
          log.warn("skipped an unreadable line of {}: {}", book.file, e.getMessage());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the peer addresses in " + book.file, e);
    }
    return book;
  }

  /** The address recorded for {@code peer}, if any. */
  public synchronized Optional<Multiaddr> get(PeerId peer) {
    return Optional.ofNullable(addresses.get(peer.toString())).map(Multiaddr::parse);
  }

  /** Records {@code address} as where {@code peer} is: a handshake over it confirmed it. */
  public synchronized void put(PeerId peer, Multiaddr address) {
    String was = addresses.put(peer.toString(), address.toString());
    if (!address.toString().equals(was)) {
      save();
    }
  }

  /** Records {@code address} for {@code peer} unless an address is recorded for it already. */
  public synchronized void putIfAbsent(PeerId peer, Multiaddr address) {
    if (addresses.putIfAbsent(peer.toString(), address.toString()) == null) {
      save();
    }
  }

  /** How many peers have an address. */
  public synchronized int size() {
    return addresses.size();
  }

  private void save() {
    List<String> lines = new ArrayList<>();
    addresses.forEach((peer, address) -> lines.add(peer + " " + address));
    Path tmp = file.resolveSibling(FILE + ".tmp");
    try {
      Files.write(tmp, lines, StandardCharsets.UTF_8);
      try {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: the home's own permissions apply
      }
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      // The book in memory still serves this run; only a restart loses what was not written.
      log.warn("could not record peer addresses in {}: {}", file, e.getMessage());
    }
  }
}
