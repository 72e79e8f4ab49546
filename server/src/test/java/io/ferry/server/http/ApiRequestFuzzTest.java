package io.ferry.server.http;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.ferry.transport.identity.Multiaddr;

/**
 * Coverage-guided fuzzing (Jazzer) of what the HTTP API reads from a request: JSON bodies (through
 * the API's own mapper) and what the endpoints parse from them and from paths and query strings:
 * CIDs, selectors as dag-json, peer addresses, statuses and peer IDs. Input may be refused only
 * with a Jackson parse error or {@link IllegalArgumentException} (a 400 with the reason); any other
 * exception, a hang or running out of memory is a finding (docs/fuzzing.md).
 */
class ApiRequestFuzzTest {
  private static final ObjectMapper JSON = new Replies().json();

  @FuzzTest(maxDuration = "10s")
  void pullBody(byte[] input) {
    try {
      ApiRequests.Pull pull = JSON.readValue(input, ApiRequests.Pull.class);
      if (pull == null) {
        return;
      }
      ChannelEndpoints.parseSelector(pull.selector());
      if (pull.root() != null) {
        ChannelEndpoints.parseCid(pull.root());
      }
      if (pull.from() != null) {
        Multiaddr.parse(pull.from());
      }
    } catch (JacksonException | IllegalArgumentException refused) {
      // a documented refusal
    } catch (java.io.IOException refused) {
      // a body that cannot be read
    }
  }

  @FuzzTest(maxDuration = "10s")
  void pathAndQuery(FuzzedDataProvider data) {
    String text = data.consumeRemainingAsString();
    for (Runnable parse :
        new Runnable[] {
          () -> ChannelEndpoints.parseCid(text),
          () -> ChannelEndpoints.parseStatus(text),
          () -> ChannelEndpoints.parsePeer(text),
          () -> ChannelEndpoints.parseChannelId(text)
        }) {
      try {
        parse.run();
      } catch (IllegalArgumentException refused) {
        // a documented refusal
      }
    }
  }
}
