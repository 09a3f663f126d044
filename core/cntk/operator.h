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

/*
 * NtkmcCntkRows: the kernel's windows rearranged pixel-major (every phase's
 * window contiguous, in displacement order), for gathers of blocks over
 * nearby pixels: a block's entries then come from a few contiguous runs
 * instead of one cache line each.  Memory: a copy of the table.
 *
 * ntkmc_cntk_rows_new: NULL without an error for kernels in full form (use
 * ntkmc_cntk_gather() for those).
 * ntkmc_cntk_rows_gather: as ntkmc_cntk_gather() (same layout, same values:
 * the kernel is symmetric and the block is read column by column from each
 * column pixel's window).
 */
typedef struct _NtkmcCntkRows NtkmcCntkRows;

NtkmcCntkRows *ntkmc_cntk_rows_new (NtkmcContext *ctx, const NtkmcCntk *k,
                                    size_t width, size_t height,
                                    GError **error);
void ntkmc_cntk_rows_gather (NtkmcContext *ctx, const NtkmcCntkRows *rw,
                             size_t n_rows, const size_t *rows,
                             size_t n_cols, const size_t *cols, double *out,
                             size_t ld);
void ntkmc_cntk_rows_free (NtkmcCntkRows *rw);

#endif
