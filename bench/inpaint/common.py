"""Shared definitions of bench/inpaint: the tasks, image loading, metrics.

Conventions (the paper's): images are scaled to [0, 1]; a method's output
has its observed pixels replaced by the ground truth before scoring; PSNR is
10 log10(1 / MSE) with the MSE taken over all C*H*W values ("all") or over
the C values of every missing pixel only ("missing"); SSIM is scikit-image's
structural_similarity over the whole image (data_range 1, 7x7 uniform
window, channels averaged for RGB).
"""

import math
import os

import numpy as np
from PIL import Image

# name, image, mask (255 = observed), ntkmc architecture, goal (dB, PSNR all).
# "auto" is what a user gets without --arch (the network chosen from the
# holes' depth); barbara keeps the paper's 2 levels (recon2); peppers uses
# recon6, measured better than the paper's 5-level bilinear (recon5b).
TASKS = [
    ("library", "library.png", "library_mask.png", "auto", 21.8),
    ("vase", "vase.png", "vase_mask.png", "auto", 31.8),
    ("barbara", "barbara_GT.png", "random_mask_512x512_p50_seed0.png", "recon2", 26.6),
    ("boat", "boat_GT.png", "random_mask_512x512_p50_seed0.png", "recon6", 32.0),
    ("lena", "Lena512_GT.png", "random_mask_512x512_p50_seed0.png", "recon6", 35.0),
    ("house", "house_GT.png", "random_mask_256x256_p50_seed0.png", "recon6", 36.1),
    ("peppers", "peppers256_GT.png", "random_mask_256x256_p50_seed0.png", "recon6", 32.3),
]

# the paper's biharmonic numbers, used to validate metric and mask handling
PAPER_BIHARMONIC = {"library": 17.71, "vase": 28.96}

# tasks whose time goal is relative to G'MIC inpaint_pde
LARGE_HOLE = ("library", "vase")


def task(name):
    for t in TASKS:
        if t[0] == name:
            return t
    raise KeyError(name)


def load_image(path):
    """uint8 array, H x W (grey) or H x W x 3 (RGB)."""
    im = Image.open(path)
    if im.mode not in ("L", "RGB"):
        im = im.convert("RGB" if len(im.getbands()) >= 3 else "L")
    return np.asarray(im).copy()


def load_observed(path):
    """Boolean H x W array, True where the pixel is observed (255)."""
    return np.asarray(Image.open(path).convert("L")) >= 128


def save_image(path, arr):
    Image.fromarray(np.asarray(arr, dtype=np.uint8)).save(path)


def keep_observed(out, gt, observed):
    """out with the observed pixels set to the ground truth (uint8)."""
    out = np.array(out, copy=True)
    out[observed] = gt[observed]
    return out


def psnr(mse):
    return float("inf") if mse <= 0 else 10.0 * math.log10(1.0 / mse)


def metrics(out, gt, observed):
    """Returns (psnr_all, psnr_missing, ssim) for uint8 images."""
    from skimage.metrics import structural_similarity

    if out.shape != gt.shape:
        raise ValueError("output shape %s differs from ground truth %s" % (out.shape, gt.shape))
    x = keep_observed(out, gt, observed).astype(np.float64) / 255.0
    y = gt.astype(np.float64) / 255.0
    d2 = (x - y) ** 2
    missing = ~observed
    p_all = psnr(d2.mean())
    p_miss = psnr(d2[missing].mean())
    if x.ndim == 3:
        s = structural_similarity(x, y, data_range=1.0, channel_axis=-1)
    else:
        s = structural_similarity(x, y, data_range=1.0)
    return p_all, p_miss, float(s)


def data_dir(default=None):
    d = os.environ.get("NTKMC_BENCH_DATA") or default
    if not d:
        here = os.path.dirname(os.path.abspath(__file__))
        d = os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "data", "images"))
    return d
