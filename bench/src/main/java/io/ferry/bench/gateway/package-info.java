/**
 * The gateway benchmark: Ferry's trustless gateway serving a 1 GiB CAR and many small raw blocks
 * from LevelDB, next to nginx serving the same bytes as static files, measured in the same run with
 * the same clients ({@code curl} for the large file, 100 concurrent JDK HTTP requests for the small
 * ones). Its figures go to docs/benchmarks.md, section "Gateway".
 */
package io.ferry.bench.gateway;
