#!/usr/bin/env bash
# Resizer benchmark: bootstrap (Rust) vs plain Pillow vs tuned Pillow, pinned to one core.
#   bench/resizer/run.sh [--runs N] [--set real|synthetic|all] [--only a.jpg,b.jpg]
# Builds target/resizer/bootstrap if missing, keeps Pillow in a venv under bench/resizer/.build/
# (not committed), installs the Debian wallpaper packages whose camera photos make the real set
# (real_photos.py; as root, else it says what to install), generates the synthetic set, and prints
# one Markdown table per set.
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
missing="$(python3 "$here/real_photos.py" --missing)"
if [ -n "$missing" ]; then
    if [ "$(id -u)" = 0 ]; then
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing >&2
    else
        echo "the real-photo set needs: sudo apt-get install $missing" >&2
        exit 1
    fi
fi
command -v taskset >/dev/null || { echo "taskset (util-linux) is required" >&2; exit 1; }
[ -x /usr/bin/time ] || { echo "GNU time is required for peak RSS: apt-get install time" >&2; exit 1; }

echo "bootstrap: $bootstrap" >&2
"$venv/bin/python" -c 'import PIL, numpy; print("Pillow", PIL.__version__, "numpy", numpy.__version__)' >&2
exec taskset -c 0 "$venv/bin/python" "$here/bench.py" --bootstrap "$bootstrap" "$@"
