package io.ferry.persistence.journal;

import com.typesafe.config.Config;
import io.ferry.persistence.blocks.DiskReserve;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pekko.persistence.AtomicWrite;
import org.apache.pekko.persistence.journal.leveldb.LeveldbJournal;
import scala.collection.immutable.Seq;
import scala.concurrent.Future;
import scala.jdk.javaapi.CollectionConverters;
import scala.runtime.BoxedUnit;
import scala.util.Failure;
import scala.util.Try;

/**
 * Pekko's LevelDB journal, refusing writes that would leave less than the disk reserve free. The
 * LevelDB inside leveldbjni writes through {@code mmap}, where a full disk is a SIGBUS that kills
 * the JVM (issue 19's crash in {@code LeveldbStore.asyncWriteMessages}); a refused write is instead
 * a rejected persist, which the channel reports, naming the directory and the free space. The
 * reserve is the plugin's {@code reserve-bytes} ({@code auto}: {@link DiskReserve#autoSize}).
 */
public final class GuardedLeveldbJournal extends LeveldbJournal {
  private final DiskReserve reserve;

  public GuardedLeveldbJournal(Config config) {
    super(config);
    Path dir = Path.of(config.getString("dir")).toAbsolutePath();
    String setting = config.hasPath("reserve-bytes") ? config.getString("reserve-bytes") : "auto";
    this.reserve = DiskReserve.forJournal(dir, setting);
  }

  @Override
  public Future<Seq<Try<BoxedUnit>>> asyncWriteMessages(Seq<AtomicWrite> messages) {
    long bytes = 0;
    int events = 0;
    for (AtomicWrite write : CollectionConverters.asJava(messages)) {
      events += write.size();
      for (var repr : CollectionConverters.asJava(write.payload())) {
        bytes += estimate(repr.payload());
      }
    }
    String refusal = reserve.refusal(bytes, events);
    if (refusal == null) {
      return super.asyncWriteMessages(messages);
    }
    List<Try<BoxedUnit>> rejected = new ArrayList<>();
    JournalFullException cause = new JournalFullException(refusal);
    for (int i = 0; i < messages.size(); i++) {
      rejected.add(new Failure<>(cause));
    }
    return Future.successful(CollectionConverters.asScala(rejected).toList());
  }

  /** A generous guess of an event's size on disk before it is serialized. */
  private static long estimate(Object payload) {
    return payload instanceof byte[] b ? b.length : 4096;
  }

  /** The journal refused a write because the disk is nearly full. */
  public static final class JournalFullException extends RuntimeException {
    JournalFullException(String message) {
      super(message, null, false, false);
    }
  }
}
