package io.ferry.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.server.config.ApiAddress;
import io.ferry.server.config.FerryConfig;
import io.ferry.server.http.ApiToken;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A client of a running node's HTTP API, for the CLI commands. Finds the node the way {@code ferry}
 * commands do: the API address from {@code --api} or {@code FERRY_API}, else from {@code
 * $FERRY_HOME/api.addr} (written by {@code ferry node run}); the token from {@code
 * $FERRY_HOME/api.token}.
 */
public final class ApiClient {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http;
  private final ApiAddress address;
  private final ApiToken token;

  public ApiClient(ApiAddress address, ApiToken token) {
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    this.address = address;
    this.token = token;
  }

  /**
   * The client of the node that {@code config} describes.
   *
   * @param apiGiven whether the API address was given explicitly (flag or environment); otherwise
   *     the running node's {@code api.addr} is read
   * @throws ApiException when no running node can be found, saying where it looked
   */
  public static ApiClient forNode(FerryConfig config, boolean apiGiven) {
    Path tokenFile = config.api().tokenFile();
    ApiToken token =
        ApiToken.read(tokenFile)
            .orElseThrow(
                () ->
                    new ApiException(
                        0,
                        "unreachable",
                        "no API token at "
                            + tokenFile
                            + ": is a node running with home "
                            + config.home()
                            + "? (start one with 'ferry node run', or pass --home)"));
    ApiAddress address = apiGiven ? config.api().address() : runningAddress(config);
    return new ApiClient(address, token);
  }

  private static ApiAddress runningAddress(FerryConfig config) {
    Path file = config.api().addressFile();
    try {
      return ApiAddress.parse(Files.readString(file).strip());
    } catch (java.nio.file.NoSuchFileException e) {
      throw new ApiException(
          0,
          "unreachable",
          "no node is running with home "
              + config.home()
              + " ("
              + file
              + " does not exist; start one with 'ferry node run', or pass --home or --api)");
    } catch (IOException e) {
      throw new ApiException(0, "unreachable", "cannot read " + file + ": " + e.getMessage());
    }
  }

  /** The node's address. */
  public ApiAddress address() {
    return address;
  }

  public JsonNode get(String path) {
    return call("GET", path, null);
  }

  public JsonNode post(String path, Object body) {
    return call("POST", path, body == null ? Map.of() : body);
  }

  public JsonNode delete(String path) {
    return call("DELETE", path, null);
  }

  /**
   * GETs a listing ({@code path} with or without a query) page by page, {@code pageSize} at a time,
   * following each answer's {@code Link: <...>; rel="next"} until there is none, and hands each
   * page (a JSON array) to {@code page} as it arrives. A node that does not page answers the whole
   * list at once.
   */
  public void forEachPage(String path, int pageSize, java.util.function.Consumer<JsonNode> page) {
    String next = path + (path.contains("?") ? "&" : "?") + "limit=" + pageSize;
    while (next != null) {
      HttpResponse<String> r = send("GET", next, null);
      page.accept(parse(r.body()));
      next = r.headers().firstValue("Link").map(ApiClient::nextLink).orElse(null);
    }
  }

  /** The target of a {@code Link} header's {@code rel="next"}, or null. */
  static String nextLink(String header) {
    for (String link : header.split(",")) {
      String[] parts = link.split(";");
      String target = parts[0].strip();
      boolean next = false;
      for (int i = 1; i < parts.length; i++) {
        String param = parts[i].strip();
        int eq = param.indexOf('=');
        if (eq > 0 && param.substring(0, eq).strip().equals("rel")) {
          // rel="next", rel=next, or several relations: rel="next last"
          String value = param.substring(eq + 1).strip().replace("\"", "");
          for (String rel : value.split("\\s+")) {
            next |= rel.equals("next");
          }
        }
      }
      if (next && target.startsWith("<") && target.endsWith(">")) {
        return target.substring(1, target.length() - 1);
      }
    }
    return null;
  }

  /** Calls the API; a non-2xx answer becomes an {@link ApiException} with the API's detail. */
  public JsonNode call(String method, String path, Object body) {
    HttpResponse<String> r = send(method, path, body);
    return r.body().isEmpty() ? JSON.nullNode() : parse(r.body());
  }

  /** Sends a request; a non-2xx answer becomes an {@link ApiException} with the API's detail. */
  private HttpResponse<String> send(String method, String path, Object body) {
    try {
      HttpResponse<String> r =
          http.send(request(method, path, body).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() / 100 != 2) {
        JsonNode json = r.body().isEmpty() ? JSON.nullNode() : parse(r.body());
        throw new ApiException(
            r.statusCode(),
            json.path("error").asText("http-" + r.statusCode()),
            json.path("detail").asText(r.body()));
      }
      return r;
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "interrupted", "interrupted");
    }
  }

  /** Opens {@code /v1/events} as a Server-Sent Events stream. */
  public SseReader events(Map<String, String> query, Optional<String> lastEventId) {
    String q =
        query.entrySet().stream()
            .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
            .collect(Collectors.joining("&"));
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri("/v1/events" + (q.isEmpty() ? "" : "?" + q)))
            .header("Authorization", token.header())
            .header("Accept", "text/event-stream")
            .GET();
    lastEventId.ifPresent(id -> b.header("Last-Event-ID", id));
    try {
      HttpResponse<InputStream> r = http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
      if (r.statusCode() != 200) {
        String text;
        try (InputStream in = r.body()) {
          text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        JsonNode json = parse(text);
        throw new ApiException(
            r.statusCode(), json.path("error").asText(), json.path("detail").asText(text));
      }
      return new SseReader(r.body());
    } catch (IOException e) {
      throw unreachable(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ApiException(0, "interrupted", "interrupted");
    }
  }

  private HttpRequest.Builder request(String method, String path, Object body) throws IOException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofSeconds(60))
            .header("Authorization", token.header());
    if (body == null) {
      return b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    return b.header("Content-Type", "application/json")
        .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
  }

  private URI uri(String path) {
    return URI.create(address.baseUrl() + path);
  }

  private ApiException unreachable(IOException e) {
    return new ApiException(
        0,
        "unreachable",
        "cannot reach the node at "
            + address.baseUrl()
            + " ("
            + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
            + "); is it running?");
  }

  private static JsonNode parse(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(text);
    }
  }

  /** The mapper the CLI prints JSON with. */
  public static ObjectMapper json() {
    return JSON;
  }
}
