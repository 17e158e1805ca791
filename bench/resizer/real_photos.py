"""Real camera photographs for the resizer benchmark, taken from Debian wallpaper packages.

Synthetic terrain does not compress like a camera, so the main benchmark set is real photographs that
Debian ships (the files are not committed: each package keeps its own licence, listed below and in
docs/benchmarks-resizer.md). Each is used as shipped, plus a derived twin made losslessly with
jpegtran (libjpeg-turbo-progs): a progressive copy of a baseline photo (web exports are often
progressive) or a baseline copy of a progressive one. jpegtran only re-packs the DCT coefficients, so
both twins decode to the same pixels.

Usage: python real_photos.py OUT_DIR     (prints the paths; exits 1 naming what to apt-get install)
       python real_photos.py --missing   (the Debian packages still to install, one line)
"""

import os
import shutil
import subprocess
import sys

# Debian 12 packages: (package, version measured, licence of the photos used).
PACKAGES = {
    "mate-backgrounds": ("1.26.0-1", "GPL-2+"),
    "plasma-workspace-wallpapers": ("4:5.27.5-2", "GPL-2+"),
    "lomiri-wallpapers-16.04": ("20.04.0-2", "CC0-1.0 (seeding), CC-BY-4.0 (sunset)"),
    "lomiri-wallpapers-20.04": ("20.04.0-2", "CC-BY-SA-3.0"),
}

# (benchmark name, package, path, derivation): "as-is", "progressive" or "baseline" (jpegtran).
# Only photographs: every file below is a camera picture (most carry the camera's EXIF), not a
# rendering; the set spans 2.5-20 MP and 0.1-0.9 bytes/pixel.
REAL_SET = [
    ("storm-2.5mp.jpg", "mate-backgrounds", "/usr/share/backgrounds/mate/nature/Storm.jpg", "as-is"),
    ("path-4.1mp.jpg", "plasma-workspace-wallpapers",
     "/usr/share/wallpapers/Path/contents/images/2560x1600.jpg", "as-is"),
    ("wood-4.9mp.jpg", "mate-backgrounds", "/usr/share/backgrounds/mate/nature/Wood.jpg", "as-is"),
    ("cups-4.1mp-prog.jpg", "plasma-workspace-wallpapers",
     "/usr/share/wallpapers/ColorfulCups/contents/images/2560x1600.jpg", "as-is"),
    ("elephants-8.3mp-prog.jpg", "mate-backgrounds",
     "/usr/share/backgrounds/mate/abstract/Elephants_3840x2160.jpg", "as-is"),
    ("sunset-12mp-prog.jpg", "lomiri-wallpapers-16.04",
     "/usr/share/backgrounds/sunset_by_Aitzol_Berasategi.jpg", "as-is"),
    ("seeding-16mp.jpg", "lomiri-wallpapers-16.04",
     "/usr/share/backgrounds/seeding_by_Clements_Engelhardt.jpg", "baseline"),
    ("seeding-16mp-prog.jpg", "lomiri-wallpapers-16.04",
     "/usr/share/backgrounds/seeding_by_Clements_Engelhardt.jpg", "as-is"),
    ("elephants-18mp.jpg", "mate-backgrounds",
     "/usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg", "baseline"),
    ("elephants-18mp-prog.jpg", "mate-backgrounds",
     "/usr/share/backgrounds/mate/abstract/Elephants_5640x3172.jpg", "as-is"),
    ("kleiber-20mp.jpg", "lomiri-wallpapers-20.04",
     "/usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg", "as-is"),
    ("kleiber-20mp-prog.jpg", "lomiri-wallpapers-20.04",
     "/usr/share/backgrounds/Kleiber_by_Lukas_Baubkus.jpg", "progressive"),
]


def missing_packages():
    """Packages whose photos are absent, plus libjpeg-turbo-progs if jpegtran is."""
    missing = sorted({pkg for _, pkg, path, _ in REAL_SET if not os.path.exists(path)})
    if shutil.which("jpegtran") is None:
        missing.append("libjpeg-turbo-progs")
    return missing


def make_real_set(out_dir):
    missing = missing_packages()
    if missing:
        sys.exit("real photos need: apt-get install " + " ".join(missing))
    os.makedirs(out_dir, exist_ok=True)
    paths = []
    for name, _, src, how in REAL_SET:
        dst = os.path.join(out_dir, name)
        if not os.path.exists(dst):
            if how == "as-is":
                shutil.copyfile(src, dst)
            else:
                # -copy all keeps EXIF/ICC, so both twins carry the same metadata.
                flags = ["-progressive"] if how == "progressive" else []
                with open(dst, "wb") as f:
                    subprocess.run(["jpegtran", "-copy", "all", *flags, src], stdout=f, check=True)
        paths.append(dst)
    return paths


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    if sys.argv[1] == "--missing":
        print(" ".join(missing_packages()))
        sys.exit(0)
    for p in make_real_set(sys.argv[1]):
        print(p, os.path.getsize(p))
