/**
 * IPLD codecs: dag-pb (with its protobuf wire format written by hand), dag-cbor (strict,
 * canonical), dag-json, and raw, each turning block bytes into the data model and back. Decoders
 * refuse non-canonical input with a {@link io.ferry.ipld.codec.CodecException} naming the offset
 * and what was wrong.
 */
package io.ferry.ipld.codec;
