/**
 * {@code ferry demo} as real processes: {@link io.ferry.cli.demo.FerryJvm} builds the command line
 * of a child {@code ferry} JVM (this JVM's java and class path), {@link
 * io.ferry.cli.demo.ChildNode} runs one {@code ferry node run} in it and talks to it over its HTTP
 * API, {@link io.ferry.cli.demo.EventFeed} follows a node's Server-Sent Events, {@link
 * io.ferry.cli.demo.DemoConsole} interleaves those events with a progress bar, and {@link
 * io.ferry.cli.demo.Demo} runs a paid retrieval between two fresh nodes, verifies the bytes and
 * removes every trace of itself. The end-to-end tests start their nodes with the same classes.
 */
package io.ferry.cli.demo;
