#!/usr/bin/env python3
"""Runs one Python baseline on one image, as a process of its own (the
driver measures its wall time and peak memory with /usr/bin/time).
Usage: baseline.py METHOD MASKED.png FILL.png OUT.png [RADIUS]
METHOD: biharmonic (skimage.restoration.inpaint_biharmonic, the paper's
baseline), telea or ns (cv2.inpaint with INPAINT_TELEA / INPAINT_NS and
RADIUS, default 3).  FILL.png is 255 where pixels are missing.
Prints the seconds spent in the algorithm alone (no imports, no I/O).
"""

import sys
import time

import numpy as np
from PIL import Image


def main(argv):
    if len(argv) < 5:
        sys.stderr.write(__doc__)
        return 2
    method, src, fill, out = argv[1:5]
    radius = float(argv[5]) if len(argv) > 5 else 3.0
    img = np.asarray(Image.open(src))
    hole = np.asarray(Image.open(fill).convert("L")) >= 128
    if method == "biharmonic":
        from skimage.restoration import inpaint_biharmonic

        x = img.astype(np.float64) / 255.0
        t0 = time.perf_counter()
        if x.ndim == 3:
            y = inpaint_biharmonic(x, hole, channel_axis=-1)
        else:
            y = inpaint_biharmonic(x, hole)
        dt = time.perf_counter() - t0
        res = np.clip(np.rint(y * 255.0), 0, 255).astype(np.uint8)
    elif method in ("telea", "ns"):
        import cv2

        flag = cv2.INPAINT_TELEA if method == "telea" else cv2.INPAINT_NS
        m = hole.astype(np.uint8) * 255
        t0 = time.perf_counter()
        res = cv2.inpaint(np.ascontiguousarray(img), m, radius, flag)
        dt = time.perf_counter() - t0
    else:
        sys.stderr.write("unknown method %s\n" % method)
        return 2
    Image.fromarray(res).save(out)
    print("algorithm_seconds %.4f" % dt)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
