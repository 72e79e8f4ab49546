/**
 * The validator SPI: what a plug-in author compiles against. Voucher types, request validators,
 * revalidators, their results, and the ServiceLoader entry point. No Pekko types appear here.
 */
package io.ferry.channels.spi;
