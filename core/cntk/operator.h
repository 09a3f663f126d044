/* SPDX-License-Identifier: MIT */
/*
 * operator.h: the kernel as a linear operator over an image, for the
 * iterative solvers: y = K x without ever forming a kernel matrix.
 */
#ifndef NTKMC_CNTK_OPERATOR_H
#define NTKMC_CNTK_OPERATOR_H

#include <ntkmc/ntkmc.h>

typedef struct _NtkmcCntkOp NtkmcCntkOp;

/*
 * ntkmc_cntk_op_new: an operator for @k over width x height images (a size
 * ntkmc_cntk_check_size() accepts) with @nrhs right-hand sides.  Memory:
 * (width + window) x (height + window) x nrhs doubles plus a rearranged
 * copy of the kernel's table; never N^2.
 */
NtkmcCntkOp *ntkmc_cntk_op_new (NtkmcContext *ctx, const NtkmcCntk *k,
                                size_t width, size_t height, unsigned nrhs,
                                GError **error);
void ntkmc_cntk_op_free (NtkmcCntkOp *op);

/*
 * ntkmc_cntk_op_apply: y = K x for every right-hand side.
 * @x: width x height x nrhs, pixel-major per right-hand side (x[p + N j],
 *   p = r width + c, N = width height); pixels outside the set the caller
 *   solves over hold zero.
 * @y: (out): same layout; y[p + N j] = sum_q K(p, q) x[q + N j] for every
 *   pixel p.
 * Work: N x window x nrhs multiply-adds (window = the kernel row's
 * non-constant part: 2^(s+1) squared for nearest-upsampling networks),
 * threaded over phase rows.
 */
void ntkmc_cntk_op_apply (NtkmcContext *ctx, NtkmcCntkOp *op,
                          const double *x, double *y);

/* K(rows, cols) into @out (n_rows x n_cols, column-major, ld @ld), as
 * ntkmc_cntk_gather() for the operator's image size. */
void ntkmc_cntk_op_gather (NtkmcContext *ctx, const NtkmcCntkOp *op,
                           size_t n_rows, const size_t *rows, size_t n_cols,
                           const size_t *cols, double *out, size_t ld);

/* K(p, p) for pixel p. */
double ntkmc_cntk_op_diag (const NtkmcCntkOp *op, size_t p);

#endif
