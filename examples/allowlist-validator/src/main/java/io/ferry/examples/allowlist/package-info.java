/**
 * An example validator plug-in, compiled against Ferry's SPI only: a voucher carrying a token,
 * accepted when the token is in the allowlist configured under {@code
 * ferry.validators.allowlist.tokens}. Packaged as a jar with a ServiceLoader file, it is installed
 * by copying it into {@code $FERRY_HOME/plugins}.
 */
package io.ferry.examples.allowlist;
