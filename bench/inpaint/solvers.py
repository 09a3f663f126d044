#!/usr/bin/python3
"""The iterative solvers on the benchmark tasks.

Runs `ntkmc inpaint --solver S` (the bench's architecture for the task, the
solver's defaults otherwise) for every task and solver asked for and prints
a Markdown table: equations, iterations, final relative residual, whether
the tolerance was reached (if not, the iterations it would take at the rate
of the run's second half), PSNR (whole image, observed pixels kept) and the
seconds of the inpaint call as ntkmc reports them.  Every task is first run
once with the default solver, so that its kernel is in the cache
(NTKMC_CACHE_DIR or the user's) and the seconds are of the solve.

Usage: solvers.py NTKMC [--solvers cg,eigenpro] [--threads T] [--tol T]
                  [--args 'NTKMC OPTIONS'] [TASK...]
       (default: cg, every task)
Environment: NTKMC_BENCH_DATA (the test images; see common.data_dir()).
"""

import argparse
import math
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

import common

PROGRESS = re.compile(r"iteration (\d+), residual ([0-9.e+-]+)")
REPORT = re.compile(r"from all (\d+) observed pixels(?:, padded)? by (?:conjugate gradients|EigenPro): "
                    r"(\d+) iterations, relative residual ([0-9.e+-]+), in ([0-9.]+) s")


def to_tol(log, its, res, tol):
    """Iterations to the tolerance: as done when reached, else extrapolated
    from the geometric rate over the last half of the run (the residuals
    that --progress reports)."""
    if res <= tol:
        return "%d" % its
    trace = {int(i): float(r) for i, r in PROGRESS.findall(log.replace("\r", "\n"))}
    half = its // 2
    if half == 0 or half not in trace or trace[half] <= res:
        return "-"
    rate = (res / trace[half]) ** (1.0 / (its - half))
    return "~%d" % round(its + math.log(tol / res) / math.log(rate))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("ntkmc")
    ap.add_argument("--solvers", default="cg")
    ap.add_argument("--threads", type=int, default=0)
    ap.add_argument("--tol", type=float, default=1e-2,
                    help="the solvers' default tolerance, to mark convergence")
    ap.add_argument("--args", default="",
                    help="more ntkmc inpaint options for the solver runs, e.g. "
                         "'--ridge 4e-5 --tol 1e-3 --iters 500' (pass --tol here too)")
    ap.add_argument("tasks", nargs="*", default=[t[0] for t in common.TASKS])
    a = ap.parse_intermixed_args(argv[1:])
    data = common.data_dir()
    print("| task | solver | equations | iterations | residual | converged | iterations to tol | PSNR all | solve s |")
    print("|---|---|---:|---:|---:|---|---:|---:|---:|")
    with tempfile.TemporaryDirectory() as work:
        for name in a.tasks:
            _, image, mask, arch, _ = common.task(name)
            gt = common.load_image(os.path.join(data, image))
            observed = common.load_observed(os.path.join(data, mask))
            masked = gt.copy()
            masked[~observed] = 0
            mpath, opath = os.path.join(work, "masked.png"), os.path.join(work, "observed.png")
            common.save_image(mpath, masked)
            common.save_image(opath, np.where(observed, 255, 0))
            out = os.path.join(work, "out.png")
            subprocess.run([a.ntkmc, "inpaint", mpath, opath, "--inverted-mask", "--arch", arch,
                            "--threads", str(a.threads), "-q", "-o", out], check=True)
            for solver in a.solvers.split(","):
                p = subprocess.run([a.ntkmc, "inpaint", mpath, opath, "--inverted-mask",
                                    "--arch", arch, "--solver", solver, "--threads",
                                    str(a.threads), "--progress", "-o", out] + a.args.split(),
                                   check=True, capture_output=True, text=True)
                m = REPORT.search(p.stderr + p.stdout)
                if m is None:
                    raise SystemExit("%s: no solver report in ntkmc's output:\n%s"
                                     % (name, p.stderr))
                eqs, its, res, sec = int(m[1]), int(m[2]), float(m[3]), float(m[4])
                psnr = common.metrics(common.load_image(out), gt, observed)[0]
                print("| %s | %s | %d | %d | %.2e | %s | %s | %.2f | %.1f |"
                      % (name, solver, eqs, its, res, "yes" if res <= a.tol else "**no**",
                         to_tol(p.stderr, its, res, a.tol), psnr, sec), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
