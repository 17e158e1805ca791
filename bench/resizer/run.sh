#!/usr/bin/env bash
# Resizer benchmark: bootstrap (Rust) vs plain Pillow vs tuned Pillow, pinned to one core.
#   bench/resizer/run.sh [--runs N]
# Builds target/resizer/bootstrap if missing, keeps Pillow in a venv under bench/resizer/.build/
# (not committed), generates the deterministic photo set there, and prints a Markdown table.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
build="$here/.build"
venv="$build/venv"
bootstrap="${RESIZER_BOOTSTRAP:-${CARGO_TARGET_DIR:-$root/target}/resizer/bootstrap}"

mkdir -p "$build"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet pillow numpy
fi
if [ ! -x "$bootstrap" ]; then
    (cd "$root" && cargo build -p lambda-resizer --profile resizer)
fi
command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is required for peak RSS: apt-get install time" >&2; exit 1; }

echo "bootstrap: $bootstrap" >&2
"$venv/bin/python" -c 'import PIL, numpy; print("Pillow", PIL.__version__, "numpy", numpy.__version__)' >&2
exec taskset -c 0 "$venv/bin/python" "$here/bench.py" --bootstrap "$bootstrap" "$@"
