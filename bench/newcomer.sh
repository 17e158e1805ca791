#!/usr/bin/env bash
# A newcomer's first minutes, measured (docs/benchmarks.md). On a fresh clone, with a fresh
# CARGO_HOME (every crate downloaded), a fresh target dir and fresh pasos state and data dirs (the
# sandbox emulator installed from PyPI), it runs the README's first command under tmux and records:
#   1. the time to the wizard's first frame;
#   2. the time until the resizer zip is ready (the wizard builds it in the background);
# then runs the README's second command (all the tests) and records its time.
# Usage: bench/newcomer.sh [REPO]     (REPO defaults to this checkout; needs git, tmux, cargo)
# A benchmark, not a test: run it on an otherwise idle machine.
set -euo pipefail
repo=${1:-$(cd "$(dirname "$0")/.." && pwd)}
work=$(mktemp -d /tmp/pasos-newcomer.XXXXXX)
session="pasos-newcomer-$$"
cleanup() {
  tmux kill-session -t "$session" 2>/dev/null || true
  [ -x "$work/pasos/target/debug/pasos" ] && "$work/pasos/target/debug/pasos" sandbox stop >/dev/null 2>&1 || true
}
trap cleanup EXIT
git clone -q "$repo" "$work/pasos"
env_vars="CARGO_HOME=$work/cargo-home XDG_STATE_HOME=$work/state XDG_DATA_HOME=$work/data LANG=es_ES.UTF-8"
export CARGO_HOME="$work/cargo-home" XDG_STATE_HOME="$work/state" XDG_DATA_HOME="$work/data"
unset CARGO_TARGET_DIR CARGO_BUILD_BUILD_DIR PASOS_STATE_DIR PASOS_DATA_DIR || true
now() { date +%s.%N; }
since() { echo "scale=1; ($(now) - $1) / 1" | bc; }

# 1. `cargo run -- --sandbox`, as the README says, in a terminal of 100x30.
t0=$(now)
tmux new-session -d -s "$session" -x 100 -y 30 \
  "cd $work/pasos && env $env_vars cargo run -- --sandbox; sleep 600"
frame=""
while [ -z "$frame" ]; do
  sleep 0.5
  if tmux capture-pane -p -t "$session" | grep -q "0:Bienvenida"; then frame=$(since "$t0"); fi
  [ "$(echo "$(since "$t0") > 3600" | bc)" = 1 ] && { echo "no wizard after an hour"; exit 1; }
done
echo "first frame: ${frame} s"

# 2. The resizer zip, built in the background while the learner reads the first screens.
zip=""
while [ -z "$zip" ]; do
  sleep 1
  if ls "$work"/state/pasos/resizer/lambda-resizer-sandbox-*.zip >/dev/null 2>&1; then zip=$(since "$t0"); fi
  if tmux capture-pane -p -t "$session" | grep -q "No se pudo compilar la Lambda"; then
    tmux capture-pane -p -t "$session"; echo "the resizer build failed"; exit 1
  fi
  [ "$(echo "$(since "$t0") > 3600" | bc)" = 1 ] && { echo "no zip after an hour"; exit 1; }
done
echo "resizer ready: ${zip} s ($(echo "scale=1; $zip - $frame" | bc) s after the first frame)"
tmux capture-pane -p -t "$session" | head -12
tmux kill-session -t "$session" 2>/dev/null || true

# 3. `cargo test --workspace`, as the README says.
t1=$(now)
(cd "$work/pasos" && cargo test --workspace >"$work/tests.log" 2>&1) || { tail -30 "$work/tests.log"; echo "tests failed"; }
tests=$(since "$t1")
echo "second command (cargo test --workspace): ${tests} s, $(grep -c '^test result: ok' "$work/tests.log") suites ok"
# Where it went: the compile (cargo's own figure), then each test binary's run.
grep -E '^ *Finished `test` profile' "$work/tests.log" | sed 's/^ */  compile: /' || true
grep -E '^ *Running|^test result' "$work/tests.log" | paste - - \
  | sed -E 's/^ *Running ([^ ]+).*finished in ([0-9.]+s).*/  run \1: \2/' || true
ls "$XDG_DATA_HOME"/pasos 2>/dev/null | sed 's/^/  data dir holds: /' || true
echo "summary: first_frame=${frame}s resizer_ready=${zip}s tests=${tests}s"
rm -rf "$work"
