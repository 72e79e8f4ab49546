package io.ferry.validators;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** A malformed voucher is refused in its author's terms, never with Jackson's own text. */
class VoucherCodecMessagesTest {
  record Terms(long pricePerByte) {}

  record Proposal(Terms terms) {}

  private final VoucherCodec codec = VoucherCodec.standard();

  @Test
  void aMissingFieldIsNamedByItsPath() {
    assertThatThrownBy(() -> codec.decode(codec.encode(Map.of()), Proposal.class))
        .hasMessage("missing field 'terms'");
    assertThatThrownBy(() -> codec.decode(codec.encode(Map.of("terms", Map.of())), Proposal.class))
        .hasMessage("missing field 'terms.pricePerByte'");
  }

  @Test
  void aValueOfTheWrongKindIsNamedWithTheKindExpected() {
    byte[] bytes = codec.encode(Map.of("terms", Map.of("pricePerByte", "cheap")));

    assertThatThrownBy(() -> codec.decode(bytes, Proposal.class))
        .hasMessageStartingWith("field 'terms.pricePerByte'")
        .hasMessageContaining("long")
        .hasMessageNotContaining("Cannot deserialize")
        .hasMessageNotContaining("DeserializationFeature");
  }
}
