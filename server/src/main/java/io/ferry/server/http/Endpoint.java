package io.ferry.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.http.javadsl.model.HttpMethod;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * One row of the API's route table: a method, a path template such as {@code
 * /v1/channels/{id}/pause}, whether the bearer token is required, and the handler that gets the
 * template's variables. The router is built from these rows, and the OpenAPI test checks the same
 * rows against {@code openapi.json}, so the two cannot drift.
 */
public record Endpoint(
    HttpMethod method, String path, boolean authenticated, Function<Params, Route> handler) {

  public Endpoint {
    if (!path.startsWith("/")) {
      throw new IllegalArgumentException("an endpoint path starts with '/': " + path);
    }
  }

  /** The template's variables, by name. */
  public record Params(Map<String, String> values) {
    public Params {
      values = Map.copyOf(values);
    }

    /** The value of {@code {name}}. */
    public String get(String name) {
      String v = values.get(name);
      if (v == null) {
        throw new IllegalStateException("path has no variable '" + name + "'");
      }
      return v;
    }
  }

  /** The path's segments, e.g. {@code [v1, channels, {id}, pause]}. */
  public List<String> segments() {
    return Arrays.stream(path.substring(1).split("/")).filter(s -> !s.isEmpty()).toList();
  }

  /**
   * The route: this method and exactly this path, then {@code guard} (which decides, per request,
   * whether to build and run the handler), then the handler. The handler's route is built per
   * request and only after the guard let it through, so nothing it starts can run for a refused
   * request.
   */
  public Route route(Function<Endpoint, Function<Supplier<Route>, Route>> guard) {
    // The path first, then the method: a known path with another method is a 405 naming the
    // methods allowed (Pekko's method directive, once passed, cancels the method rejections of
    // the other rows, so checking it first made DELETE /v1/id a 404).
    return match(
        segments(),
        0,
        new LinkedHashMap<>(),
        p ->
            Directives.method(
                method,
                () -> extractRequest(r -> guard.apply(this).apply(() -> handler.apply(p)))));
  }

  private static Route match(
      List<String> segs, int i, Map<String, String> vars, Function<Params, Route> then) {
    if (i == segs.size()) {
      return pathEndOrSingleSlash(() -> then.apply(new Params(vars)));
    }
    String s = segs.get(i);
    if (s.startsWith("{") && s.endsWith("}")) {
      String name = s.substring(1, s.length() - 1);
      return pathPrefix(
          PathMatchers.segment(),
          value -> {
            Map<String, String> more = new LinkedHashMap<>(vars);
            more.put(name, value);
            return match(segs, i + 1, more, then);
          });
    }
    return pathPrefix(s, () -> match(segs, i + 1, vars, then));
  }
}
