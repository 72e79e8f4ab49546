package io.ferry.persistence.journal;

import com.typesafe.config.Config;
import io.ferry.persistence.blocks.DiskReserve;
import java.nio.file.Path;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.persistence.journal.WriteEventAdapter;

/**
 * Keeps the LevelDB journal from filling the disk: bound as the journal's write adapter for every
 * event, it refuses an event that would leave less than the disk reserve free. The LevelDB inside
 * leveldbjni writes through {@code mmap}, where a full disk is a SIGBUS that kills the JVM (issue
 * 19's crash in {@code LeveldbStore.asyncWriteMessages}); Pekko's journal turns an exception thrown
 * here into a rejected persist instead, which the channel reports, naming the directory and the
 * free space.
 *
 * <p>It is an event adapter, not a subclass of Pekko's {@code LeveldbJournal}, because Pekko's
 * LevelDB read journal (the node's event stream and channel listing) insists that the journal's
 * configured class is exactly {@code LeveldbJournal}. The reserve is the plugin's {@code
 * reserve-bytes} ({@code auto}: {@link DiskReserve#autoSize}).
 */
public final class JournalReserveGuard implements WriteEventAdapter {
  /** The journal plugin this guard reads its directory and reserve from. */
  static final String PLUGIN = "pekko.persistence.journal.leveldb";

  private final DiskReserve reserve;

  /** Instantiated by Pekko for the journal plugin that binds it. */
  public JournalReserveGuard(ExtendedActorSystem system) {
    Config config = system.settings().config().getConfig(PLUGIN);
    Path dir = Path.of(config.getString("dir")).toAbsolutePath();
    String setting = config.hasPath("reserve-bytes") ? config.getString("reserve-bytes") : "auto";
    this.reserve = DiskReserve.forJournal(dir, setting);
  }

  @Override
  public String manifest(Object event) {
    return "";
  }

  @Override
  public Object toJournal(Object event) {
    String refusal = reserve.refusal(estimate(event), 1);
    if (refusal != null) {
      throw new JournalFullException(refusal);
    }
    return event;
  }

  /** A generous guess of an event's size on disk before it is serialized. */
  private static long estimate(Object event) {
    return event instanceof byte[] b ? b.length : 4096;
  }

  /** The journal refused a write because the disk is nearly full. */
  public static final class JournalFullException extends RuntimeException {
    JournalFullException(String message) {
      super(message, null, false, false);
    }
  }
}
