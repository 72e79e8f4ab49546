package io.ferry.server.fetch;

import io.ferry.ipld.Block;
import io.ferry.ipld.BlockVerificationException;
import io.ferry.ipld.Cid;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The two requests of the trustless gateway spec a fetch needs: a CAR of a sub-DAG ({@code
 * application/vnd.ipld.car; version=1; order=dfs; dups=y}) and one raw block ({@code
 * application/vnd.ipld.raw}). Answers other than 200 become {@link GatewayException}s naming the
 * URL and status.
 */
final class GatewayClient {
  static final String CAR =
      "application/vnd.ipld.car; version=1; order=dfs; dups=y, application/vnd.ipld.car;q=0.5";
  static final String RAW = "application/vnd.ipld.raw";

  /** A gateway's refusal or an unusable answer. */
  static final class GatewayException extends IOException {
    GatewayException(String message) {
      super(message);
    }
  }

  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  GatewayClient(URI base, Duration timeout) {
    String b = base.toString();
    this.base = URI.create(b.endsWith("/") ? b.substring(0, b.length() - 1) : b);
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  URI base() {
    return base;
  }

  /** The CAR stream of {@code cid} with {@code dagScope}; the caller closes it. */
  InputStream car(Cid cid, String dagScope) throws IOException, InterruptedException {
    URI uri = URI.create(base + "/ipfs/" + cid + "?format=car&dag-scope=" + dagScope);
    HttpResponse<InputStream> r =
        http.send(
            HttpRequest.newBuilder(uri).header("Accept", CAR).timeout(timeout).GET().build(),
            HttpResponse.BodyHandlers.ofInputStream());
    if (r.statusCode() != 200) {
      r.body().close();
      throw new GatewayException(uri + " answered " + r.statusCode());
    }
    return r.body();
  }

  /** One block, checked against {@code cid}. */
  Block raw(Cid cid) throws IOException, InterruptedException {
    URI uri = URI.create(base + "/ipfs/" + cid + "?format=raw");
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(uri).header("Accept", RAW).timeout(timeout).GET().build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new GatewayException(uri + " answered " + r.statusCode());
    }
    try {
      return Block.verify(cid, r.body());
    } catch (BlockVerificationException e) {
      throw new GatewayException(uri + " sent a block that is not " + cid + ": " + e.getMessage());
    }
  }
}
