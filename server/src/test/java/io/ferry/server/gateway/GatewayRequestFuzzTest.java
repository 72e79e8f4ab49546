package io.ferry.server.gateway;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.http.javadsl.model.ContentTypes;

/**
 * Coverage-guided fuzzing (Jazzer) of what the trustless gateway reads from an HTTP request: the
 * Accept header and the query parameters that choose the answer, and the Range header of a raw
 * block. A bad request may be refused only with {@link GatewayError} (a 4xx with a reason); any
 * other exception, a hang or running out of memory is a finding (docs/fuzzing.md).
 */
class GatewayRequestFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void negotiation(FuzzedDataProvider data) {
    Map<String, String> query =
        Map.of(
            "format", data.consumeString(16),
            "dag-scope", data.consumeString(16),
            "entity-bytes", data.consumeString(32),
            "car-version", data.consumeString(8));
    boolean withFormat = data.consumeBoolean();
    String accept = data.consumeRemainingAsString();
    try {
      Negotiation.decide(
          name ->
              name.equals("format") && !withFormat
                  ? Optional.empty()
                  : Optional.ofNullable(query.get(name)),
          Optional.of(accept));
    } catch (GatewayError refused) {
      // a documented refusal
    }
  }

  @FuzzTest(maxDuration = "10s")
  void rawRange(FuzzedDataProvider data) {
    byte[] block = new byte[data.consumeInt(0, 4096)];
    RawRanges.answer(
        Optional.of(data.consumeRemainingAsString()),
        block,
        ContentTypes.APPLICATION_OCTET_STREAM,
        List.of());
  }
}
