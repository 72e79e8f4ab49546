package io.ferry.node.gateway;

import io.ferry.ipld.trustless.DagScope;
import io.ferry.ipld.trustless.EntityBytes;
import java.util.Optional;

/** The response a request asks for, once {@code format}, {@code Accept} and parameters are read. */
sealed interface Wanted {
  /** {@code application/vnd.ipld.raw}: the single block at the end of the path. */
  record Raw() implements Wanted {}

  /**
   * {@code application/vnd.ipld.car}, always version 1 in depth-first order.
   *
   * @param dups whether repeated blocks are sent each time the walk reaches them
   * @param scope how much of the DAG at the end of the path
   * @param entityBytes the byte range of a file to cover, if asked
   */
  record Car(boolean dups, DagScope scope, Optional<EntityBytes> entityBytes) implements Wanted {
    /** The response's Content-Type, with every parameter this gateway decides. */
    String contentType() {
      return "application/vnd.ipld.car; version=1; order=dfs; dups=" + (dups ? "y" : "n");
    }
  }
}
