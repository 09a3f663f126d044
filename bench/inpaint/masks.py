#!/usr/bin/python3
"""How much a reconstruction score depends on the random mask.

The paper's reconstruction masks are Bernoulli(0.5) per pixel with no seed
(reference-spec.md 5.3), so its PSNRs are of mask realizations we do not
have.  This runs ntkmc (the bench's architecture for the task, defaults
otherwise) and scikit-image's inpaint_biharmonic on the bench's mask and on
N fresh Bernoulli(0.5) masks (seeds 1..N) and prints, per task, the PSNR
(whole image, observed pixels kept) on every mask with mean, standard
deviation and range, as a Markdown table.

Usage: masks.py NTKMC [--masks N] [--threads T] [TASK...]
       (default: 5 masks, tasks boat and peppers)
Environment: NTKMC_BENCH_DATA (the test images; see common.data_dir()).
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile

import numpy as np

import common


def ntkmc_fill(ntkmc, arch, masked, observed, threads, work):
    mpath = os.path.join(work, "masked.png")
    opath = os.path.join(work, "observed.png")
    out = os.path.join(work, "out.png")
    common.save_image(mpath, masked)
    common.save_image(opath, np.where(observed, 255, 0))
    subprocess.run([ntkmc, "inpaint", mpath, opath, "--inverted-mask", "--arch", arch,
                    "--threads", str(threads), "-q", "-o", out], check=True)
    return common.load_image(out)


def biharmonic_fill(masked, observed):
    from skimage.restoration import inpaint_biharmonic

    x = masked.astype(np.float64) / 255.0
    kw = {"channel_axis": -1} if x.ndim == 3 else {}
    y = inpaint_biharmonic(x, ~observed, **kw)
    return np.clip(np.rint(y * 255.0), 0, 255).astype(np.uint8)


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ntkmc")
    ap.add_argument("--masks", type=int, default=5)
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("tasks", nargs="*", default=["boat", "peppers"])
    a = ap.parse_intermixed_args(argv[1:])
    data = common.data_dir()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for name in a.tasks:
            _, image, mask, arch, goal = common.task(name)
            gt = common.load_image(os.path.join(data, image))
            masks = [("bench", common.load_observed(os.path.join(data, mask)))]
            for seed in range(1, a.masks + 1):
                rng = np.random.default_rng(seed)
                masks.append(("seed %d" % seed, rng.random(gt.shape[:2]) >= 0.5))
            scores = {"ntkmc": [], "biharmonic": []}
            for label, observed in masks:
                masked = gt.copy()
                masked[~observed] = 0
                for method, fill in (("ntkmc", lambda: ntkmc_fill(a.ntkmc, arch, masked, observed,
                                                                   a.threads, work)),
                                     ("biharmonic", lambda: biharmonic_fill(masked, observed))):
                    p = common.metrics(fill(), gt, observed)[0]
                    scores[method].append(p)
                    sys.stderr.write("%s %s %s: %.2f dB\n" % (name, label, method, p))
            for method, v in scores.items():
                rows.append((name, arch if method == "ntkmc" else "-", method, v, goal))
    print("| task | method (arch) | bench mask | %s | mean | sd | range |"
          % " | ".join("seed %d" % s for s in range(1, a.masks + 1)))
    print("|---|---|" + "---:|" * (a.masks + 4))
    for name, arch, method, v, goal in rows:
        label = method if arch == "-" else "%s (%s)" % (method, arch)
        print("| %s | %s | %s | %.2f | %.2f | %.2f to %.2f |"
              % (name, label, " | ".join("%.2f" % x for x in v), statistics.mean(v),
                 statistics.stdev(v), min(v), max(v)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
