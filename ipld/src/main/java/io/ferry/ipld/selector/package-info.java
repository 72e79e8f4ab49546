/**
 * IPLD selectors: which parts of a DAG a transfer covers. {@link io.ferry.ipld.selector.Selector}
 * is the selector schema as a sealed set of records, read from and written to dag-json and dag-cbor
 * in the schema's keyed-union form; {@link io.ferry.ipld.selector.Selectors} has the selectors in
 * common use, such as graphsync's "all".
 */
package io.ferry.ipld.selector;
