"""Benchmark: `bootstrap resize` vs plain Pillow vs tuned Pillow on the same photos, one core.

Run it through run.sh (which pins everything to core 0 with taskset and sets up the venv).

Per photo and implementation: median wall time over N runs, peak RSS, output size, and the PSNR of the
output against a reference made by a full-resolution decode + Lanczos resize (Pillow, no draft, no
reducing gap) at the output's own size.

How each contender is timed (deliberately conservative for the Rust binary):
  * bootstrap: one new process per run, timed from spawn to exit, so it includes exec, dynamic
    loading, reading the file and writing the result.
  * Pillow: a long-lived worker process per variant imports PIL once and times each run in-process
    (read file, resize, write file); interpreter start-up and `import PIL` are NOT counted, as in a
    warm Lambda.
Runs are interleaved (Rust, plain, tuned, in rotating order) after one warm-up each, so that load from
other processes on the machine hits all three alike.
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


def worker_loop(kind):
    """Serves "src<TAB>dst" lines on stdin, answers each with the run's wall time in seconds."""
    for line in sys.stdin:
        src, dst = line.rstrip("\n").split("\t")
        worker(kind, src, dst, 1, quiet=True)


def worker(kind, src, dst, runs, quiet=False):
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
    print(times[0] if quiet else json.dumps({"times": times}), flush=True)


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


def bootstrap_argv(bootstrap, src, dst):
    return [bootstrap, "resize", src, dst, "--max-width", str(BOX[0]), "--max-height", str(BOX[1]),
            "--quality", str(QUALITY)]


class PillowWorker:
    def __init__(self, kind):
        self.proc = subprocess.Popen([sys.executable, __file__, "--serve", kind], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)

    def run(self, src, dst):
        self.proc.stdin.write(f"{src}\t{dst}\n")
        self.proc.stdin.flush()
        return float(self.proc.stdout.readline())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait()


def bench_photo(bootstrap, workers, src, out_dir, runs):
    """Interleaved timings; returns {impl: [seconds]} and {impl: output path}."""
    name = os.path.basename(src)
    dst = {impl: os.path.join(out_dir, f"{impl}-{name}") for impl in ("rust", "plain", "tuned")}

    def once(impl):
        if impl == "rust":
            return run_child(bootstrap_argv(bootstrap, src, dst["rust"]))[0]
        return workers[impl].run(src, dst[impl])

    order = ["rust", "plain", "tuned"]
    for impl in order:  # warm-up: page cache, lazy imports
        once(impl)
    times = {impl: [] for impl in order}
    for r in range(runs):
        for impl in order[r % 3:] + order[:r % 3]:
            times[impl].append(once(impl))
    return times, dst


def peak_rss(bootstrap, src, out_dir):
    """One extra run of each contender under GNU time, in a fresh process."""
    name = os.path.basename(src)
    tmp = os.path.join(out_dir, "rss-" + name)
    rss = {"rust": peak_rss_mib(bootstrap_argv(bootstrap, src, tmp))[0]}
    for kind in ("plain", "tuned"):
        rss[kind] = peak_rss_mib([sys.executable, __file__, "--worker", kind, src, tmp, "1"])[0]
    return rss


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


def describe(src):
    from PIL import Image

    with Image.open(src) as im:
        w, h = im.size
        progressive = bool(im.info.get("progressive") or im.info.get("progression"))
    return {"photo": os.path.basename(src), "mp": w * h / 1e6, "size": f"{w}x{h}",
            "bytes": os.path.getsize(src), "progressive": progressive}


def bench_set(bootstrap, workers, paths, out_dir, runs):
    """Every photo of one set: interleaved timings, peak RSS, PSNR; returns the rows."""
    cache, rows = {}, []
    for src in paths:
        row = describe(src)
        times, dst = bench_photo(bootstrap, workers, src, out_dir, runs)
        rss = peak_rss(bootstrap, src, out_dir)
        for impl in ("rust", "plain", "tuned"):
            out_img = load_rgb(dst[impl])
            ref = reference(src, out_img.size, cache)
            row[impl] = {"median_ms": statistics.median(times[impl]) * 1000,
                         "min_ms": min(times[impl]) * 1000, "rss_mib": rss[impl],
                         "psnr": psnr(out_img, ref), "out_size": "%dx%d" % out_img.size,
                         "out_bytes": os.path.getsize(dst[impl])}
        cache.clear()
        rows.append(row)
        r = row
        print(f"{row['photo']}: rust {r['rust']['median_ms']:.1f} ms, plain {r['plain']['median_ms']:.1f} ms, "
              f"tuned {r['tuned']['median_ms']:.1f} ms", file=sys.stderr)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bootstrap", required=True)
    ap.add_argument("--set", choices=("real", "synthetic", "all"), default="all",
                    help="real camera photos (Debian wallpaper packages), the generated ones, or both")
    ap.add_argument("--only", default="", help="comma-separated photo names to keep (quick checks)")
    ap.add_argument("--photos", default=os.path.join(HERE, ".build", "photos"))
    ap.add_argument("--real", default=os.path.join(HERE, ".build", "real"))
    ap.add_argument("--out", default=os.path.join(HERE, ".build", "out"))
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--json", default=os.path.join(HERE, ".build", "results.json"))
    args = ap.parse_args()

    sets = []
    if args.set in ("real", "all"):
        import real_photos

        sets.append(("Real camera photos", real_photos.make_real_set(args.real)))
    if args.set in ("synthetic", "all"):
        import photos

        sets.append(("Synthetic photos", photos.make_bench_set(args.photos)))
    only = {n for n in args.only.split(",") if n}
    os.makedirs(args.out, exist_ok=True)
    workers = {kind: PillowWorker(kind) for kind in ("plain", "tuned")}
    results = {}
    for title, paths in sets:
        paths = [p for p in paths if not only or os.path.basename(p) in only]
        if paths:
            results[title] = bench_set(args.bootstrap, workers, paths, args.out, args.runs)
    for wk in workers.values():
        wk.close()

    with open(args.json, "w") as f:
        json.dump(results, f, indent=2)
    for title, rows in results.items():
        print(f"### {title}\n")
        print(markdown(rows, args.runs))
        print()


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
    m_plain = gmean([r["plain"]["min_ms"] / r["rust"]["min_ms"] for r in rows])
    m_tuned = gmean([r["tuned"]["min_ms"] / r["rust"]["min_ms"] for r in rows])
    lines += ["", f"Geometric mean speed-up (medians): **{g_plain:.2f}x** vs plain Pillow, "
                  f"**{g_tuned:.2f}x** vs tuned Pillow (best-of-{runs} times: {m_plain:.2f}x and {m_tuned:.2f}x)."]
    for label, keep in (("baseline", False), ("progressive", True)):
        sub = [r for r in rows if r["progressive"] == keep]
        if sub and len(sub) < len(rows):
            gp = gmean([r["plain"]["median_ms"] / r["rust"]["median_ms"] for r in sub])
            gt = gmean([r["tuned"]["median_ms"] / r["rust"]["median_ms"] for r in sub])
            lines.append(f"{label.capitalize()} photos only ({len(sub)}): {gp:.2f}x vs plain, {gt:.2f}x vs tuned.")
    worst = min(rows, key=lambda r: r["tuned"]["median_ms"] / r["rust"]["median_ms"])
    lines.append(f"Slowest against tuned Pillow: {worst['photo']}, "
                 f"{worst['tuned']['median_ms'] / worst['rust']['median_ms']:.2f}x.")
    gap = min(rows, key=lambda r: r["rust"]["psnr"] - max(r["plain"]["psnr"], r["tuned"]["psnr"]))
    lines.append(f"Largest PSNR gap to the better Pillow output: {gap['photo']}, "
                 f"{gap['rust']['psnr'] - max(gap['plain']['psnr'], gap['tuned']['psnr']):+.2f} dB.")
    base_rss = [r["rust"]["rss_mib"] for r in rows if not r["progressive"]]
    prog_rss = [r["rust"]["rss_mib"] for r in rows if r["progressive"]]
    if base_rss:
        lines.append(f"Peak RSS of the Rust process: baseline photos {min(base_rss):.1f}-{max(base_rss):.1f} MiB"
                     + (f", progressive {min(prog_rss):.1f}-{max(prog_rss):.1f} MiB." if prog_rss else "."))
    return "\n".join(lines)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--worker":
        worker(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--serve":
        worker_loop(sys.argv[2])
    else:
        main()
