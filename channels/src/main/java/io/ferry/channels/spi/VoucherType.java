package io.ferry.channels.spi;

import java.util.Objects;

/**
 * A voucher (or voucher result) type: the identifier that travels on the wire and in the journal,
 * and the Java class it is decoded into (with Jackson, from CBOR) at the validator boundary.
 *
 * @param id unique type identifier, e.g. {@code "ferry/paid-retrieval/1"}
 * @param javaType the class a voucher of this type decodes into
 */
public record VoucherType<V>(String id, Class<V> javaType) {
  public VoucherType {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(javaType, "javaType");
    if (id.isBlank()) {
      throw new IllegalArgumentException("a voucher type needs a non-empty identifier");
    }
  }

  public static <V> VoucherType<V> of(String id, Class<V> javaType) {
    return new VoucherType<>(id, javaType);
  }
}
