package io.ferry.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.server.metrics.MetricRegistry;
import java.io.InputStream;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class OpenApiTest {
  private static JsonNode document() throws Exception {
    try (InputStream in = OpenApiTest.class.getResourceAsStream(NodeEndpoints.OPENAPI_RESOURCE)) {
      assertThat(in).as("openapi.json on the classpath").isNotNull();
      return new ObjectMapper().readTree(in);
    }
  }

  private static Set<String> routerOperations() {
    Set<String> ops = new TreeSet<>();
    for (Endpoint e :
        ApiServer.endpoints(
            new FakeNode(), new MetricRegistry(), new Replies(), Duration.ofSeconds(1))) {
      ops.add(e.method().value().toLowerCase() + " " + e.path());
    }
    return ops;
  }

  private static Set<String> documentedOperations(JsonNode doc) {
    Set<String> ops = new TreeSet<>();
    for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields();
        paths.hasNext(); ) {
      Map.Entry<String, JsonNode> p = paths.next();
      p.getValue().fieldNames().forEachRemaining(m -> ops.add(m + " " + p.getKey()));
    }
    return ops;
  }

  @Test
  void everyRouteOfTheRouterIsDocumentedAndNothingElse() throws Exception {
    assertThat(documentedOperations(document())).isEqualTo(routerOperations());
  }

  @Test
  void everyDocumentedOperationHasAnIdASummaryAndResponses() throws Exception {
    JsonNode doc = document();
    assertThat(doc.get("openapi").asText()).startsWith("3.");
    doc.get("paths")
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fields()
                    .forEachRemaining(
                        op -> {
                          String where = op.getKey() + " " + p.getKey();
                          assertThat(op.getValue().path("operationId").asText())
                              .as(where)
                              .isNotEmpty();
                          assertThat(op.getValue().path("summary").asText()).as(where).isNotEmpty();
                          assertThat(op.getValue().path("responses").size()).as(where).isPositive();
                        }));
  }

  @Test
  void onlyHealthzIsDocumentedAsNeedingNoToken() throws Exception {
    JsonNode doc = document();
    Set<String> open = new TreeSet<>();
    doc.get("paths")
        .fields()
        .forEachRemaining(
            p ->
                p.getValue()
                    .fields()
                    .forEachRemaining(
                        op -> {
                          JsonNode sec = op.getValue().get("security");
                          if (sec != null && sec.isEmpty()) {
                            open.add(op.getKey() + " " + p.getKey());
                          }
                        }));
    Set<String> unauthenticatedRoutes = new TreeSet<>();
    for (Endpoint e :
        ApiServer.endpoints(
            new FakeNode(), new MetricRegistry(), new Replies(), Duration.ofSeconds(1))) {
      if (!e.authenticated()) {
        unauthenticatedRoutes.add(e.method().value().toLowerCase() + " " + e.path());
      }
    }
    assertThat(open).isEqualTo(unauthenticatedRoutes).containsExactly("get /healthz");
  }
}
