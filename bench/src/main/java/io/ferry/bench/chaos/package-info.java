/**
 * The chaos harness: real node processes killed with SIGKILL at named phases of paid transfers,
 * restarted, and every transfer checked for loss, corruption, stuck channels and exact payments.
 */
package io.ferry.bench.chaos;
