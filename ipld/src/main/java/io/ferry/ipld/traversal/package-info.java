/**
 * Selector traversal over blocks, one block at a time, in the exact order graphsync uses, so a
 * sender can stream the blocks of a DAG from its store and a receiver can check each arriving block
 * against the one it expects next (and resume by skipping the blocks it already holds).
 */
package io.ferry.ipld.traversal;
