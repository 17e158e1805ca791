#!/usr/bin/env bash
# Benchmark: `pasos apply` + `pasos rollback` of the shipped plan vs the same calls in a plain boto3
# script, against one sandbox, in the same run, alternating, ROUNDS times. Prints medians and the ratio.
# Usage: bench/engine/run.sh [ROUNDS]   (needs a built target/debug/pasos; packages the resizer first)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-5}
work=$(mktemp -d)
trap 'target/debug/pasos --state-dir "$work/state" sandbox stop >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
venv=bench/engine/.venv
[ -x "$venv/bin/python" ] || { python3 -m venv "$venv" && "$venv/bin/pip" install -q boto3; }
P="target/debug/pasos --state-dir $work/state"
eval "$($P sandbox start 2>/dev/null)"
zip=$($P package-resizer 2>/dev/null)
export AWS_SHARED_CREDENTIALS_FILE="$work/credentials"
pasos_t=(); boto_t=()
for i in $(seq "$ROUNDS"); do
  s=$(date +%s.%N)
  $P --sandbox apply assets/plans/walkthrough.toml --yes >/dev/null
  $P --sandbox rollback --yes >/dev/null
  pasos_t+=("$(echo "$(date +%s.%N) - $s" | bc)")
  s=$(date +%s.%N)
  "$venv/bin/python" bench/engine/boto3_walkthrough.py "$zip" assets/plans/user-data.sh
  boto_t+=("$(echo "$(date +%s.%N) - $s" | bc)")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mp=$(median "${pasos_t[@]}"); mb=$(median "${boto_t[@]}")
echo "rounds: $ROUNDS"
echo "pasos apply+rollback: ${pasos_t[*]} (median $mp s)"
echo "boto3 script:         ${boto_t[*]} (median $mb s)"
echo "ratio boto3/pasos: $(echo "scale=2; $mb / $mp" | bc)  (> 1 means pasos is faster)"
