/**
 * Tests of {@code bin/ferry} itself, the launcher a user runs: what it builds, what its runtime
 * class path holds, and what its processes print, following the README as a newcomer would.
 */
package io.ferry.cli.launcher;
