package io.ferry.transport.local;

import io.ferry.channels.wire.DataRequest;
import io.ferry.ipld.traversal.Traversal;

/** A channel this peer receives: the traversal that says which block must come next. */
final class Incoming {
  final DataRequest request;
  Traversal traversal;
  long generation = -1;
  boolean finished;

  Incoming(DataRequest request, Traversal traversal) {
    this.request = request;
    this.traversal = traversal;
  }
}
