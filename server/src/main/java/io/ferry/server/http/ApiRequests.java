package io.ferry.server.http;

import com.fasterxml.jackson.databind.JsonNode;

/** Request bodies of the API's POST endpoints. Missing optional members are null. */
public final class ApiRequests {
  private ApiRequests() {}

  /**
   * A voucher given as JSON.
   *
   * @param type the registered voucher type identifier
   * @param value the voucher, in the JSON form of its Java type
   */
  public record Voucher(String type, JsonNode value) {}

  /**
   * {@code POST /v1/channels/pull}: receive a DAG from a peer.
   *
   * @param from the peer's multiaddr
   * @param root the root CID
   * @param selector a DAG-JSON selector; null means the whole DAG
   * @param voucher the voucher to open the channel with; may be null
   */
  public record Pull(String from, String root, JsonNode selector, Voucher voucher) {}

  /**
   * {@code POST /v1/channels/push}: send a DAG to a peer.
   *
   * @param to the peer's multiaddr
   * @param root the root CID
   * @param selector a DAG-JSON selector; null means the whole DAG
   * @param voucher the voucher to open the channel with; may be null
   */
  public record Push(String to, String root, JsonNode selector, Voucher voucher) {}

  /**
   * {@code POST /v1/blocks/import}.
   *
   * @param path a file or directory on the node's machine
   * @param format {@code file} (default: chunked into a UnixFS DAG) or {@code car}
   * @param profile the UnixFS profile for {@code file} (e.g. {@code unixfs-v1-2025}); null for the
   *     default
   * @param hidden whether hidden entries of a directory are imported too; null means no
   */
  public record Import(String path, String format, String profile, Boolean hidden) {}

  /**
   * {@code POST /v1/channels/purge}: the channels to purge, by ID, or every ended one.
   *
   * @param ids channel IDs
   * @param terminal true for every channel that ended (Completed, Failed, Cancelled)
   */
  public record Purge(java.util.List<String> ids, Boolean terminal) {}

  /**
   * {@code POST /v1/export}.
   *
   * @param root the root CID
   * @param path where to write, on the node's machine
   * @param selector a DAG-JSON selector; null means the whole DAG
   * @param format {@code file} (default) or {@code car}
   */
  public record Export(String root, String path, JsonNode selector, String format) {}
}
