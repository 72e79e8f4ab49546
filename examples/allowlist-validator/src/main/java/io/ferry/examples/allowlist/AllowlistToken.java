package io.ferry.examples.allowlist;

/**
 * The voucher: a bearer token. On the wire it is the CBOR map {@code {"token": "..."}}.
 *
 * @param token the token the requesting peer presents
 */
public record AllowlistToken(String token) {}
