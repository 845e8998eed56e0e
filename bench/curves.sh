#!/usr/bin/env bash
# Curves at scale: ingestion points/s (MetricWriter with rollups, the landed writer, plain COPY) and
# one series of 1M points down to 1000 (MetricQuery against the landed query and a bare GROUP BY
# width_bucket), all in one run on the embedded PostgreSQL of the tests. Prints bench/curves.md's tables.
# Usage: bench/curves.sh [points=1000000] [maxPoints=1000] [runs=40] [referenceRuns=7] [parts=ingestion,query] [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp test-compile
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.gantry.metrics.CurveBenchmark "$@"
