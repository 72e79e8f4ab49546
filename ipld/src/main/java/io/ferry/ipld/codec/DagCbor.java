package io.ferry.ipld.codec;

import io.ferry.ipld.model.Node;

/** dag-cbor (placeholder: implementation follows). */
public final class DagCbor {
  private DagCbor() {}

  public static Node decode(byte[] cbor) {
    throw new UnsupportedOperationException("dag-cbor decoding is not implemented yet");
  }

  public static byte[] encode(Node node) {
    throw new UnsupportedOperationException("dag-cbor encoding is not implemented yet");
  }
}
