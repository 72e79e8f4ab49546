package io.ferry.ipld.trustless;

import java.util.Locale;

/** The {@code dag-scope} of a CAR request: how much of the DAG at the end of the path to send. */
public enum DagScope {
  /** Only the block at the end of the path. */
  BLOCK,
  /** The blocks needed to read the whole entity: a UnixFS file, a directory's listing. */
  ENTITY,
  /** The whole DAG under the end of the path. */
  ALL;

  /**
   * Parses {@code block}, {@code entity} or {@code all}.
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static DagScope parse(String text) {
    return switch (text) {
      case "block" -> BLOCK;
      case "entity" -> ENTITY;
      case "all" -> ALL;
      default ->
          throw new IllegalArgumentException(
              "dag-scope must be block, entity or all, was '" + text + "'");
    };
  }

  /** The parameter's value, as a request writes it. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }
}
