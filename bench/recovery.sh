#!/usr/bin/env bash
# Measures how long a job is without a worker after its worker is killed with -9, on the packaged
# jar with its default settings (lease 30 s, reaper every 2 s, one local worker and its warm spare).
# With spare=false the job waits for the killed worker to be started again (or moves to another
# idle worker when workers > 1).
# Usage: bench/recovery.sh [runs] [workers] [spare]   (after ./mvnw -DskipTests package; needs curl and jq)
set -euo pipefail
runs=${1:-3}
workers=${2:-1}
spare=${3:-true}
children=$([ "$spare" = true ] && echo $((workers + 1)) || echo "$workers")
export GANTRY_BOOTSTRAP_KEY="gk_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=' | head -c 43)"
curl() { command curl -H "Authorization: Bearer $GANTRY_BOOTSTRAP_KEY" "$@"; }
jar=$(ls target/gantry-*.jar | head -1)
dir=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
java -Dai.djl.offline=true -jar "$jar" --server.port=$port --gantry.data-dir="$dir" \
  --gantry.worker.local-count="$workers" --gantry.worker.local-spare="$spare" > "$dir/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null; rm -rf "$dir"' EXIT
api=http://localhost:$port/api/v1
until curl -sf "$api/jobs" > /dev/null; do sleep 0.5; done
worker_pid() { grep -o "Job $1 attempt $2 starts" "$dir/server.log" > /dev/null || return 1
  # The worker id is host-pid-suffix; the log line of the claim names the pid.
  grep "Job $1 attempt $2 starts" "$dir/server.log" | head -1 | sed -E 's/^[^ ]+ +INFO ([0-9]+) .*/\1/'; }
echo "local workers: $workers, spare: $spare; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run | killed at step | lease s | job running again after s | resumed from step | taken back by | killed worker started again after s |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for run in $(seq 1 "$runs"); do
  id=$(curl -sf -H 'Content-Type: application/json' "$api/jobs" -d '{"name":"recovery","dataset":"ring8",
    "model":{"hiddenUnits":64,"hiddenLayers":2},"training":{"steps":10000000,"batchSize":64},
    "checkpoints":{"everySteps":500}}' | jq -r .id)
  until [ "$(curl -sf "$api/jobs/$id" | jq .step)" -ge 1200 ]; do sleep 0.2; done
  # Every worker up again after the previous run's kill, so the measure starts from the same state.
  until [ "$(grep -c 'Worker .* started on' "$dir/server.log")" -ge $((children + run - 1)) ]; do sleep 0.2; done
  pid=$(worker_pid "$id" 1)
  step=$(curl -sf "$api/jobs/$id" | jq .step)
  kill -9 "$pid"; t0=$(date +%s.%N)
  until [ "$(curl -sf "$api/jobs/$id" | jq -r '"\(.attempt) \(.state)"')" = "2 RUNNING" ]; do sleep 0.1; done
  t1=$(date +%s.%N)
  until grep -q "Job $id attempt 2 starts" "$dir/server.log"; do sleep 0.1; done
  from=$(grep -o "Job $id attempt 2 starts at step [0-9]*" "$dir/server.log" | grep -o '[0-9]*$')
  by=$(grep -q "exited (.*); job $id" "$dir/server.log" && echo "supervisor (WORKER_EXITED)" || echo "lease (LEASE_EXPIRED)")
  # The replacement child's JVM and Spring start: with one local worker, the job waits for it.
  until [ "$(grep -c 'Worker .* started on' "$dir/server.log")" -ge $((children + run)) ]; do sleep 0.1; done
  t2=$(date +%s.%N)
  printf "| %d | %d | 30 | %s | %s | %s | %s |\n" "$run" "$step" "$(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }")" "$from" "$by" \
    "$(awk "BEGIN { printf \"%.1f\", $t2 - $t0 }")"
  curl -sf -X POST "$api/jobs/$id/cancel" > /dev/null
  until [ "$(curl -sf "$api/jobs/$id" | jq -r .state)" = "CANCELLED" ]; do sleep 0.2; done
done
