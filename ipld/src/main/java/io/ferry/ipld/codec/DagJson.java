package io.ferry.ipld.codec;

import io.ferry.ipld.model.Node;

/** dag-json (placeholder: implementation follows). */
public final class DagJson {
  private DagJson() {}

  public static Node decode(String json) {
    throw new UnsupportedOperationException("dag-json decoding is not implemented yet");
  }

  public static String encodeToString(Node node) {
    throw new UnsupportedOperationException("dag-json encoding is not implemented yet");
  }
}
