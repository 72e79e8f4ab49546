#!/usr/bin/env bash
# The gateway benchmark (docs/benchmarks.md, "Gateway"): Ferry's trustless gateway next to nginx
# on the same bytes. Installs Debian's nginx when it is missing (as root), builds in the reactor
# (nothing installed into ~/.m2), then runs io.ferry.bench.gateway.GatewayBench.
# Usage: bench/gateway-bench.sh [MIB=1024] [ROUNDS=3] [BATCHES=20] [WORKDIR]
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nginx >/dev/null && [ ! -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "gateway-bench: nginx is missing; install it (apt-get install nginx-light) or run as root" >&2
    exit 1
  fi
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light
fi
mvn -B -q -pl bench -am test-compile dependency:build-classpath \
  -Dmdep.outputFile=target/gateway-bench.cp -Dmdep.includeScope=runtime -Dspotless.check.skip=true
cp="bench/target/classes:$(cat bench/target/gateway-bench.cp)"
exec java -Xms2g -Xmx2g -XX:+UseG1GC -cp "$cp" io.ferry.bench.gateway.GatewayBench "$@"
