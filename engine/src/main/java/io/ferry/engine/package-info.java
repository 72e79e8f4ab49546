/**
 * A Ferry node: the {@link io.ferry.engine.Manager} API and the wiring of channels, validators,
 * persistence and transport into one running node.
 */
package io.ferry.engine;
