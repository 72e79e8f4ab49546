package io.ferry.channels;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A voucher or voucher result as the engine keeps it: a type identifier and the encoded bytes.
 * Journals, snapshots and wire messages hold vouchers in this form, so they never depend on a
 * plug-in's classes; decoding into the plug-in's Java type happens at the validator boundary.
 */
public record TypedVoucher(String type, byte[] bytes) {
  /** go-data-transfer's EmptyTypeIdentifier: no voucher present. */
  public static final String EMPTY_TYPE = "";

  public TypedVoucher {
    Objects.requireNonNull(type, "type");
    bytes = bytes == null ? new byte[0] : bytes.clone();
  }

  @Override
  public byte[] bytes() {
    return bytes.clone();
  }

  /** Whether this is the empty voucher. */
  public boolean isEmpty() {
    return type.isEmpty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TypedVoucher v && type.equals(v.type) && Arrays.equals(bytes, v.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * type.hashCode() + Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    String hex = HexFormat.of().formatHex(bytes, 0, Math.min(bytes.length, 16));
    return type + "(" + bytes.length + " bytes: " + hex + (bytes.length > 16 ? "..." : "") + ")";
  }
}
