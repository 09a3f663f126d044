#!/usr/bin/env python3
"""Scores the outputs of bench/inpaint/run.sh, draws a montage per task and
writes the tables: OUT/results.md, OUT/results.json and, when all seven
tasks ran, the bench-inpaint section of the docs file.

Usage: report.py --data DIR --out DIR --ntkmc BIN [--docs FILE|-]
                 [--cv-radius R] [--total-seconds S] [--have-cv2 0|1]
                 [--have-gmic 0|1]
"""

import argparse
import ctypes
import json
import os
import platform
import re
import subprocess
import sys

import numpy as np
from PIL import Image, ImageDraw

import common

BEGIN = "<!-- bench-inpaint:begin -->"
END = "<!-- bench-inpaint:end -->"

# method id, label in the tables, tool it needs
METHODS = [
    ("ntkmc", "**ntkmc**", None),
    ("biharmonic", "skimage inpaint_biharmonic", None),
    ("cv2-telea", "OpenCV Telea", "cv2"),
    ("cv2-ns", "OpenCV Navier-Stokes", "cv2"),
    ("gmic-pde", "G'MIC inpaint_pde", "gmic"),
    ("gmic-patch", "G'MIC inpaint (patch)", "gmic"),
    ("gmic-matchpatch", "G'MIC inpaint_matchpatch", "gmic"),
]

SOLVE_GOAL_S = 30.0
PDE_RATIO_GOAL = 3.0


def read_text(path):
    try:
        with open(path, errors="replace") as f:
            return f.read()
    except OSError:
        return None


def read_run(out, name):
    """dict(rc, wall, rss_mib, log) of one measured process, or None."""
    t = read_text(os.path.join(out, "logs", name + ".time"))
    rc = read_text(os.path.join(out, "logs", name + ".rc"))
    if t is None or rc is None:
        return None
    wall = re.search(r"^wall_seconds ([0-9.]+)", t, re.M)
    rss = re.search(r"^max_rss_kb ([0-9]+)", t, re.M)
    runs = re.search(r"^runs ([0-9]+)", t, re.M)
    return {
        "rc": int(rc.strip() or 1),
        "wall": float(wall.group(1)) if wall else None,
        "rss_mib": int(rss.group(1)) / 1024.0 if rss else None,
        "runs": int(runs.group(1)) if runs else 1,
        "log": read_text(os.path.join(out, "logs", name + ".log")) or "",
    }


def parse_ntkmc_log(log):
    """Kernel seconds and the 'filled ...' line of an ntkmc --progress log."""
    lines = re.split(r"[\r\n]+", log)
    res = {}
    for ln in lines:
        m = re.search(r"computed the kernel in ([0-9.]+) s", ln)
        if m:
            res["kernel_s"] = float(m.group(1))
        m = re.search(r"px deep: network (\S+)", ln)
        if m:
            res["network"] = m.group(1)
        # one system, or tiles / groups of holes with their largest system
        m = re.search(r"filled (\d+) pixels (?:in (\d+) (tiles|groups of holes), each )?"
                      r"from (?:at most )?(\d+) context pixels \(([^)]*)\) in ([0-9.]+) s", ln)
        if m:
            res["filled"] = int(m.group(1))
            res["context"] = int(m.group(4))
            res["context_how"] = m.group(5)
            if m.group(2):
                res["context_how"] += ", %s %s, largest system" % (
                    m.group(2), "tiles" if m.group(3) == "tiles" else "groups")
            res["solve_s"] = float(m.group(6))
    return res


def unfilled_fraction(raw, masked, gt, observed):
    """Share of missing pixels the method left as they were in its input
    (black), minus what the ground truth has black there anyway."""
    miss = ~observed
    same = raw == masked
    gsame = gt == masked
    if raw.ndim == 3:
        same = same.all(axis=2)
        gsame = gsame.all(axis=2)
    return float(same[miss].mean() - gsame[miss].mean())


def fmt(v, spec, dash="-"):
    if v is None:
        return dash
    if isinstance(v, float) and v == float("inf"):
        return "inf"
    return format(v, spec)


def label_panel(img, text):
    """RGB panel with a caption strip above the image."""
    if img.ndim == 2:
        img = np.stack([img] * 3, axis=2)
    h, w = img.shape[:2]
    strip = 22
    canvas = Image.new("RGB", (w, h + strip), (255, 255, 255))
    canvas.paste(Image.fromarray(img), (0, strip))
    ImageDraw.Draw(canvas).text((4, 5), text, fill=(0, 0, 0))
    return canvas


def montage(path, panels, cols):
    w = max(p.width for p in panels)
    h = max(p.height for p in panels)
    rows = (len(panels) + cols - 1) // cols
    pad = 6
    out = Image.new("RGB", (cols * w + (cols + 1) * pad, rows * h + (rows + 1) * pad), (200, 200, 200))
    for i, p in enumerate(panels):
        r, c = divmod(i, cols)
        out.paste(p, (pad + c * (w + pad), pad + r * (h + pad)))
    out.save(path)


def machine_info(ntkmc):
    info = {"nproc": os.cpu_count(), "uname": " ".join(platform.uname()[i] for i in (0, 2, 4))}
    try:
        with open("/proc/cpuinfo") as f:
            m = re.search(r"^model name\s*:\s*(.*)$", f.read(), re.M)
            info["cpu"] = m.group(1).strip() if m else "?"
    except OSError:
        info["cpu"] = "?"
    try:
        info["ntkmc"] = subprocess.run([ntkmc, "--version"], capture_output=True, text=True).stdout.strip()
        here = os.path.dirname(os.path.abspath(__file__))
        g = subprocess.run(["git", "-C", here, "describe", "--always", "--dirty"], capture_output=True, text=True)
        if g.returncode == 0 and g.stdout.strip():
            info["ntkmc"] += ", checkout " + g.stdout.strip()
    except OSError:
        info["ntkmc"] = "?"
    # the OpenBLAS the ntkmc binary links, as bench/fc reports it
    try:
        ldd = subprocess.run(["ldd", ntkmc], capture_output=True, text=True).stdout
        m = re.search(r"(libopenblas[^ ]*) => (\S+)", ldd)
        if m:
            lib = ctypes.CDLL(m.group(2))
            lib.openblas_get_config.restype = ctypes.c_char_p
            lib.openblas_get_corename.restype = ctypes.c_char_p
            info["blas"] = "%s (core %s)" % (lib.openblas_get_config().decode().strip(),
                                              lib.openblas_get_corename().decode().strip())
        else:
            m = re.search(r"(lib\w*blas[^ ]*) => (\S+)", ldd)
            info["blas"] = m.group(2) if m else "none linked dynamically"
    except Exception as e:  # informative only
        info["blas"] = "? (%s)" % e
    try:
        import skimage

        info["skimage"] = skimage.__version__
    except ImportError:
        info["skimage"] = None
    try:
        import cv2

        info["cv2"] = cv2.__version__
    except ImportError:
        info["cv2"] = None
    try:
        g = subprocess.run(["gmic", "version"], capture_output=True, text=True)
        m = re.search(r"Version ([0-9.]+)", re.sub(r"\x1b\[[0-9;]*m", "", g.stdout + g.stderr))
        info["gmic"] = m.group(1) if m else "?"
    except OSError:
        info["gmic"] = None
    return info


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--ntkmc", required=True)
    ap.add_argument("--docs", default="-")
    ap.add_argument("--cv-radius", default="3")
    ap.add_argument("--total-seconds", type=float, default=None)
    ap.add_argument("--repeat-below", default="10")
    ap.add_argument("--have-cv2", type=int, default=1)
    ap.add_argument("--have-gmic", type=int, default=1)
    a = ap.parse_args()
    have = {"cv2": a.have_cv2, "gmic": a.have_gmic, None: 1}

    tasks_txt = os.path.join(a.out, "inputs", "tasks.txt")
    ran = [ln.split() for ln in open(tasks_txt) if ln.strip()]
    results = []
    for name, arch, masked_p, observed_p, _fill in ran:
        _, image, mask, _, goal = common.task(name)
        gt = common.load_image(os.path.join(a.data, image))
        observed = common.load_observed(os.path.join(a.data, mask))
        masked = common.load_image(masked_p)
        task_res = {"task": name, "arch": arch, "goal_db": goal, "size": "%dx%d" % (gt.shape[1], gt.shape[0]),
                    "missing_share": float((~observed).mean()), "methods": {}}
        panels = [label_panel(gt, "ground truth"),
                  label_panel(masked, "input (%.1f%% missing)" % (100 * (~observed).mean()))]
        for mid, mlabel, tool in METHODS:
            r = {"label": mlabel}
            if not have[tool]:
                r["status"] = "not installed"
                task_res["methods"][mid] = r
                continue
            run = read_run(a.out, "%s_%s" % (name, mid))
            outp = os.path.join(a.out, "outputs", "%s_%s.png" % (name, mid))
            if run is None:
                r["status"] = "not run"
            elif run["rc"] != 0 or not os.path.exists(outp):
                r["status"] = "failed (exit %d)" % run["rc"]
                r["error"] = run["log"].strip().splitlines()[-1:] if run["log"].strip() else []
                r.update(wall=run["wall"], rss_mib=run["rss_mib"])
            else:
                raw = common.load_image(outp)
                if raw.shape != gt.shape:
                    r["status"] = "wrong output shape %s" % (raw.shape,)
                else:
                    p_all, p_miss, ssim = common.metrics(raw, gt, observed)
                    r.update(status="ok", psnr_all=p_all, psnr_missing=p_miss, ssim=ssim,
                             wall=run["wall"], rss_mib=run["rss_mib"], runs=run["runs"],
                             unfilled=unfilled_fraction(raw, masked, gt, observed),
                             observed_changed=int((raw[observed] != gt[observed]).sum()))
                    panels.append(label_panel(raw, "%s  %.2f dB" % (mlabel.strip("*"), p_all)))
                if mid == "ntkmc":
                    r.update(parse_ntkmc_log(run["log"]))
            if mid == "ntkmc":
                cold = read_run(a.out, "%s_ntkmc-cold" % name)
                if cold is not None:
                    c = {"rc": cold["rc"], "wall": cold["wall"], "rss_mib": cold["rss_mib"]}
                    c.update(parse_ntkmc_log(cold["log"]))
                    coldp = os.path.join(a.out, "outputs", "%s_ntkmc-cold.png" % name)
                    if cold["rc"] == 0 and os.path.exists(outp) and os.path.exists(coldp):
                        d = np.abs(common.load_image(coldp).astype(int) - common.load_image(outp).astype(int))
                        c["differing_values"] = int((d > 0).sum())
                        c["max_difference"] = int(d.max())
                    r["cold"] = c
            task_res["methods"][mid] = r
        montage(os.path.join(a.out, "montage_%s.png" % name), panels, 3)
        results.append(task_res)

    info = machine_info(a.ntkmc)
    summary = {"machine": info, "cv_radius": a.cv_radius, "total_seconds": a.total_seconds,
               "repeat_below": a.repeat_below, "tasks": results}
    with open(os.path.join(a.out, "results.json"), "w") as f:
        json.dump(summary, f, indent=1)
    md = render(summary)
    with open(os.path.join(a.out, "results.md"), "w") as f:
        f.write(md)
    sys.stdout.write(md)
    all_tasks = sorted(t[0] for t in common.TASKS) == sorted(t["task"] for t in results)
    if a.docs != "-":
        if all_tasks:
            write_docs(a.docs, md)
            sys.stderr.write("bench/inpaint: updated %s\n" % a.docs)
        else:
            sys.stderr.write("bench/inpaint: a subset of the tasks ran: %s left as it was\n" % a.docs)
    return 0


def render(s):
    info = s["machine"]
    tasks = s["tasks"]
    L = []
    L.append("## Image inpainting and reconstruction (bench/inpaint)")
    L.append("")
    L.append("The paper's tasks with ground truth (`shared/data/images`, see its README): large-hole inpainting of "
             "`library` (704x448 RGB, 18.6%% missing) and `vase` (320x320 RGB, 2.7%% missing) with the `large-hole` "
             "network, and reconstruction of 512x512 / 256x256 grey images from 50%% of their pixels "
             "(`random_mask_*_p50_seed0`, i.i.d. per pixel) with the paper's networks. Every method gets the same "
             "input, the image with its missing pixels black, and runs as a process of its own (`/usr/bin/time`: "
             "wall seconds of the whole process, including start-up and PNG I/O, and peak resident memory; a run "
             "under %s s is done three times and the fastest kept, a longer one once). "
             "Scores as in the paper: images in [0, 1], observed pixels set to the ground truth, "
             "PSNR = 10 log10(1/MSE) over all C x H x W values (*all*) and over the missing pixels only "
             "(*missing*); SSIM: scikit-image `structural_similarity` over the whole image (7x7 window, channels "
             "averaged). All scores are of the 8-bit PNG outputs." % s.get("repeat_below"))
    L.append("")
    L.append("Machine: %s, %s, %d cores; ntkmc (%s) with all cores and BLAS %s; scikit-image %s, OpenCV %s, "
             "G'MIC %s (Debian packages). One run of the whole benchmark: %s s."
             % (info.get("uname"), info.get("cpu"), info.get("nproc") or 0, info.get("ntkmc"),
                info.get("blas"), info.get("skimage") or "not installed", info.get("cv2") or "not installed",
                info.get("gmic") or "not installed", fmt(s.get("total_seconds"), ".0f", "?")))
    L.append("")
    L.append("Methods: **ntkmc** `inpaint --inverted-mask --arch A` (defaults otherwise; the cached run: kernel "
             "already computed, see the second table); `skimage.restoration.inpaint_biharmonic` (the paper's "
             "baseline); `cv2.inpaint` with `INPAINT_TELEA` and `INPAINT_NS`, radius %s; G'MIC `inpaint_pde` "
             "(defaults: 75%% scales, Delaunay-guided diffusion, 20 iterations); G'MIC `inpaint [mask],5,15,0.5,1,9,0` "
             "(the patch-based engine that the GUI filter `fx_inpaint_patch` calls; G'MIC 2.9 has no "
             "`inpaint_patch` command; parameters of its manual's example); G'MIC `inpaint_matchpatch` (defaults)."
             % s.get("cv_radius"))
    L.append("")
    L.append("| task | method | PSNR all (dB) | PSNR missing (dB) | SSIM | seconds | peak MiB | notes |")
    L.append("|---|---|---:|---:|---:|---:|---:|---|")
    for t in tasks:
        for mid, r in t["methods"].items():
            notes = []
            if r.get("status") != "ok":
                notes.append("**%s**" % r.get("status"))
                if r.get("error"):
                    notes.append("`%s`" % r["error"][-1][:80].replace("|", "/"))
            else:
                if r.get("unfilled", 0) > 0.9:
                    notes.append("**fails: leaves %.0f%% of the missing pixels unfilled (black)**"
                                 % (100 * r["unfilled"]))
                elif r.get("unfilled", 0) > 0.01:
                    notes.append("%.0f%% of the missing pixels come out black" % (100 * r["unfilled"]))
                if r.get("observed_changed"):
                    notes.append("changed %d observed values (reset for scoring)" % r["observed_changed"])
            if mid == "ntkmc" and r.get("status") == "ok":
                ok = r["psnr_all"] >= t["goal_db"]
                notes.append("goal >= %.1f dB: %s" % (t["goal_db"], "met" if ok else "**missed by %.2f dB**"
                                                      % (t["goal_db"] - r["psnr_all"])))
            if mid == "biharmonic" and r.get("status") == "ok" and t["task"] in common.PAPER_BIHARMONIC:
                notes.append("paper: %.2f dB" % common.PAPER_BIHARMONIC[t["task"]])
            L.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                t["task"], r["label"], fmt(r.get("psnr_all"), ".2f"), fmt(r.get("psnr_missing"), ".2f"),
                fmt(r.get("ssim"), ".4f"), fmt(r.get("wall"), ".2f"), fmt(r.get("rss_mib"), ".0f"),
                "; ".join(notes)))
    L.append("")
    L.append("ntkmc against the goals. *Kernel*: the first run of the task, with an empty kernel cache of "
             "its own (the kernel computation that ntkmc reports, and that run's wall time and peak memory). "
             "*Solve*: the cached run (wall time of the process; ntkmc's own figure for the solve, of the last "
             "run, in brackets). Goals: PSNR all as listed, every solve < %.0f s, and on the large-hole tasks "
             "at most %.0fx the time of G'MIC `inpaint_pde`." % (SOLVE_GOAL_S, PDE_RATIO_GOAL))
    L.append("")
    L.append("| task | arch | kernel s (cold run s, MiB) | solve s | context (as ntkmc reports it) "
             "| PSNR all | goal | solve < %.0f s | vs G'MIC inpaint_pde |" % SOLVE_GOAL_S)
    L.append("|---|---|---|---:|---|---:|---:|---|---|")
    misses = []
    for t in tasks:
        r = t["methods"].get("ntkmc", {})
        c = r.get("cold")
        if c is not None:
            if c.get("rc") == 0:
                kern = "%s (%s, %s)" % (fmt(c.get("kernel_s"), ".2f", "none computed"), fmt(c.get("wall"), ".1f"),
                                        fmt(c.get("rss_mib"), ".0f"))
                if c.get("max_difference", 0) > 1:
                    kern += "; **output differs from the cached run's by up to %d/255**" % c["max_difference"]
            else:
                kern = "**cold run failed (exit %s)**" % c.get("rc")
        else:
            kern = "cold run missing"
        if r.get("status") != "ok":
            L.append("| %s | %s | %s | **%s** | | | %.1f | | |" % (t["task"], t["arch"], kern, r.get("status"),
                                                                   t["goal_db"]))
            misses.append("%s: ntkmc %s" % (t["task"], r.get("status")))
            continue
        psnr_ok = r["psnr_all"] >= t["goal_db"]
        time_ok = r["wall"] < SOLVE_GOAL_S
        if not psnr_ok:
            misses.append("%s: %.2f dB < %.1f dB" % (t["task"], r["psnr_all"], t["goal_db"]))
        if not time_ok:
            misses.append("%s: solve %.1f s >= %.0f s" % (t["task"], r["wall"], SOLVE_GOAL_S))
        ratio_txt = ""
        if t["task"] in common.LARGE_HOLE:
            pde = t["methods"].get("gmic-pde", {})
            if pde.get("status") == "ok":
                ratio = r["wall"] / pde["wall"]
                ok = ratio <= PDE_RATIO_GOAL
                ratio_txt = "%.2f s: %.1fx, %s" % (pde["wall"], ratio, "met" if ok else "**missed**")
                if not ok:
                    misses.append("%s: %.1fx G'MIC inpaint_pde's time" % (t["task"], ratio))
            else:
                ratio_txt = "G'MIC inpaint_pde %s" % pde.get("status", "not run")
        context = ""
        if "context" in r:
            context = "%d px for %d (%s)" % (r["context"], r["filled"], r["context_how"])
        arch = t["arch"]
        if "network" in r:
            arch += " (%s)" % r["network"]
        L.append("| %s | %s | %s | %.2f (%s) | %s | %s | %.1f | %s | %s |" % (
            t["task"], arch, kern, r["wall"], fmt(r.get("solve_s"), ".2f", "?"), context,
            ("%.2f" if psnr_ok else "**%.2f**") % r["psnr_all"], t["goal_db"],
            "met" if time_ok else "**missed**", ratio_txt))
    L.append("")
    diffs = [(t["task"], t["methods"]["ntkmc"]["cold"]) for t in tasks
             if "cold" in t["methods"].get("ntkmc", {}) and "differing_values" in t["methods"]["ntkmc"]["cold"]]
    if diffs:
        L.append("Outputs of the cold and the cached run: " + ", ".join(
            "%s %s" % (n, "identical" if c["differing_values"] == 0 else "%d values differ by up to %d/255"
                       % (c["differing_values"], c["max_difference"])) for n, c in diffs) + ".")
        L.append("")
    checks = []
    for t in tasks:
        b = t["methods"].get("biharmonic", {})
        if t["task"] in common.PAPER_BIHARMONIC and b.get("status") == "ok":
            checks.append("%s %.2f dB (paper %.2f)" % (t["task"], b["psnr_all"], common.PAPER_BIHARMONIC[t["task"]]))
    if checks:
        L.append("Check of the metric and the mask handling: biharmonic gives " + ", ".join(checks) + ".")
        L.append("")
    L.append("Goals missed by ntkmc in this run: " + ("; ".join(misses) if misses else "none") + ".")
    if misses:
        L.append("Why, measured (mask realizations, architecture variants, the exact solve): "
                 "[inpainting.md](inpainting.md#where-the-papers-reconstruction-numbers-are-not-reached).")
    L.append("")
    return "\n".join(L)


def write_docs(path, md):
    try:
        with open(path) as f:
            doc = f.read()
    except FileNotFoundError:
        doc = ""
    block = BEGIN + "\n" + md.rstrip("\n") + "\n\n" + END
    if BEGIN in doc and END in doc and doc.index(BEGIN) < doc.index(END):
        i = doc.index(BEGIN)
        j = doc.index(END) + len(END)
        doc = doc[:i] + block + doc[j:]
    else:
        if doc and not doc.endswith("\n"):
            doc += "\n"
        doc += ("\n" if doc else "") + block + "\n"
    with open(path, "w") as f:
        f.write(doc)


if __name__ == "__main__":
    sys.exit(main())
