/**
 * The IPLD data model as one sealed interface, {@link io.ferry.ipld.model.Node}: maps, lists,
 * strings, bytes, integers, floats, booleans, null and links. Codecs decode blocks into nodes,
 * selectors are read from nodes, and traversal walks nodes to find the links to load next.
 */
package io.ferry.ipld.model;
