package io.ferry.server.gateway;

import io.ferry.ipld.Cid;
import io.ferry.ipld.trustless.Resolution;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * The headers of trustless responses: immutable caching, {@code Etag}, {@code X-Ipfs-Path} and
 * {@code X-Ipfs-Roots}, an attachment {@code Content-Disposition} and no content sniffing; and
 * plain-text error answers.
 */
final class TrustlessResponses {
  static final String CACHE_FOREVER = "public, max-age=29030400, immutable";

  private TrustlessResponses() {}

  /** The headers every successful /ipfs response carries. */
  static List<HttpHeader> headers(
      String requestPath,
      Resolution resolution,
      String etag,
      String defaultFilename,
      Optional<String> filename) {
    List<HttpHeader> h = new ArrayList<>();
    h.add(RawHeader.create("Etag", etag));
    h.add(RawHeader.create("Cache-Control", CACHE_FOREVER));
    h.add(RawHeader.create("X-Ipfs-Path", requestPath));
    h.add(
        RawHeader.create(
            "X-Ipfs-Roots",
            resolution.roots().stream().map(Cid::toString).collect(Collectors.joining(","))));
    h.add(RawHeader.create("X-Content-Type-Options", "nosniff"));
    h.add(RawHeader.create("Vary", "Accept"));
    String name = filename.map(TrustlessResponses::safeFilename).orElse(defaultFilename);
    h.add(RawHeader.create("Content-Disposition", "attachment; filename=\"" + name + "\""));
    return h;
  }

  /** A filename fit for a quoted header value: no quotes, backslashes or control characters. */
  private static String safeFilename(String name) {
    StringBuilder b = new StringBuilder();
    name.codePoints()
        .filter(c -> c >= 0x20 && c != '"' && c != '\\' && c != 0x7f && c < 0x80)
        .forEach(b::appendCodePoint);
    return b.length() == 0 ? "download" : b.toString();
  }

  /** A plain-text error answer. */
  static HttpResponse error(int status, String message) {
    return HttpResponse.create()
        .withStatus(status)
        .withEntity(message + "\n")
        .addHeader(RawHeader.create("Cache-Control", "no-store"));
  }
}
