/**
 * A Ferry node: the {@link io.ferry.node.Manager} API and the wiring of channels, validators,
 * persistence and transport into one running node.
 */
package io.ferry.node;
