/**
 * Content addressing primitives: multiformats (varints, multicodec codes, multihashes, multibase,
 * base58btc), content identifiers (CIDv0 and CIDv1), and {@link io.ferry.ipld.Block}, a CID with
 * the bytes it names, verified by hashing when it is made from untrusted bytes. Everything else in
 * Ferry's content-addressing layer (codecs, UnixFS, CAR, selectors, traversal, block stores) is
 * built on these types.
 */
package io.ferry.ipld;
