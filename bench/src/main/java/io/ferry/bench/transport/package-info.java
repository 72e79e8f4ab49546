/**
 * Transport benchmarks: a one-channel pull of a large DAG between two processes on loopback, next
 * to two baselines measured in the same run (a plain-Java TLS 1.3 socket copy of the same 1 MiB
 * blocks with SHA-256 verification on the receiver, and the same without TLS), and many concurrent
 * small channels between two nodes. Figures go to docs/benchmarks.md.
 */
package io.ferry.bench.transport;
