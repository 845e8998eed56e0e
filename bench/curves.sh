#!/usr/bin/env bash
# Curves at scale: what each piece of the write path before V16 cost (costs), ingestion points/s
# (MetricWriter with rollups and stream events, the writer before V16, plain COPY), the writer's
# statement in parts (ablation), one batch under EXPLAIN ANALYZE (explain), and one series of 1M
# points down to 1000 (MetricQuery against the landed query and a bare GROUP BY width_bucket), all
# in one run on the embedded PostgreSQL of the tests. Prints bench/curves.md's tables.
# Usage: bench/curves.sh [points=1000000] [maxPoints=1000] [runs=40] [referenceRuns=7]
#        [parts=costs,ingestion,query; also ablation, explain] [rounds=5]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp test-compile
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.gantry.metrics.CurveBenchmark "$@"
