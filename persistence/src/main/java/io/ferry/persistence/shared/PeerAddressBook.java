package io.ferry.persistence.shared;

import io.ferry.channels.PeerId;
import io.ferry.persistence.journal.PostgresJournalSettings;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The cluster's peer address book in PostgreSQL (table {@value #TABLE}, created with the journal's
 * tables): the last address any member learned for a peer, as a multiaddr with its {@code /p2p/}
 * id. Any member writes it when its API is told where a peer is; the member that hosts the peer's
 * channels reads it when it must dial the peer and knows no address itself (after another member
 * died, say). Calls block (one short query each): call them off actor threads, or where a dial is
 * about to block anyway.
 */
public final class PeerAddressBook {
  /** The table ({@code PostgresJournalSettings.prepare} creates it with the journal's). */
  public static final String TABLE = "ferry_peer_addresses";

  private final PostgresJournalSettings db;

  public PeerAddressBook(PostgresJournalSettings db) {
    this.db = db;
  }

  /** Records {@code address} as where {@code peer} is now (a handshake confirmed it). */
  public void put(PeerId peer, String address) {
    write(peer, address, " DO UPDATE SET address = EXCLUDED.address, updated_at = now()");
  }

  /**
   * Records {@code address} for {@code peer} unless one is recorded: an address a user gave, not
   * yet confirmed by a handshake, never replaces a confirmed one.
   */
  public void putIfAbsent(PeerId peer, String address) {
    write(peer, address, " DO NOTHING");
  }

  private void write(PeerId peer, String address, String onConflict) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO "
                    + TABLE
                    + " (peer_id, address) VALUES (?, ?) ON CONFLICT (peer_id)"
                    + onConflict)) {
      s.setString(1, peer.toString());
      s.setString(2, address);
      s.executeUpdate();
    } catch (SQLException e) {
      throw new IllegalStateException(
          "could not record the address of " + peer + " in the " + db.describe() + ": " + e, e);
    }
  }

  /** The address last recorded for {@code peer}; empty when none is, or the database is down. */
  public Optional<String> get(PeerId peer) {
    try (Connection c = connect();
        PreparedStatement s =
            c.prepareStatement("SELECT address FROM " + TABLE + " WHERE peer_id = ?")) {
      s.setString(1, peer.toString());
      try (ResultSet r = s.executeQuery()) {
        return r.next() ? Optional.of(r.getString(1)) : Optional.empty();
      }
    } catch (SQLException e) {
      return Optional.empty();
    }
  }

  private Connection connect() throws SQLException {
    DriverManager.setLoginTimeout(5);
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }
}
