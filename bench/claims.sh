#!/usr/bin/env bash
# Claim throughput: N concurrent claimers (1, 4, 16 by default) empty a queue of jobs in one
# PostgreSQL (the embedded server the tests use), beside SELECT 1 round trips on the same
# connections in the same round; fails if any job is claimed twice. Each round runs the claim from
# before fair share and the production claim on equal queues. Prints bench/claims.md's tables.
# Usage: bench/claims.sh [jobs=20000] [rounds=3] [claimers=1,4,16] [projects=1] [held|ended]
set -euo pipefail
cd "$(dirname "$0")/.."
./mvnw -q -B -ntp test-compile
./mvnw -q -B -ntp dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt -Dmdep.includeScope=test
exec java -cp "target/test-classes:target/classes:$(cat target/bench-classpath.txt)" \
  dev.gantry.scheduler.ClaimThroughputBenchmark "$@"
