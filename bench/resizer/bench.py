"""Benchmark: `bootstrap resize` vs plain Pillow vs tuned Pillow on the same photos, one core.

Run it through run.sh (which pins everything to core 0 with taskset and sets up the venv).

Per photo and implementation: median wall time over N runs, peak RSS, output size, and the PSNR of the
output against a reference made by a full-resolution decode + Lanczos resize (Pillow, no draft, no
reducing gap) at the output's own size.

How each contender is timed (deliberately conservative for the Rust binary):
  * bootstrap: one new process per run, timed from spawn to exit, so it includes exec, dynamic
    loading, reading the file and writing the result.
  * Pillow: a worker process imports PIL once, then times N in-process runs (read file, resize,
    write file); interpreter start-up and `import PIL` are NOT counted, as in a warm Lambda.
Peak RSS is GNU time's %M for one extra run of each contender (Pillow's includes the interpreter).
It cannot come from wait4() here: a child forked from this big Python process starts with the
parent's resident pages, and ru_maxrss keeps that high-water mark across exec.
"""

import argparse
import io
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

BOX = (1024, 1024)
QUALITY = 85


# ---------------------------------------------------------------- Pillow contenders (worker side)
def pillow_plain(data):
    """What a Lambda author writes from the Pillow docs."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as im:
        im = ImageOps.exif_transpose(im)
        im.thumbnail(BOX, Image.LANCZOS)
        out = io.BytesIO()
        im.save(out, format="JPEG", quality=QUALITY)
        return out.getvalue()


def pillow_tuned(data):
    """The same, plus draft(): libjpeg decodes at 1/2, 1/4 or 1/8 scale straight away."""
    from PIL import Image, ImageOps

    with Image.open(io.BytesIO(data)) as im:
        im.draft("RGB", BOX)
        im = ImageOps.exif_transpose(im)
        im.thumbnail(BOX, Image.LANCZOS)
        out = io.BytesIO()
        im.save(out, format="JPEG", quality=QUALITY)
        return out.getvalue()


def worker(kind, src, dst, runs):
    fn = {"plain": pillow_plain, "tuned": pillow_tuned}[kind]
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        with open(src, "rb") as f:
            data = f.read()
        out = fn(data)
        with open(dst, "wb") as f:
            f.write(out)
        times.append(time.perf_counter() - t0)
    print(json.dumps({"times": times}))


# ---------------------------------------------------------------- driver side
def run_child(argv):
    """Runs argv, returns (wall seconds, stdout)."""
    t0 = time.perf_counter()
    proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"{argv} failed ({proc.returncode}): {proc.stderr.decode(errors='replace')}")
    return wall, proc.stdout


def peak_rss_mib(argv):
    """Runs argv under GNU time (a small process to fork from), returns (peak RSS MiB, stdout)."""
    with tempfile.NamedTemporaryFile("r") as f:
        _, out = run_child(["/usr/bin/time", "-f", "%M", "-o", f.name] + argv)
        return int(f.read().split()[-1]) / 1024.0, out


def bench_bootstrap(bootstrap, src, dst, runs):
    argv = [bootstrap, "resize", src, dst, "--max-width", str(BOX[0]), "--max-height", str(BOX[1]),
            "--quality", str(QUALITY)]
    rss, _ = peak_rss_mib(argv)  # also warms the page cache, like the Pillow workers' dropped run
    times = [run_child(argv)[0] for _ in range(runs)]
    return times, rss


def bench_pillow(kind, src, dst, runs):
    # 1 + runs in-process runs; the first is dropped (lazy imports inside PIL, cold page cache).
    rss, out = peak_rss_mib([sys.executable, __file__, "--worker", kind, src, dst, str(runs + 1)])
    times = json.loads(out)["times"][1:]
    return times, rss


def load_rgb(path_or_bytes):
    from PIL import Image, ImageOps

    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with Image.open(src) as im:
        im = ImageOps.exif_transpose(im)
        return im.convert("RGB")


def psnr(a, b):
    import numpy as np

    x = np.asarray(a, dtype=np.float64)
    y = np.asarray(b, dtype=np.float64)
    mse = float(((x - y) ** 2).mean())
    return float("inf") if mse == 0 else 10 * math.log10(255.0**2 / mse)


def reference(src, size, cache):
    """Full decode, EXIF transpose, one Lanczos pass straight to `size` (no draft, no reduce)."""
    from PIL import Image

    key = (src, size)
    if key not in cache:
        full = cache.get(src)
        if full is None:
            full = cache[src] = load_rgb(src)
        cache[key] = full.resize(size, Image.LANCZOS, reducing_gap=None)
    return cache[key]


def gmean(xs):
    return math.exp(sum(math.log(x) for x in xs) / len(xs))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--photos", default=os.path.join(HERE, ".build", "photos"))
    ap.add_argument("--out", default=os.path.join(HERE, ".build", "out"))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--json", default=os.path.join(HERE, ".build", "results.json"))
    args = ap.parse_args()

    import photos

    paths = photos.make_bench_set(args.photos)
    os.makedirs(args.out, exist_ok=True)
    cache, rows = {}, []
    for src in paths:
        name = os.path.basename(src)
        from PIL import Image

        with Image.open(src) as im:
            w, h = im.size
            progressive = bool(im.info.get("progressive") or im.info.get("progression"))
        row = {"photo": name, "mp": w * h / 1e6, "size": f"{w}x{h}", "bytes": os.path.getsize(src),
               "progressive": progressive}
        for impl in ("rust", "plain", "tuned"):
            dst = os.path.join(args.out, f"{impl}-{name}")
            if impl == "rust":
                times, rss = bench_bootstrap(args.bootstrap, src, dst, args.runs)
            else:
                times, rss = bench_pillow(impl, src, dst, args.runs)
            out_img = load_rgb(dst)
            ref = reference(src, out_img.size, cache)
            row[impl] = {"median_ms": statistics.median(times) * 1000, "min_ms": min(times) * 1000,
                         "rss_mib": rss, "psnr": psnr(out_img, ref), "out_size": "%dx%d" % out_img.size,
                         "out_bytes": os.path.getsize(dst)}
        cache.pop(src, None)
        rows.append(row)
        r = row
        print(f"{name}: rust {r['rust']['median_ms']:.1f} ms, plain {r['plain']['median_ms']:.1f} ms, "
              f"tuned {r['tuned']['median_ms']:.1f} ms", file=sys.stderr)

    with open(args.json, "w") as f:
        json.dump(rows, f, indent=2)
    print(markdown(rows, args.runs))


def markdown(rows, runs):
    lines = [
        f"Median of {runs} runs, one core (`taskset -c 0`); box {BOX[0]}x{BOX[1]}, JPEG quality {QUALITY}.",
        "",
        "| photo | source | Rust ms | plain Pillow ms | tuned Pillow ms | plain/Rust | tuned/Rust "
        "| Rust RSS MiB | plain RSS | tuned RSS | PSNR Rust dB | PSNR plain | PSNR tuned |",
        "|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for r in rows:
        ru, pl, tu = r["rust"], r["plain"], r["tuned"]
        src = f"{r['size']} ({r['mp']:.1f} MP{', progressive' if r['progressive'] else ''}, " \
              f"{r['bytes'] / 1e6:.1f} MB)"
        lines.append(
            f"| {r['photo']} | {src} | {ru['median_ms']:.1f} | {pl['median_ms']:.1f} | {tu['median_ms']:.1f} "
            f"| {pl['median_ms'] / ru['median_ms']:.2f}x | {tu['median_ms'] / ru['median_ms']:.2f}x "
            f"| {ru['rss_mib']:.1f} | {pl['rss_mib']:.1f} | {tu['rss_mib']:.1f} "
            f"| {ru['psnr']:.2f} | {pl['psnr']:.2f} | {tu['psnr']:.2f} |")
    g_plain = gmean([r["plain"]["median_ms"] / r["rust"]["median_ms"] for r in rows])
    g_tuned = gmean([r["tuned"]["median_ms"] / r["rust"]["median_ms"] for r in rows])
    lines += ["", f"Geometric mean speed-up: **{g_plain:.2f}x** vs plain Pillow, **{g_tuned:.2f}x** vs tuned Pillow."]
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        main()
