package io.ferry.channels.entity;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.DateTimeException;
import java.time.Instant;

/**
 * Instants in the CBOR journal as one integer, the nanoseconds since the epoch, where that fits in
 * a long (the years 1678 to 2261), and as ISO-8601 text otherwise. Every journal event and channel
 * state carries instants: written as text, parsing and formatting them was a third of Jackson's
 * time on a provider whose read model read the journal back (docs/benchmarks.md, session 18's
 * profile). An integer is exact and reads without a formatter.
 *
 * <p>It reads the ISO text every earlier build wrote, so journals in the field recover as before,
 * and Jackson's own numeric form (seconds with a decimal fraction). A journal this version wrote
 * needs this version or a later one: an earlier build reads the integer as seconds.
 *
 * <p>Registered for Pekko's {@code jackson-cbor} binding only (the channels' {@code
 * reference.conf}): the JSON binding and the HTTP API keep ISO text for people to read.
 */
public final class EpochNanosModule extends SimpleModule {
  private static final long serialVersionUID = 1L;
  private static final long BILLION = 1_000_000_000L;

  public EpochNanosModule() {
    super("ferry-epoch-nanos");
    addSerializer(Instant.class, new Write());
    addDeserializer(Instant.class, new Read());
  }

  private static final class Write extends JsonSerializer<Instant> {
    @Override
    public void serialize(Instant value, JsonGenerator gen, SerializerProvider serializers)
        throws IOException {
      long nanos;
      try {
        nanos = Math.addExact(Math.multiplyExact(value.getEpochSecond(), BILLION), value.getNano());
      } catch (ArithmeticException outsideALong) {
        gen.writeString(value.toString());
        return;
      }
      gen.writeNumber(nanos);
    }
  }

  private static final class Read extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
      JsonToken token = p.currentToken();
      try {
        if (token == JsonToken.VALUE_NUMBER_INT) {
          long nanos = p.getLongValue();
          return Instant.ofEpochSecond(
              Math.floorDiv(nanos, BILLION), Math.floorMod(nanos, BILLION));
        }
        if (token == JsonToken.VALUE_NUMBER_FLOAT) {
          BigDecimal seconds = p.getDecimalValue();
          BigDecimal whole = seconds.setScale(0, RoundingMode.FLOOR);
          return Instant.ofEpochSecond(
              whole.longValueExact(), seconds.subtract(whole).movePointRight(9).intValue());
        }
        if (token == JsonToken.VALUE_STRING) {
          return Instant.parse(p.getText());
        }
      } catch (DateTimeException | ArithmeticException e) {
        throw JsonMappingException.from(
            p, "not an instant: '" + p.getText() + "' (" + e.getMessage() + ")", e);
      }
      return (Instant) ctxt.handleUnexpectedToken(Instant.class, p);
    }
  }
}
