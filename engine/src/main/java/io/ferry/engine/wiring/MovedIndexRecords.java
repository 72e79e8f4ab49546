package io.ferry.engine.wiring;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * The channel index's journal records and snapshot, stored by nodes built before the engine module
 * existed under their old package ({@code io.ferry.node.engine}). Pekko's Jackson serializer finds
 * this migration by the stored class name ({@code pekko.serialization.jackson.migrations} in the
 * engine's reference.conf lists every old name) and reads the record as the class that has that
 * name now; the fields are unchanged.
 */
public final class MovedIndexRecords extends JacksonMigration {
  private static final String OLD = "io.ferry.node.engine.ChannelIndex$";

  /** Old class name (as stored) to the class that has it now. */
  public static final Map<String, Class<?>> MOVED =
      Map.of(
          OLD + "Added", ChannelIndex.Added.class,
          OLD + "Removed", ChannelIndex.Removed.class,
          OLD + "State", ChannelIndex.State.class);

  /**
   * Stored records carry no version (version 1); Pekko asks for the new class name only of records
   * older than this.
   */
  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    Class<?> now = MOVED.get(className);
    return now == null ? className : now.getName();
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
