package io.ferry.validators;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.cbor.CBORFactory;
import com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.stream.Collectors;

/**
 * Turns voucher and voucher-result objects into CBOR bytes and back with one configured Jackson
 * mapper. Records, byte arrays (as CBOR byte strings), {@link io.ferry.channels.PeerId} and {@link
 * io.ferry.channels.ChannelId} work out of the box. Properties are written in a fixed
 * (alphabetical) order, so equal objects give equal bytes; unknown properties are ignored so that a
 * newer peer's voucher still decodes, while trailing garbage and missing primitive values are
 * errors.
 */
public final class VoucherCodec {
  private static final VoucherCodec STANDARD = new VoucherCodec();

  private final ObjectMapper mapper;

  private VoucherCodec() {
    this.mapper =
        CBORMapper.builder(new CBORFactory())
            .enable(MapperFeature.SORT_PROPERTIES_ALPHABETICALLY)
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
            .build();
  }

  /** The codec every registry uses. */
  public static VoucherCodec standard() {
    return STANDARD;
  }

  /** CBOR bytes of {@code value}. */
  public byte[] encode(Object value) {
    try {
      return mapper.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "cannot encode " + value.getClass().getName() + " as CBOR: " + e.getOriginalMessage(), e);
    }
  }

  /**
   * Decodes CBOR bytes into {@code type}.
   *
   * @throws IllegalArgumentException when the bytes are not a valid {@code type}
   */
  public <T> T decode(byte[] bytes, Class<T> type) {
    if (bytes.length == 0) {
      throw new IllegalArgumentException("no bytes to decode into " + type.getSimpleName());
    }
    try {
      T value = mapper.readValue(bytes, type);
      if (value == null) {
        throw new IllegalArgumentException("CBOR null is not a " + type.getSimpleName());
      }
      return value;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(problem(e), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * What is wrong with a voucher's value in its author's terms ("missing field 'terms'"), not
   * Jackson's ("Missing creator property 'terms' (index 0); DeserializationFeature...").
   */
  public static String problem(JsonProcessingException e) {
    String field = "";
    if (e instanceof JsonMappingException m) {
      field =
          m.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."))
              .replace(".[", "[");
    }
    String message = String.valueOf(e.getOriginalMessage());
    if (message.startsWith("Missing creator property")) {
      int a = message.indexOf('\'');
      int b = message.indexOf('\'', a + 1);
      String name = a >= 0 && b > a ? message.substring(a + 1, b) : "?";
      return "missing field '" + (field.isEmpty() ? name : field) + "'";
    }
    if (e instanceof UnrecognizedPropertyException u) {
      return "unknown field '"
          + (field.isEmpty() ? u.getPropertyName() : field)
          + "' (known: "
          + u.getKnownPropertyIds().stream()
              .map(String::valueOf)
              .sorted()
              .collect(Collectors.joining(", "))
          + ")";
    }
    if (e instanceof InvalidFormatException f) {
      return "field '"
          + field
          + "': "
          + f.getValue()
          + " is not a "
          + f.getTargetType().getSimpleName();
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null && !field.isEmpty()) {
      return "field '" + field + "' is not a " + m.getTargetType().getSimpleName();
    }
    if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      return "the value is not a " + m.getTargetType().getSimpleName();
    }
    return field.isEmpty() ? "malformed value" : "field '" + field + "' is malformed";
  }
}
