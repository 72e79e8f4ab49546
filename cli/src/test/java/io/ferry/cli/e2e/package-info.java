/**
 * End-to-end tests: real node processes on 127.0.0.1, each a separate JVM running {@code ferry node
 * run} (the class {@code bin/ferry} executes), driven only through the {@code ferry} command (also
 * run as separate JVMs) and the HTTP API.
 */
package io.ferry.cli.e2e;
