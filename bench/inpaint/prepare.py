#!/usr/bin/env python3
"""Prepares the inputs of bench/inpaint: for every task, the image with its
missing pixels set to black (the only input every method gets, so that no
method can see the ground truth), the mask as given (255 = observed, for
ntkmc --inverted-mask) and the inverted mask (255 = to fill, for OpenCV and
G'MIC).  Prints one line per task for the driver:
    name arch masked.png observed.png fill.png
Usage: prepare.py DATA_DIR OUT_DIR [TASK...]
"""

import os
import sys

import numpy as np

import common


def main(argv):
    if len(argv) < 3:
        sys.stderr.write(__doc__)
        return 2
    data, out = argv[1], argv[2]
    names = argv[3:] or [t[0] for t in common.TASKS]
    os.makedirs(out, exist_ok=True)
    for name in names:
        _, image, mask, arch, _ = common.task(name)
        gt = common.load_image(os.path.join(data, image))
        observed = common.load_observed(os.path.join(data, mask))
        if observed.shape != gt.shape[:2]:
            raise SystemExit("%s: mask %s does not match image %s" % (name, observed.shape, gt.shape))
        masked = gt.copy()
        masked[~observed] = 0
        paths = [os.path.join(out, "%s_%s.png" % (name, k)) for k in ("masked", "observed", "fill")]
        common.save_image(paths[0], masked)
        common.save_image(paths[1], np.where(observed, 255, 0))
        common.save_image(paths[2], np.where(observed, 0, 255))
        print(name, arch, *paths)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
