package io.ferry.ipld;

import java.util.Base64;
import java.util.HexFormat;

/**
 * Multibase: a one-character prefix naming the base, then the text. Decoding is strict: the case of
 * base16/base32 text must match its prefix and padding is refused where the base has none.
 */
public enum Multibase {
  BASE58BTC('z'),
  BASE32_LOWER('b'),
  BASE32_UPPER('B'),
  BASE16_LOWER('f'),
  BASE16_UPPER('F'),
  BASE64('m'),
  BASE64URL('u'),
  BASE64URL_PAD('U');

  private static final String BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

  private final char prefix;

  Multibase(char prefix) {
    this.prefix = prefix;
  }

  public char prefix() {
    return prefix;
  }

  /** {@code bytes} in this base, with the prefix. */
  public String encode(byte[] bytes) {
    return prefix + encodeBare(bytes);
  }

  /** {@code bytes} in this base, without the prefix. */
  public String encodeBare(byte[] bytes) {
    return switch (this) {
      case BASE58BTC -> Base58.encode(bytes);
      case BASE32_LOWER -> base32(bytes);
      case BASE32_UPPER -> base32(bytes).toUpperCase(java.util.Locale.ROOT);
      case BASE16_LOWER -> HexFormat.of().formatHex(bytes);
      case BASE16_UPPER -> HexFormat.of().withUpperCase().formatHex(bytes);
      case BASE64 -> Base64.getEncoder().withoutPadding().encodeToString(bytes);
      case BASE64URL -> Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
      case BASE64URL_PAD -> Base64.getUrlEncoder().encodeToString(bytes);
    };
  }

  /** The base whose prefix is {@code c}. */
  public static Multibase forPrefix(char c) {
    for (Multibase base : values()) {
      if (base.prefix == c) {
        return base;
      }
    }
    throw new IllegalArgumentException("unsupported multibase prefix '" + c + "'");
  }

  /** Decodes multibase text, prefix included. */
  public static byte[] decode(String withPrefix) {
    if (withPrefix == null || withPrefix.isEmpty()) {
      throw new IllegalArgumentException("multibase text is empty");
    }
    Multibase base;
    try {
      base = forPrefix(withPrefix.charAt(0));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unsupported multibase prefix '" + withPrefix.charAt(0) + "' in \"" + withPrefix + "\"");
    }
    return base.decodeBare(withPrefix.substring(1));
  }

  /** Decodes text in this base, without prefix. */
  public byte[] decodeBare(String text) {
    try {
      return switch (this) {
        case BASE58BTC -> Base58.decode(text);
        case BASE32_LOWER -> base32Decode(text, false);
        case BASE32_UPPER -> base32Decode(text, true);
        case BASE16_LOWER -> hexDecode(text, false);
        case BASE16_UPPER -> hexDecode(text, true);
        case BASE64 -> Base64.getDecoder().decode(requireNoPadding(text));
        case BASE64URL -> Base64.getUrlDecoder().decode(requireNoPadding(text));
        case BASE64URL_PAD -> Base64.getUrlDecoder().decode(text);
      };
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "invalid " + name().toLowerCase(java.util.Locale.ROOT) + " text \"" + text + "\"", e);
    }
  }

  private static String requireNoPadding(String text) {
    if (text.indexOf('=') >= 0) {
      throw new IllegalArgumentException("padding is not allowed");
    }
    return text;
  }

  private static byte[] hexDecode(String text, boolean upper) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (upper ? Character.isLowerCase(c) : Character.isUpperCase(c)) {
        throw new IllegalArgumentException("wrong case at position " + i);
      }
    }
    return HexFormat.of().parseHex(text);
  }

  static String base32(byte[] bytes) {
    StringBuilder out = new StringBuilder((bytes.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : bytes) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32_ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32_ALPHABET.charAt((buffer << (5 - bits)) & 31));
    }
    return out.toString();
  }

  private static byte[] base32Decode(String text, boolean upper) {
    int len = text.length();
    int rem = len % 8;
    if (rem == 1 || rem == 3 || rem == 6) {
      throw new IllegalArgumentException("impossible base32 length " + len);
    }
    byte[] out = new byte[len * 5 / 8];
    int buffer = 0;
    int bits = 0;
    int pos = 0;
    for (int i = 0; i < len; i++) {
      char c = text.charAt(i);
      char lower = upper ? Character.toLowerCase(c) : c;
      int v = (upper && Character.isLowerCase(c)) ? -1 : BASE32_ALPHABET.indexOf(lower);
      if (v < 0) {
        throw new IllegalArgumentException("invalid base32 character '" + c + "' at " + i);
      }
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out[pos++] = (byte) (buffer >>> (bits - 8));
        bits -= 8;
      }
    }
    if ((buffer & ((1 << bits) - 1)) != 0) {
      throw new IllegalArgumentException("base32 text has non-zero trailing bits");
    }
    return out;
  }
}
