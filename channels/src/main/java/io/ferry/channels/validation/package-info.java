/**
 * The engine's side of validation: vouchers as type + bytes in, encoded verdicts out. The registry
 * in the validators module implements it on top of the plug-in SPI.
 */
package io.ferry.channels.validation;
