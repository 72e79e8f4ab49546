package io.ferry.ipld.selector;

import io.ferry.ipld.model.Node;

/** Selector schema to and from data model nodes (placeholder). */
final class SelectorCodec {
  private SelectorCodec() {}

  static Selector fromNode(Node node) {
    throw new UnsupportedOperationException("selector decoding is not implemented yet");
  }

  static Node toNode(Selector selector) {
    throw new UnsupportedOperationException("selector encoding is not implemented yet");
  }
}
