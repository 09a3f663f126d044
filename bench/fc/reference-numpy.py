#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The reference approach to NTK completion with whole columns missing, in
NumPy, as the authors' Python code does it (reference-spec.md 1.3-1.4):
prior X = row-normalize([P, 1.5 I]), G = kappa(clip(X X^T)), then
numpy.linalg.solve on the observed block.  Written from that description for
a side-by-side timing; run by bench-fc, which passes the same data.

usage: reference-numpy.py DIR M N P N_MISS
  DIR/y.bin     N x M float64 (C order): one row per sample (column of Y)
  DIR/z.bin     N x P float64 (C order): one prior row per sample
  DIR/miss.bin  N_MISS uint64: the missing samples
Writes DIR/pred_numpy.bin (N_MISS x M float64) and prints
"seconds S rss_mib R".
"""
import resource
import sys
import time

import numpy as np


def kappa(x):
    """NTK of a 1-hidden-layer ReLU network (the reference's ntk.py)."""
    a = np.arccos(x)
    return (x * (np.pi - a) + np.sqrt(1 - x * x)) / np.pi + x * (np.pi - a) / np.pi


def main():
    d = sys.argv[1]
    m, n, p, n_miss = (int(v) for v in sys.argv[2:6])
    y = np.fromfile(f"{d}/y.bin").reshape(n, m)
    z = np.fromfile(f"{d}/z.bin").reshape(n, p)
    miss = np.fromfile(f"{d}/miss.bin", dtype=np.uint64).astype(np.int64)
    is_miss = np.zeros(n, dtype=bool)
    is_miss[miss] = True
    order = np.concatenate([np.flatnonzero(~is_miss), miss])   # observed first
    n_obs = n - n_miss

    t0 = time.perf_counter()
    all_data = y[order].copy()
    all_data[n_obs:] = 0                                       # "SAFETY"
    x = np.hstack([z[order], 1.5 * np.eye(n)])                 # prior.py
    x /= np.linalg.norm(x, axis=1, keepdims=True)              # normalize(axis=1)
    all_data = all_data.T
    g = kappa(np.clip(x @ x.T, -1, 1))
    k_train = g[:n_obs, :n_obs]
    k_test = g[:n_obs, n_obs:n_obs + n_miss]
    pred = np.linalg.solve(k_train, all_data[:, :n_obs].T).T @ k_test
    pred = pred.T                                              # n_miss x m
    seconds = time.perf_counter() - t0

    np.ascontiguousarray(pred).tofile(f"{d}/pred_numpy.bin")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"seconds {seconds:.3f} rss_mib {rss:.0f}")


if __name__ == "__main__":
    main()
