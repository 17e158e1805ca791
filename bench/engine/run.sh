#!/usr/bin/env bash
# Benchmark: `pasos apply` + `pasos rollback` of the shipped plan vs the same calls in a plain,
# sequential boto3 script, in the same run, alternating, ROUNDS times, both through one proxy that
# adds LATENCY_MS to every call (a real region is 20-150 ms away; the sandbox alone answers in ~1 ms).
# Prints medians and the ratio boto3/pasos (> 1: pasos is faster).
# Usage: LATENCY_MS=60 bench/engine/run.sh [ROUNDS]   (LATENCY_MS=0 for the bare sandbox)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}
LATENCY_MS=${LATENCY_MS:-60}
T=${CARGO_TARGET_DIR:-target}
cargo build -q --bin pasos --example aws_proxy
work=$(mktemp -d)
proxy_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null || true
  "$T/debug/pasos" --state-dir "$work/state" sandbox stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT
venv=bench/engine/.venv
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q boto3; }
P="$T/debug/pasos --state-dir $work/state"
sandbox=$($P sandbox start 2>/dev/null | sed -n 's/^export AWS_ENDPOINT_URL=//p' | tr -d "'\"")
# The sandbox's quick resizer build, zipped once for both sides.
zip=$($P --sandbox package-resizer 2>/dev/null)
"$T/debug/examples/aws_proxy" --upstream "$sandbox" --latency-ms "$LATENCY_MS" > "$work/proxy.url" &
proxy_pid=$!
for _ in $(seq 50); do [ -s "$work/proxy.url" ] && break; sleep 0.1; done
url=$(cat "$work/proxy.url")
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_REGION=us-east-1 AWS_DEFAULT_REGION=us-east-1
export AWS_SHARED_CREDENTIALS_FILE="$work/credentials" AWS_CONFIG_FILE="$work/config"
export PASOS_RESIZER_BUILD=sandbox
pasos_t=(); boto_t=()
for i in $(seq "$ROUNDS"); do
  s=$(date +%s.%N)
  $P --endpoint-url "$url" apply assets/plans/walkthrough.toml --yes >/dev/null
  $P --endpoint-url "$url" rollback --yes >/dev/null
  pasos_t+=("$(echo "$(date +%s.%N) - $s" | bc)")
  s=$(date +%s.%N)
  AWS_ENDPOINT_URL="$url" "$venv/bin/python" bench/engine/boto3_walkthrough.py "$zip" assets/plans/user-data.sh
  boto_t+=("$(echo "$(date +%s.%N) - $s" | bc)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mp=$(median "${pasos_t[@]}"); mb=$(median "${boto_t[@]}")
echo "rounds: $ROUNDS, latency: ${LATENCY_MS} ms per call"
echo "pasos apply+rollback: ${pasos_t[*]} (median $mp s)"
echo "boto3 script:         ${boto_t[*]} (median $mb s)"
echo "ratio boto3/pasos: $(echo "scale=2; $mb / $mp" | bc)  (> 1 means pasos is faster)"
