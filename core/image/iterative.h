/* SPDX-License-Identifier: MIT */
/*
 * iterative.h: iterative kernel-regression solvers over image pixels.
 */
#ifndef NTKMC_IMAGE_ITERATIVE_H
#define NTKMC_IMAGE_ITERATIVE_H

#include <ntkmc/ntkmc.h>

#include "cntk/operator.h"

/*
 * ntkmc_iterative_solve: solves (K_SS + lambda I) alpha = b.
 * @op: the kernel operator over the (padded) image of @n_grid pixels,
 *   @width per row, made for @nrhs right-hand sides.
 * @s_idx: the @n_s pixels of S (grid indices, increasing).
 * @b: n_s x nrhs, column-major (column j: right-hand side j over S).
 * @solver: NTKMC_SOLVER_CG (conjugate gradients, preconditioned by tiles + Nystrom) or
 *   NTKMC_SOLVER_EIGENPRO (full-batch EigenPro: Richardson iteration
 *   preconditioned by the top eigensystem of a subsample's kernel).
 * @max_iters: iteration cap (> 0); @tol: stop when every column's residual
 *   ||(K + lambda I) alpha - b|| / ||b|| is below it.
 * @alpha: (out): n_s x nrhs.
 * @iters, @resid: (out): iterations done and the largest relative residual.
 * Progress is reported over the caller's range, one step per iteration.
 * Returns: FALSE with @error on cancellation (or divergence).
 */
gboolean ntkmc_iterative_solve (NtkmcContext *ctx, NtkmcCntkOp *op,
                                size_t width, size_t n_grid,
                                const size_t *s_idx,
                                size_t n_s, unsigned nrhs, const double *b,
                                double lambda, NtkmcSolver solver,
                                size_t max_iters, double tol, double *alpha,
                                size_t *iters, double *resid,
                                GError **error);

#endif
