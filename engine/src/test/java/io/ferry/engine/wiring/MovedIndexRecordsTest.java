package io.ferry.engine.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Nodes built before the engine module stored the channel index under {@code io.ferry.node.engine};
 * those records and snapshots still read, as the classes that have the names now.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MovedIndexRecordsTest {
  private ActorTestKit kit;
  private Serialization serialization;

  @BeforeAll
  void start() {
    kit = ActorTestKit.create();
    serialization = SerializationExtension.get(kit.system().classicSystem());
  }

  @AfterAll
  void stop() {
    kit.shutdownTestKit();
  }

  /** {@code record} as a node built before the move stored it: its bytes, under the old name. */
  private Object readAsStoredBeforeTheMove(Object record) {
    Serializer serializer = serialization.findSerializerFor(record);
    byte[] bytes = serialization.serialize(record).get();
    String manifest = Serializers.manifestFor(serializer, record);
    assertThat(manifest).isEqualTo(record.getClass().getName());
    String old = manifest.replace("io.ferry.engine.wiring.", "io.ferry.node.engine.");
    return serialization.deserialize(bytes, serializer.identifier(), old).get();
  }

  @Test
  void indexEventsStoredUnderTheOldPackageReadAsTheMovedRecords() {
    assertThat(readAsStoredBeforeTheMove(new ChannelIndex.Added("a-b-1")))
        .isEqualTo(new ChannelIndex.Added("a-b-1"));
    assertThat(readAsStoredBeforeTheMove(new ChannelIndex.Removed("a-b-1")))
        .isEqualTo(new ChannelIndex.Removed("a-b-1"));
  }

  @Test
  void anIndexSnapshotStoredUnderTheOldPackageReadsAsTheMovedState() {
    ChannelIndex.State state = new ChannelIndex.State(Set.of("a-b-1", "a-b-2"));
    assertThat(readAsStoredBeforeTheMove(state)).isEqualTo(state);
  }
}
