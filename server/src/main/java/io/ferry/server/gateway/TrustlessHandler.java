package io.ferry.server.gateway;

import io.ferry.ipld.Block;
import io.ferry.ipld.Cid;
import io.ferry.ipld.car.CarFrames;
import io.ferry.ipld.codec.CodecException;
import io.ferry.ipld.store.BlockStore;
import io.ferry.ipld.traversal.MissingBlockException;
import io.ferry.ipld.trustless.DagWalk;
import io.ferry.ipld.trustless.EntityBytes;
import io.ferry.ipld.trustless.PathNotFoundException;
import io.ferry.ipld.trustless.PathResolver;
import io.ferry.ipld.trustless.Resolution;
import io.ferry.ipld.trustless.StoredBlocks;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import org.apache.pekko.NotUsed;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.stream.ActorAttributes;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * Answers {@code GET}/{@code HEAD /ipfs/{cid}[/path]}: resolves the path against the block store
 * (on the blocking dispatcher), then answers with the terminal block ({@code
 * application/vnd.ipld.raw}) or a CAR stream whose blocks are read from the store one at a time as
 * the client takes them ({@code application/vnd.ipld.car}); 404 when the root or a path segment is
 * not there, 412 for {@code Cache-Control: only-if-cached} when the root is not held, 304 for a
 * matching {@code If-None-Match}.
 */
final class TrustlessHandler {
  private static final ContentType RAW_TYPE = ContentTypes.parse(Negotiation.RAW);

  private final StoredBlocks blocks;
  private final PathResolver resolver;
  private final Executor blocking;
  private final String blockingDispatcher;

  TrustlessHandler(BlockStore store, Executor blocking, String blockingDispatcher) {
    this.blocks = new StoredBlocks(store);
    this.resolver = new PathResolver(blocks);
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.blockingDispatcher = blockingDispatcher;
  }

  /**
   * @param segments the path after {@code /ipfs/}: the CID, then the content path
   * @param permit freed when the response has been sent (by the CAR stream's end, or here)
   */
  CompletionStage<HttpResponse> handle(
      HttpRequest request, List<String> segments, ClientLimits.Permit permit) {
    Cid root;
    Wanted wanted;
    try {
      root = parseCid(segments.get(0));
      wanted =
          Negotiation.decide(name -> request.getUri().query().get(name), header(request, "Accept"));
    } catch (GatewayError e) {
      permit.close();
      return CompletableFuture.completedFuture(
          TrustlessResponses.error(e.status(), e.getMessage()));
    }
    return CompletableFuture.supplyAsync(
            () -> answer(request, root, segments.subList(1, segments.size()), wanted, permit),
            blocking)
        .handle(
            (response, failure) -> {
              if (failure != null) {
                permit.close();
                return failureResponse(failure);
              }
              if (!response.entity().isChunked()) {
                permit.close();
              }
              return response;
            });
  }

  private HttpResponse answer(
      HttpRequest request, Cid root, List<String> path, Wanted wanted, ClientLimits.Permit permit) {
    if (!blocks.has(root)) {
      if (header(request, "Cache-Control").orElse("").contains("only-if-cached")) {
        throw new GatewayError(412, root + " is not in this gateway's block store");
      }
      throw new GatewayError(404, root + " is not in this gateway's block store");
    }
    Resolution resolution = resolver.resolve(root, path);
    String requestPath = request.getUri().path();
    Optional<String> filename = request.getUri().query().get("filename");
    Cid terminal = resolution.terminal().cid();
    boolean head = request.method().equals(HttpMethods.HEAD);
    if (wanted instanceof Wanted.Car car) {
      Optional<EntityBytes.Range> range = byteRange(car, resolution.terminal());
      String etag = carEtag(requestPath, car);
      if (notModified(request, etag)) {
        return HttpResponse.create().withStatus(304);
      }
      List<HttpHeader> headers =
          TrustlessResponses.headers(requestPath, resolution, etag, terminal + ".car", filename);
      headers.add(
          org.apache.pekko.http.javadsl.model.headers.RawHeader.create("Accept-Ranges", "none"));
      Source<ByteString, NotUsed> body =
          head ? Source.empty() : carBody(root, resolution, car, range);
      Source<ByteString, NotUsed> watched =
          body.watchTermination(
              (mat, done) -> {
                permit.sending();
                done.whenComplete((d, e) -> permit.close());
                return mat;
              });
      return HttpResponse.create()
          .withStatus(200)
          .addHeaders(headers)
          .withEntity(HttpEntities.createChunked(car.contentType(), watched));
    }
    Block block = resolution.terminal();
    String etag = "\"" + terminal + ".raw\"";
    if (notModified(request, etag)) {
      return HttpResponse.create().withStatus(304);
    }
    List<HttpHeader> headers =
        TrustlessResponses.headers(requestPath, resolution, etag, terminal + ".bin", filename);
    return RawRanges.answer(header(request, "Range"), block.data(), RAW_TYPE, headers);
  }

  /** The part of a file {@code entity-bytes} covers; 400 when it covers none of it. */
  private static Optional<EntityBytes.Range> byteRange(Wanted.Car car, Block terminal) {
    if (car.entityBytes().isEmpty()) {
      return Optional.empty();
    }
    Optional<Long> size = DagWalk.fileSize(terminal);
    if (size.isEmpty()) {
      return Optional.empty(); // not a file: entity-bytes is ignored
    }
    EntityBytes bytes = car.entityBytes().get();
    return Optional.of(
        bytes
            .within(size.get())
            .orElseThrow(
                () ->
                    new GatewayError(
                        400,
                        "entity-bytes="
                            + bytes
                            + " selects no byte of "
                            + terminal.cid()
                            + ", a file of "
                            + size.get()
                            + " bytes")));
  }

  private Source<ByteString, NotUsed> carBody(
      Cid root, Resolution resolution, Wanted.Car car, Optional<EntityBytes.Range> range) {
    Source<ByteString, NotUsed> blocksSource =
        Source.fromIterator(() -> new DagWalk(blocks, resolution, car.scope(), range, car.dups()))
            .map(
                b ->
                    ByteString.fromArrayUnsafe(CarFrames.blockPrefix(b))
                        .concat(ByteString.fromArrayUnsafe(b.data())))
            .withAttributes(ActorAttributes.dispatcher(blockingDispatcher));
    return Source.single(ByteString.fromArrayUnsafe(CarFrames.header(List.of(root))))
        .concat(blocksSource);
  }

  private static String carEtag(String path, Wanted.Car car) {
    String variant =
        path
            + "|"
            + car.scope().text()
            + "|"
            + car.entityBytes().map(Object::toString).orElse("")
            + "|"
            + car.dups();
    return "W/\""
        + path.substring(path.lastIndexOf("/ipfs/") + 6).replace('/', '_')
        + ".car."
        + Integer.toHexString(variant.hashCode())
        + "\"";
  }

  private static boolean notModified(HttpRequest request, String etag) {
    return header(request, "If-None-Match")
        .map(
            v ->
                v.equals("*")
                    || List.of(v.split(",")).stream().anyMatch(t -> t.strip().equals(etag)))
        .orElse(false);
  }

  private static Cid parseCid(String text) {
    try {
      return Cid.parse(text);
    } catch (IllegalArgumentException e) {
      throw new GatewayError(400, e.getMessage());
    }
  }

  static Optional<String> header(HttpRequest request, String name) {
    return request.getHeader(name).map(HttpHeader::value);
  }

  private static HttpResponse failureResponse(Throwable failure) {
    Throwable t =
        failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (t instanceof GatewayError e) {
      return TrustlessResponses.error(e.status(), e.getMessage());
    }
    if (t instanceof MissingBlockException m) {
      return TrustlessResponses.error(404, m.cid() + " is not in this gateway's block store");
    }
    if (t instanceof PathNotFoundException p) {
      return TrustlessResponses.error(404, p.getMessage());
    }
    if (t instanceof CodecException || t instanceof IllegalArgumentException) {
      return TrustlessResponses.error(422, "cannot read the DAG on this path: " + t.getMessage());
    }
    return TrustlessResponses.error(500, "the gateway failed: " + t);
  }
}
