package io.ferry.server.gateway;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.ipld.Cid;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.trustless.StoredBlocks;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * Delegated Routing V1's {@code GET /routing/v1/providers/{cid}}: for a block this node holds, one
 * record of schema {@code peer} with the node's peer ID, the gateway's address as a multiaddr
 * ending in {@code /http} and the protocol {@code transport-ipfs-gateway-http}, so a client such as
 * Helia fetches from this gateway; 404 for a block it does not hold. JSON by default, one record
 * per line with {@code Accept: application/x-ndjson}.
 */
final class ProviderRecords {
  static final String PROTOCOL = "transport-ipfs-gateway-http";
  private static final String NDJSON = "application/x-ndjson";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final StoredBlocks blocks;
  private final String peerId;
  private final Supplier<List<String>> addrs;
  private final Executor blocking;

  ProviderRecords(
      BlockStore store, String peerId, Supplier<List<String>> addrs, Executor blocking) {
    this.blocks = new StoredBlocks(store);
    this.peerId = peerId;
    this.addrs = addrs;
    this.blocking = blocking;
  }

  CompletionStage<HttpResponse> handle(HttpRequest request, String cidText) {
    Cid cid;
    try {
      cid = Cid.parse(cidText);
    } catch (IllegalArgumentException e) {
      return CompletableFuture.completedFuture(TrustlessResponses.error(400, e.getMessage()));
    }
    Optional<String> filter = request.getUri().query().get("filter-protocols");
    boolean wanted =
        filter.isEmpty()
            || List.of(filter.get().split(",")).stream()
                .map(String::strip)
                .anyMatch(p -> p.equals(PROTOCOL) || p.equals("unknown"));
    return CompletableFuture.supplyAsync(
        () -> wanted && blocks.has(cid) ? found(request) : notFound(cid), blocking);
  }

  private HttpResponse found(HttpRequest request) {
    Map<String, Object> record = new LinkedHashMap<>();
    record.put("Schema", "peer");
    record.put("ID", peerId);
    record.put("Addrs", addrs.get());
    record.put("Protocols", List.of(PROTOCOL));
    boolean ndjson =
        TrustlessHandler.header(request, "Accept").map(a -> a.contains(NDJSON)).orElse(false);
    byte[] body;
    try {
      body =
          ndjson
              ? (JSON.writeValueAsString(record) + "\n")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8)
              : JSON.writeValueAsBytes(Map.of("Providers", List.of(record)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
    return HttpResponse.create()
        .withStatus(200)
        .addHeader(RawHeader.create("Cache-Control", "public, max-age=300"))
        .addHeader(RawHeader.create("Vary", "Accept"))
        .withEntity(
            HttpEntities.create(
                ndjson ? ContentTypes.parse(NDJSON) : ContentTypes.APPLICATION_JSON, body));
  }

  private static HttpResponse notFound(Cid cid) {
    return HttpResponse.create()
        .withStatus(404)
        .addHeader(RawHeader.create("Cache-Control", "public, max-age=60"))
        .addHeader(RawHeader.create("Vary", "Accept"))
        .withEntity("this node does not provide " + cid + "\n");
  }
}
