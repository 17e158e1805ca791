"""Deterministic, photo-like test images (procedural landscapes) for the resizer benchmark.

Real photos cannot be shipped with a clear licence offline, so the benchmark paints its own: fractal
(1/f) noise terrain, a sky gradient with clouds, a lake with a blurred reflection, vegetation texture and
sensor grain. What matters for a JPEG benchmark is realistic entropy (bytes per pixel) and smooth areas
next to fine detail; these images land at 0.3-0.6 bytes/pixel at quality 90-95 like camera JPEGs.

Usage: python photos.py OUT_DIR            (benchmark set)
       python photos.py --sample OUT.jpg   (the sample photo shipped in assets/photos/)
"""

import io
import os
import sys

import numpy as np
from PIL import Image

# (name, width, height, quality, progressive, exif orientation, seed)
BENCH_SET = [
    ("04mp-baseline.jpg", 2448, 1632, 90, False, 1, 11),
    ("08mp-baseline.jpg", 3264, 2448, 92, False, 1, 12),
    ("12mp-phone-rot6.jpg", 4032, 3024, 92, False, 6, 13),
    ("18mp-baseline.jpg", 5184, 3456, 95, False, 1, 14),
    ("18mp-progressive.jpg", 5184, 3456, 92, True, 1, 15),
]


def fractal_noise(rng, h, w, octaves=9, persistence=0.62, base=4):
    """Sum of upsampled random grids: a 1/f-like spectrum, the statistics of natural images."""
    total = np.zeros((h, w), np.float32)
    amp, norm = 1.0, 0.0
    cells = base
    for _ in range(octaves):
        gh, gw = max(2, int(cells * h / max(h, w)) + 2), max(2, int(cells * w / max(h, w)) + 2)
        grid = rng.random((gh, gw), dtype=np.float32)
        layer = Image.fromarray(grid, mode="F").resize((w, h), Image.BICUBIC)
        total += amp * np.asarray(layer, np.float32)
        norm += amp
        amp *= persistence
        cells *= 2
        if cells > max(h, w) / 2:
            break
    return total / norm


def landscape(width, height, seed):
    rng = np.random.default_rng(seed)
    h, w = height, width
    y = np.linspace(0.0, 1.0, h, dtype=np.float32)[:, None]
    x = np.linspace(0.0, 1.0, w, dtype=np.float32)[None, :]
    img = np.zeros((h, w, 3), np.float32)

    # Sky: gradient + soft clouds.
    sky_top, sky_bottom = np.array([40, 90, 170], np.float32), np.array([185, 210, 235], np.float32)
    clouds = np.clip((fractal_noise(rng, h, w, octaves=7, persistence=0.55) - 0.5) * 3.0, 0, 1)
    sky = sky_top + (sky_bottom - sky_top) * y[..., None]
    sky = sky * (1 - clouds[..., None] * 0.8) + 245 * clouds[..., None] * 0.8
    img[:] = sky

    # Mountain ridge: 1-D fractal profile.
    ridge_noise = fractal_noise(rng, 1, w, octaves=10, persistence=0.6)[0]
    ridge = 0.30 + 0.22 * (ridge_noise - ridge_noise.min()) / (np.ptp(ridge_noise) + 1e-6)
    rock = fractal_noise(rng, h, w, octaves=10, persistence=0.7)
    mountain = y > ridge[None, :]
    grit = rng.random((h, w), dtype=np.float32) - 0.5
    shade = 0.55 + 1.3 * (rock - 0.5) + 0.35 * grit + 0.25 * (y - ridge[None, :])
    mcol = np.stack([105 * shade, 98 * shade, 92 * shade], -1) + 35
    snow = (y < ridge[None, :] + 0.02 + 0.08 * rock * rock) & mountain
    mcol[snow] = (150 + 110 * rock[snow] + 25 * grit[snow])[:, None] * np.array([0.97, 0.98, 1.0])
    img[mountain] = mcol[mountain]

    # Lake with a blurred, darker reflection of the scene above it.
    lake_top = 0.62
    lake = y > lake_top
    src_rows = np.clip((2 * lake_top - y[:, 0]) * (h - 1), 0, h - 1).astype(int)
    reflection = img[src_rows, :, :]
    ripples = fractal_noise(rng, h, w, octaves=8, persistence=0.5)
    reflection = reflection * (0.55 + 0.2 * ripples[..., None]) + np.array([5, 25, 35], np.float32)
    img = np.where(lake[..., None], reflection, img)

    # Foreground meadow and bushes: high-frequency vegetation texture.
    ground_line = 0.80 + 0.05 * fractal_noise(rng, 1, w, octaves=8)[0]
    ground = y > ground_line[None, :]
    veg = fractal_noise(rng, h, w, octaves=11, persistence=0.85)
    fine = rng.random((h, w), dtype=np.float32)
    # Grass blades: noise stretched vertically.
    blades = np.asarray(
        Image.fromarray(rng.random((max(2, h // 12), w), dtype=np.float32), mode="F").resize((w, h), Image.BILINEAR),
        np.float32,
    )
    t = 0.45 * veg + 0.35 * blades + 0.2 * fine
    g = np.stack([30 + 150 * t, 50 + 170 * t, 15 + 70 * t], -1)
    img = np.where(ground[..., None], g, img)

    # A sun flare and vignetting, then sensor grain.
    cx, cy = 0.72, 0.16
    d2 = (x - cx) ** 2 * (w / h) ** 2 + (y - cy) ** 2
    img += (255 * np.exp(-d2 / 0.002))[..., None] * np.array([1.0, 0.9, 0.6], np.float32)
    img *= (1 - 0.35 * ((x - 0.5) ** 2 + (y - 0.5) ** 2))[..., None]
    img += rng.normal(0, 3.5, (h, w, 3)).astype(np.float32)
    return Image.fromarray(np.clip(img, 0, 255).astype(np.uint8), "RGB")


def save_jpeg(im, path, quality, progressive=False, orientation=1):
    kwargs = dict(quality=quality, subsampling=2, progressive=progressive, optimize=progressive)
    if orientation != 1:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    buf = io.BytesIO()
    im.save(buf, "JPEG", **kwargs)
    with open(path, "wb") as f:
        f.write(buf.getvalue())


def make_bench_set(out_dir):
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for name, w, h, quality, progressive, orientation, seed in BENCH_SET:
        path = os.path.join(out_dir, name)
        if not os.path.exists(path):
            print(f"generating {name} ({w}x{h})", file=sys.stderr)
            save_jpeg(landscape(w, h, seed), path, quality, progressive, orientation)
        paths.append(path)
    return paths


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--sample":
        save_jpeg(landscape(2400, 1600, 2026), sys.argv[2], 88, progressive=False)
    elif len(sys.argv) == 2:
        for p in make_bench_set(sys.argv[1]):
            print(p, os.path.getsize(p))
    else:
        sys.exit(__doc__)
