package io.ferry.server.gateway;

import io.ferry.ipld.trustless.DagScope;
import io.ferry.ipld.trustless.EntityBytes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.MediaTypes;

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
    /** The response's Content-Type, with every parameter this gateway decides, version first. */
    ContentType contentType() {
      Map<String, String> params = new LinkedHashMap<>();
      params.put("version", "1");
      params.put("order", "dfs");
      params.put("dups", dups ? "y" : "n");
      return MediaTypes.customBinary("application", "vnd.ipld.car", false, params, false)
          .toContentType();
    }
  }
}
