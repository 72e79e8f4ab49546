/**
 * The node's configuration: the one place that loads HOCON. {@link
 * io.ferry.server.config.FerryConfig} layers {@code reference.conf} (which documents every {@code
 * ferry.*} key), an optional {@code --config} file, the {@code FERRY_*} environment variables,
 * {@code -Dferry.*} system properties and command-line flags, in that order of precedence, and
 * turns the result into typed settings records that the rest of the node reads.
 */
package io.ferry.server.config;
