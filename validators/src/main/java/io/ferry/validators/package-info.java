/**
 * The validator registry: where plug-ins register voucher types, validators and revalidators, how
 * they are found (ServiceLoader over the classpath and the plugins directory), and the engine's
 * {@link io.ferry.channels.validation.Validation} port that decodes vouchers, asks the plug-in and
 * encodes its answer. Built-in validators live in the sub-packages.
 */
package io.ferry.validators;
