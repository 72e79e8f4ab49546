package io.ferry.server.gateway;

import io.ferry.ipld.trustless.DagScope;
import io.ferry.ipld.trustless.EntityBytes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides what a request asks for, as the trustless gateway spec orders it: the {@code format}
 * query parameter first, else the {@code Accept} header (media ranges by quality, then order);
 * {@code car-version}, {@code car-order} and {@code car-dups} override the CAR media type's own
 * parameters. Ferry writes CARv1 in depth-first order, with duplicates only when asked ({@code
 * dups=n} by default).
 */
final class Negotiation {
  static final String RAW = "application/vnd.ipld.raw";
  static final String CAR = "application/vnd.ipld.car";

  private Negotiation() {}

  /** One media range of an Accept header. */
  private record MediaRange(String type, Map<String, String> params, double q, int index) {}

  /**
   * @param query the request's query parameters by name
   * @param accept the Accept header, if any
   * @throws GatewayError 400 for a bad or missing choice, 406 when no accepted type can be served
   */
  static Wanted decide(Function<String, Optional<String>> query, Optional<String> accept) {
    Optional<String> format = query.apply("format");
    List<MediaRange> ranges = accept.map(Negotiation::parse).orElse(List.of());
    if (format.isPresent()) {
      String f = format.get();
      if (f.equals("raw")) {
        return new Wanted.Raw();
      }
      if (f.equals("car")) {
        Map<String, String> params =
            ranges.stream()
                .filter(r -> r.type().equals(CAR) && servable(r.params()))
                .findFirst()
                .map(MediaRange::params)
                .orElse(Map.of());
        return car(params, query);
      }
      throw new GatewayError(
          400,
          "format '"
              + f
              + "' is not served here: this trustless gateway answers format=raw (one block) and"
              + " format=car (a CAR stream)");
    }
    boolean anyType = false;
    for (MediaRange r : ranges) {
      if (r.q() <= 0) {
        continue;
      }
      if (r.type().equals(RAW)) {
        return new Wanted.Raw();
      }
      if (r.type().equals(CAR) && servable(r.params())) {
        return car(r.params(), query);
      }
      anyType |= r.type().equals("*/*") || r.type().equals("application/*");
    }
    if (ranges.isEmpty() || anyType) {
      throw new GatewayError(
          400,
          "say which response you want: ?format=raw (or Accept: "
              + RAW
              + ") for one block, ?format=car (or Accept: "
              + CAR
              + ") for a CAR stream; this trustless gateway does not deserialize content");
    }
    throw new GatewayError(
        406,
        "none of the accepted types ("
            + accept.orElse("")
            + ") is served here; this trustless gateway answers "
            + RAW
            + " and "
            + CAR
            + "; version=1; order=dfs|unk; dups=y|n");
  }

  /** Whether Ferry can write a CAR with these media type parameters. */
  private static boolean servable(Map<String, String> params) {
    String version = params.getOrDefault("version", "1");
    String order = params.getOrDefault("order", "dfs");
    String dups = params.getOrDefault("dups", "n");
    return version.equals("1")
        && (order.equals("dfs") || order.equals("unk"))
        && (dups.equals("y") || dups.equals("n"));
  }

  private static Wanted.Car car(
      Map<String, String> acceptParams, Function<String, Optional<String>> query) {
    Map<String, String> params = new HashMap<>(acceptParams);
    query.apply("car-version").ifPresent(v -> params.put("version", v));
    query.apply("car-order").ifPresent(v -> params.put("order", v));
    query.apply("car-dups").ifPresent(v -> params.put("dups", v));
    if (!servable(params)) {
      throw new GatewayError(
          400,
          "this gateway writes CAR version 1 in order dfs (or unk), dups y or n; asked for "
              + params);
    }
    Optional<EntityBytes> bytes;
    DagScope scope;
    try {
      bytes = query.apply("entity-bytes").map(EntityBytes::parse);
      scope = query.apply("dag-scope").map(DagScope::parse).orElse(DagScope.ALL);
    } catch (IllegalArgumentException e) {
      throw new GatewayError(400, e.getMessage());
    }
    if (bytes.isPresent()) {
      scope = DagScope.ENTITY; // entity-bytes implies dag-scope=entity
    }
    return new Wanted.Car(params.getOrDefault("dups", "n").equals("y"), scope, bytes);
  }

  /** Parses an Accept header into media ranges, best first. */
  private static List<MediaRange> parse(String header) {
    List<MediaRange> out = new ArrayList<>();
    String[] parts = header.split(",");
    for (int i = 0; i < parts.length; i++) {
      String[] fields = parts[i].split(";");
      if (fields.length == 0) {
        continue; // ";" alone: no media range (fuzzing found the index out of bounds)
      }
      String type = fields[0].strip().toLowerCase(Locale.ROOT);
      if (type.isEmpty()) {
        continue;
      }
      Map<String, String> params = new HashMap<>();
      double q = 1;
      for (int j = 1; j < fields.length; j++) {
        String f = fields[j].strip();
        int eq = f.indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String name = f.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String value = f.substring(eq + 1).strip().replace("\"", "");
        if (name.equals("q")) {
          try {
            q = Double.parseDouble(value);
          } catch (NumberFormatException e) {
            q = 0;
          }
        } else {
          params.put(name, value);
        }
      }
      out.add(new MediaRange(type, Map.copyOf(params), q, i));
    }
    out.sort(
        Comparator.comparingDouble((MediaRange r) -> -r.q()).thenComparingInt(MediaRange::index));
    return out;
  }
}
