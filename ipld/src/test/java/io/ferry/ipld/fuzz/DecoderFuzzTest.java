package io.ferry.ipld.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.ferry.ipld.BlockVerificationException;
import io.ferry.ipld.car.CarReader;
import io.ferry.ipld.codec.DagCbor;
import io.ferry.ipld.codec.DagPb;
import io.ferry.ipld.selector.Selector;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Coverage-guided fuzzing (Jazzer) of the decoders that read bytes from peers and files: dag-pb,
 * dag-cbor, CAR and selectors. A decoder may refuse input only with its documented exceptions
 * (IllegalArgumentException and its CodecException, IOException, BlockVerificationException); any
 * other exception, a hang or running out of memory is a finding. In the normal test run each target
 * replays its seeds and the inputs kept under src/test/resources (seconds); with JAZZER_FUZZ=1 it
 * fuzzes (docs/fuzzing.md has the runs and findings).
 */
class DecoderFuzzTest {
  @FuzzTest(maxDuration = "10s")
  void dagPb(byte[] input) {
    try {
      DagPb.decode(input);
    } catch (IllegalArgumentException refused) {
      // a documented refusal
    }
  }

  @FuzzTest(maxDuration = "10s")
  void dagCbor(byte[] input) {
    try {
      DagCbor.decode(input);
    } catch (IllegalArgumentException refused) {
      // a documented refusal
    }
  }

  @FuzzTest(maxDuration = "10s")
  void selector(byte[] input) {
    try {
      Selector.fromDagCbor(input);
    } catch (IllegalArgumentException refused) {
      // a documented refusal
    }
  }

  @FuzzTest(maxDuration = "10s")
  void car(byte[] input) {
    try (CarReader reader = CarReader.open(new ByteArrayInputStream(input))) {
      for (int i = 0; i < 10_000 && reader.next().isPresent(); i++) {
        // read every block
      }
    } catch (IllegalArgumentException | IOException | BlockVerificationException refused) {
      // a documented refusal
    }
  }
}
