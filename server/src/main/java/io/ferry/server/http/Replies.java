package io.ferry.server.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.ferry.channels.ChannelNotFoundException;
import io.ferry.validators.VoucherCodec;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.pekko.http.javadsl.marshallers.jackson.Jackson;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCode;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.ExceptionHandler;
import org.apache.pekko.http.javadsl.server.MalformedRequestContentRejection;
import org.apache.pekko.http.javadsl.server.RejectionHandler;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the API answers: JSON bodies with one {@link ObjectMapper}, and every failure, whether a
 * refused route or an exception from the node, as an {@link ApiError} with the status it deserves
 * (400 bad input, 401 no token, 404 unknown channel or route, 409 wrong state, 504 timeout, 500
 * anything else).
 */
public final class Replies {
  private static final Logger log = LoggerFactory.getLogger(Replies.class);

  private final ObjectMapper json;

  public Replies() {
    this.json = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  }

  /** The mapper every API body goes through. */
  public ObjectMapper json() {
    return json;
  }

  /** 200 with {@code body} as JSON. */
  public Route ok(Object body) {
    return complete(StatusCodes.OK, body, Jackson.marshaller(json));
  }

  /** {@code status} with {@code body} as JSON. */
  public Route status(StatusCode status, Object body) {
    return complete(status, body, Jackson.marshaller(json));
  }

  /** {@code status} with headers and {@code body} as JSON. */
  public Route status(StatusCode status, List<HttpHeader> headers, Object body) {
    return complete(status, headers, body, Jackson.marshaller(json));
  }

  /** Items a streamed array answer writes per chunk. */
  private static final int PER_CHUNK = 256;

  /**
   * 200 with {@code headers} and a JSON array of {@code items}, each written as {@code view} makes
   * it, chunk by chunk as the client reads: a listing of 100,000 channels was 120 MB built in the
   * heap before its first byte left (and as many views as channels). {@code view} runs while the
   * answer is sent, so it should not block.
   */
  public <T> Route okArray(
      List<HttpHeader> headers, List<T> items, java.util.function.Function<T, ?> view) {
    int chunks = (items.size() + PER_CHUNK - 1) / PER_CHUNK;
    org.apache.pekko.stream.javadsl.Source<
            org.apache.pekko.util.ByteString, org.apache.pekko.NotUsed>
        body =
            org.apache.pekko.stream.javadsl.Source.range(0, chunks - 1)
                .map(
                    chunk -> {
                      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                      int from = chunk * PER_CHUNK;
                      int to = Math.min(items.size(), from + PER_CHUNK);
                      for (int i = from; i < to; i++) {
                        if (i > 0) {
                          out.write(',');
                        }
                        out.write(json.writeValueAsBytes(view.apply(items.get(i))));
                      }
                      return org.apache.pekko.util.ByteString.fromArrayUnsafe(out.toByteArray());
                    });
    org.apache.pekko.util.ByteString open = org.apache.pekko.util.ByteString.fromString("[");
    org.apache.pekko.util.ByteString close = org.apache.pekko.util.ByteString.fromString("]");
    return complete(
        HttpResponse.create()
            .withStatus(StatusCodes.OK)
            .addHeaders(headers)
            .withEntity(
                HttpEntities.createChunked(
                    ContentTypes.APPLICATION_JSON,
                    org.apache.pekko.stream.javadsl.Source.single(open)
                        .concat(body)
                        .concat(org.apache.pekko.stream.javadsl.Source.single(close)))));
  }

  /** An error answer. */
  public Route error(StatusCode status, String error, String detail) {
    return complete(status, new ApiError(error, detail), Jackson.marshaller(json));
  }

  /** 401, with the {@code WWW-Authenticate} challenge. */
  public Route unauthorized(String detail) {
    return complete(
        StatusCodes.UNAUTHORIZED,
        List.of(RawHeader.create("WWW-Authenticate", "Bearer realm=\"ferry\"")),
        new ApiError("unauthorized", detail),
        Jackson.marshaller(json));
  }

  /** Reads a JSON body into {@code type}; a malformed body becomes a 400 naming the problem. */
  public <T> Unmarshaller<HttpEntity, T> body(Class<T> type) {
    return Jackson.unmarshaller(json, type);
  }

  /** Maps exceptions from handlers and failed stages to error answers. */
  public ExceptionHandler exceptions() {
    return ExceptionHandler.newBuilder().matchAny(t -> errorFor(unwrap(t))).build();
  }

  /** How an error is answered: its status and its code; for an unexpected one, 500 internal. */
  record ErrorKind(StatusCode status, String code) {
    boolean unexpected() {
      return code.equals("internal");
    }
  }

  /** The status and code {@code t} (unwrapped) is answered with. */
  static ErrorKind kindOf(Throwable t) {
    if (t instanceof ChannelNotFoundException
        || t instanceof io.ferry.ipld.unixfs.UnixFsPaths.NotFoundException
        || t instanceof io.ferry.ipld.traversal.MissingBlockException) {
      return new ErrorKind(StatusCodes.NOT_FOUND, "not-found");
    }
    if (t instanceof IllegalArgumentException) {
      return new ErrorKind(StatusCodes.BAD_REQUEST, "bad-request");
    }
    if (t instanceof IllegalStateException || t instanceof UnsupportedOperationException) {
      return new ErrorKind(StatusCodes.CONFLICT, "conflict");
    }
    if (t instanceof ChannelsCatchingUpException) {
      return new ErrorKind(StatusCodes.SERVICE_UNAVAILABLE, "catching-up");
    }
    if (t instanceof JournalUnavailableException) {
      return new ErrorKind(StatusCodes.SERVICE_UNAVAILABLE, "journal-unavailable");
    }
    if (t instanceof TimeoutException) {
      return new ErrorKind(StatusCodes.GATEWAY_TIMEOUT, "timeout");
    }
    return new ErrorKind(StatusCodes.INTERNAL_SERVER_ERROR, "internal");
  }

  /** What a user is told of {@code t}: its message, or for an unexpected one where to look. */
  static String detailOf(Throwable t) {
    if (kindOf(t).unexpected()) {
      return "the node failed unexpectedly ("
          + t.getClass().getSimpleName()
          + "); its log says more (set FERRY_LOG_LEVEL=DEBUG for the stack trace)";
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  private Route errorFor(Throwable t) {
    ErrorKind kind = kindOf(t);
    if (kind.unexpected()) {
      log.warn("API request failed: {} (the stack trace is logged at DEBUG)", t.toString());
      log.debug("API request failed", t);
    }
    return error(kind.status(), kind.code(), detailOf(t));
  }

  /** The cause behind the wrappers that futures add. */
  public static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof CompletionException || c instanceof ExecutionException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }

  /** Pekko's rejection answers (404, 405, 400 for a malformed body ...), rewritten as JSON. */
  public RejectionHandler rejections() {
    return RejectionHandler.newBuilder()
        .handle(
            MalformedRequestContentRejection.class,
            r ->
                error(
                    StatusCodes.BAD_REQUEST,
                    "bad-request",
                    "the request body is not what this endpoint takes: "
                        + bodyProblem(r.getCause())))
        .build()
        .withFallback(RejectionHandler.defaultHandler())
        .mapRejectionResponse(this::asJsonError);
  }

  /** A JSON body's problem in the caller's terms, not Jackson's. */
  static String bodyProblem(Throwable cause) {
    for (Throwable c = cause; c != null; c = c.getCause()) {
      if (c instanceof com.fasterxml.jackson.core.JsonParseException) {
        return "it is not JSON";
      }
      if (c instanceof JsonProcessingException j) {
        return VoucherCodec.problem(j);
      }
    }
    return "it could not be read";
  }

  private HttpResponse asJsonError(HttpResponse response) {
    if (response.entity().getContentType().equals(ContentTypes.APPLICATION_JSON)) {
      return response;
    }
    String text =
        response.entity() instanceof HttpEntity.Strict strict
            ? strict.getData().utf8String()
            : response.status().reason();
    String error =
        switch (response.status().intValue()) {
          case 400 -> "bad-request";
          case 401 -> "unauthorized";
          case 404 -> "not-found";
          case 405 -> "method-not-allowed";
          case 415 -> "unsupported-media-type";
          default -> response.status().reason().toLowerCase().replace(' ', '-');
        };
    try {
      return response.withEntity(
          HttpEntities.create(
              ContentTypes.APPLICATION_JSON, json.writeValueAsString(new ApiError(error, text))));
    } catch (JsonProcessingException e) {
      return response;
    }
  }
}
