package io.ferry.channels.entity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Map;
import org.apache.pekko.serialization.jackson.JacksonMigration;

/**
 * Journal records renamed after nodes had stored them under their old names. Pekko's Jackson
 * serializer finds this migration by a stored event's old class name ({@code
 * pekko.serialization.jackson.migrations} in the channels' reference.conf lists every old name) and
 * reads the event as the record that has the name now; the fields are unchanged.
 */
public final class RenamedJournalEvents extends JacksonMigration {
  private static final String PREFIX = JournalEvent.class.getName() + "$";

  /** Old record name (as stored) to the record that replaced it. */
  public static final Map<String, Class<? extends JournalEvent>> RENAMED =
      Map.of(PREFIX + "Completed", JournalEvent.CompletionBegun.class);

  /**
   * Stored events carry no version (version 1); Pekko asks for the new class name only of events
   * older than this.
   */
  @Override
  public int currentVersion() {
    return 2;
  }

  @Override
  public String transformClassName(int fromVersion, String className) {
    Class<? extends JournalEvent> now = RENAMED.get(className);
    return now == null ? className : now.getName();
  }

  @Override
  public JsonNode transform(int fromVersion, JsonNode json) {
    return json;
  }
}
