package io.ferry.engine.wiring;

import io.ferry.channels.ChannelId;
import io.ferry.channels.ChannelState;
import io.ferry.channels.entity.CborSerializable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the {@link ChannelReadModel} keeps its projection and the tag offset it reached: one file
 * in the node's data directory, written whole to a temporary file, forced to disk and moved over
 * the old one, in the {@link CompactCheckpoint compact format} (format 2). A checkpoint of the
 * first format (the states in the system's CBOR serialization) still loads, and is replaced by a
 * compact one at the next save. A checkpoint of another journal (the node moved from LevelDB to
 * PostgreSQL), of an unknown format, or one that cannot be read is ignored: the model then replays
 * the whole tag, as it would without one.
 */
public final class ReadModelCheckpoints {
  private static final Logger log = LoggerFactory.getLogger(ReadModelCheckpoints.class);

  /** The first format: the checkpoint in the system's serialization. Read, no longer written. */
  static final int CBOR = 1;

  /** The format written: {@link CompactCheckpoint}. */
  static final int COMPACT = 2;

  /** What a checkpoint holds: the offset reached, the folded channels and their last events. */
  public record Projection(
      long offset, List<ChannelState> channels, Map<ChannelId, Long> sequenceNrs) {
    public Projection {
      channels = List.copyOf(channels);
      sequenceNrs = Map.copyOf(sequenceNrs);
    }

    static final Projection NONE = new Projection(0, List.of(), Map.of());
  }

  /**
   * A checkpoint as the first format stored it (its class name is that format's manifest, so it
   * keeps it).
   */
  public record Checkpoint(long offset, List<ChannelState> channels, Map<String, Long> sequenceNrs)
      implements CborSerializable {
    public Checkpoint {
      channels = List.copyOf(channels);
      sequenceNrs = Map.copyOf(sequenceNrs);
    }

    Projection projection() {
      Map<ChannelId, Long> nrs = new HashMap<>();
      sequenceNrs.forEach((id, nr) -> nrs.put(ChannelId.parse(id), nr));
      return new Projection(offset, channels, nrs);
    }
  }

  private final Path file;
  private final String journal;
  private final Serialization serialization;

  private ReadModelCheckpoints(Path file, String journal, Serialization serialization) {
    this.file = file;
    this.journal = journal;
    this.serialization = serialization;
  }

  /** The checkpoints in {@code file} of the journal {@code system} writes to. */
  public static ReadModelCheckpoints in(Path file, ActorSystem<?> system) {
    String journal = system.settings().config().getString("pekko.persistence.journal.plugin");
    return new ReadModelCheckpoints(
        file, journal, SerializationExtension.get(Adapter.toClassic(system)));
  }

  /** The last checkpoint saved; {@link Projection#NONE} when there is none to use. */
  public Projection load() {
    if (!Files.exists(file)) {
      return Projection.NONE;
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      int format = in.readInt();
      if ((format != CBOR && format != COMPACT) || !in.readUTF().equals(journal)) {
        log.info(
            "replaying the channel journal: the read model's checkpoint {} is of format {}"
                + " or of another journal",
            file,
            format);
        return Projection.NONE;
      }
      if (format == COMPACT) {
        return CompactCheckpoint.read(in);
      }
      int serializer = in.readInt();
      String manifest = in.readUTF();
      byte[] bytes = in.readNBytes(in.readInt());
      return ((Checkpoint) serialization.deserialize(bytes, serializer, manifest).get())
          .projection();
    } catch (IOException | RuntimeException e) {
      log.warn("ignored the channel read model's checkpoint {}: {}", file, e.toString());
      return Projection.NONE;
    }
  }

  /** Replaces the saved checkpoint with {@code projection}. */
  void save(Projection projection) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      out.writeInt(COMPACT);
      out.writeUTF(journal);
      CompactCheckpoint.write(projection, out);
      out.flush();
      replace(buffer.toByteArray());
    } catch (IOException | RuntimeException e) {
      // The model goes on; the next start replays from the last checkpoint that was saved.
      log.warn("could not save the channel read model to {}: {}", file, e.toString());
    }
  }

  /**
   * Saves {@code checkpoint} in the first format, as nodes before the compact one did (tests of the
   * upgrade).
   */
  void saveInFirstFormat(Checkpoint checkpoint) throws IOException {
    Serializer serializer = serialization.findSerializerFor(checkpoint);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      byte[] bytes = serializer.toBinary(checkpoint);
      out.writeInt(CBOR);
      out.writeUTF(journal);
      out.writeInt(serializer.identifier());
      out.writeUTF(Serializers.manifestFor(serializer, checkpoint));
      out.writeInt(bytes.length);
      out.write(bytes);
    }
    replace(buffer.toByteArray());
  }

  /** Writes a temporary file, forces it to disk and moves it over the checkpoint. */
  private void replace(byte[] bytes) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    Path next = file.resolveSibling(file.getFileName() + ".next");
    try (FileChannel channel =
        FileChannel.open(
            next,
            StandardOpenOption.CREATE,
            StandardOpenOption.WRITE,
            StandardOpenOption.TRUNCATE_EXISTING)) {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
      channel.force(true);
    }
    Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }
}
