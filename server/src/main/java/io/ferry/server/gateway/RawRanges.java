package io.ferry.server.gateway;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/**
 * A raw block's answer, honouring a single HTTP {@code Range} ({@code bytes=a-b}, {@code a-},
 * {@code -n}) with 206; several ranges, or a header it cannot read, get the whole block (which HTTP
 * allows); a range past the end gets 416.
 */
final class RawRanges {
  private RawRanges() {}

  static HttpResponse answer(
      Optional<String> range, byte[] data, ContentType type, List<HttpHeader> headers) {
    List<HttpHeader> h = new ArrayList<>(headers);
    h.add(RawHeader.create("Accept-Ranges", "bytes"));
    Optional<long[]> r = range.flatMap(v -> parse(v, data.length));
    if (range.isPresent() && r.isPresent() && r.get().length == 0) {
      h.add(RawHeader.create("Content-Range", "bytes */" + data.length));
      return HttpResponse.create()
          .withStatus(416)
          .addHeaders(h)
          .withEntity(
              "the range " + range.get() + " is outside this block of " + data.length + " bytes\n");
    }
    if (r.isEmpty()) {
      return HttpResponse.create()
          .withStatus(200)
          .addHeaders(h)
          .withEntity(HttpEntities.create(type, data));
    }
    long first = r.get()[0];
    long last = r.get()[1];
    h.add(RawHeader.create("Content-Range", "bytes " + first + "-" + last + "/" + data.length));
    byte[] part = Arrays.copyOfRange(data, (int) first, (int) last + 1);
    return HttpResponse.create()
        .withStatus(206)
        .addHeaders(h)
        .withEntity(HttpEntities.create(type, part));
  }

  /**
   * {first, last} of a single satisfiable range; an empty array for an unsatisfiable one; empty for
   * a header to ignore.
   */
  private static Optional<long[]> parse(String header, long size) {
    String v = header.strip();
    if (!v.startsWith("bytes=") || v.contains(",")) {
      return Optional.empty();
    }
    String spec = v.substring(6).strip();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return Optional.empty();
    }
    try {
      String a = spec.substring(0, dash).strip();
      String b = spec.substring(dash + 1).strip();
      long first;
      long last;
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0) {
          return Optional.of(new long[0]);
        }
        first = Math.max(0, size - suffix);
        last = size - 1;
      } else {
        first = Long.parseLong(a);
        last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
      }
      if (first >= size || last < first) {
        return Optional.of(new long[0]);
      }
      return Optional.of(new long[] {first, last});
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
