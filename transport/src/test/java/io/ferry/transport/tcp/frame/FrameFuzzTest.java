package io.ferry.transport.tcp.frame;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.apache.pekko.util.ByteString;

/**
 * Coverage-guided fuzzing (Jazzer) of what a peer's bytes become: a frame's body and the CBOR
 * control message inside a MESSAGE frame. Input may be refused only with {@link FrameException} or
 * IllegalArgumentException; any other exception, a hang or running out of memory is a finding. The
 * normal test run replays seeds and kept inputs; JAZZER_FUZZ=1 fuzzes (docs/fuzzing.md).
 */
class FrameFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void frameBody(byte[] input) {
    try {
      FrameCodec.decode(ByteString.fromArrayUnsafe(input));
    } catch (FrameException | IllegalArgumentException refused) {
      // a documented refusal
    }
  }

  @FuzzTest(maxDuration = "10s")
  void controlMessage(byte[] input) {
    try {
      MessageCodec.decode(input);
    } catch (FrameException | IllegalArgumentException refused) {
      // a documented refusal
    }
  }
}
