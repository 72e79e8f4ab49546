package io.ferry.engine.wiring;

import io.ferry.channels.ChannelState;
import io.ferry.channels.entity.CborSerializable;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
 * in the node's data directory, written whole to a temporary file and moved over the old one, in
 * the system's own serialization (the channel states as the journal's snapshots store them). A
 * checkpoint of another journal (the node moved from LevelDB to PostgreSQL) or one that cannot be
 * read is ignored: the model then replays the whole tag, as it would without one.
 */
public final class ReadModelCheckpoints {
  private static final Logger log = LoggerFactory.getLogger(ReadModelCheckpoints.class);
  private static final int FORMAT = 1;

  /** What a checkpoint holds: the offset reached, the folded channels and their last events. */
  public record Checkpoint(long offset, List<ChannelState> channels, Map<String, Long> sequenceNrs)
      implements CborSerializable {
    public Checkpoint {
      channels = List.copyOf(channels);
      sequenceNrs = Map.copyOf(sequenceNrs);
    }

    static final Checkpoint NONE = new Checkpoint(0, List.of(), Map.of());
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

  /** The last checkpoint saved; {@link Checkpoint#NONE} when there is none to use. */
  Checkpoint load() {
    if (!Files.exists(file)) {
      return Checkpoint.NONE;
    }
    try (DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(Files.readAllBytes(file)))) {
      if (in.readInt() != FORMAT || !in.readUTF().equals(journal)) {
        return Checkpoint.NONE;
      }
      int serializer = in.readInt();
      String manifest = in.readUTF();
      byte[] bytes = in.readNBytes(in.readInt());
      return (Checkpoint) serialization.deserialize(bytes, serializer, manifest).get();
    } catch (IOException | RuntimeException e) {
      log.warn("ignored the channel read model's checkpoint {}: {}", file, e.toString());
      return Checkpoint.NONE;
    }
  }

  /** Replaces the saved checkpoint with {@code checkpoint}. */
  void save(Checkpoint checkpoint) {
    Serializer serializer = serialization.findSerializerFor(checkpoint);
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(buffer)) {
      byte[] bytes = serializer.toBinary(checkpoint);
      out.writeInt(FORMAT);
      out.writeUTF(journal);
      out.writeInt(serializer.identifier());
      out.writeUTF(Serializers.manifestFor(serializer, checkpoint));
      out.writeInt(bytes.length);
      out.write(bytes);
      Files.createDirectories(file.toAbsolutePath().getParent());
      Path next = file.resolveSibling(file.getFileName() + ".next");
      Files.write(next, buffer.toByteArray());
      Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | RuntimeException e) {
      // The model goes on; the next start replays from the last checkpoint that was saved.
      log.warn("could not save the channel read model to {}: {}", file, e.toString());
    }
  }
}
