/** The {@code ferry} command line: one picocli command class per subcommand. */
package io.ferry.cli;
