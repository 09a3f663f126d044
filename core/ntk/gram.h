/* SPDX-License-Identifier: MIT */
/*
 * gram.h: the NTK Gram matrix with options the completion solver needs.
 */
#ifndef NTKMC_NTK_GRAM_H
#define NTKMC_NTK_GRAM_H

#include <ntkmc/ntkmc.h>

/*
 * ntkmc_ntk_gram_ordered:
 * @order: (nullable): n column indices of Z; entry (a, b) of the result is
 *   kappa_d(zn_order[a] . zn_order[b]).  NULL = natural order.
 * @mirror: also write the upper triangle (otherwise only the lower
 *   triangle, diagonal included, is written).
 *
 * Otherwise as ntkmc_ntk_gram(): Z is p x n column-major (NULL = identity
 * prior, p = n); K is n x n column-major with ld @ldk.
 */
gboolean ntkmc_ntk_gram_ordered (NtkmcContext *ctx, const NtkmcNtkOptions *opt,
                                 size_t p, size_t n, const double *z,
                                 size_t ldz, const size_t *order,
                                 double *k, size_t ldk, gboolean mirror,
                                 NtkmcNtkReport *report, GError **error);

/*
 * ntkmc_ntk_normalize: columns order[0..n-1] of Z (p x n, ld @ldz; NULL
 * @order = natural order) scaled to unit norm, the identity weight counted
 * in the norm as ntkmc_ntk_gram() does, into @zn (p x n, ld p).  FALSE with
 * @error for a non-finite entry or a zero-norm column (named by its index in
 * Z, counted from 1).
 */
gboolean ntkmc_ntk_normalize (const NtkmcNtkOptions *opt, size_t p, size_t n,
                              const double *z, size_t ldz,
                              const size_t *order, double *zn,
                              GError **error);

/*
 * ntkmc_ntk_cross: the kernel between two sets of distinct items, K(a, b) =
 * kappa_d(za_a . zb_b), na x nb column-major with ld @ldk >= na, from
 * normalized columns (ntkmc_ntk_normalize(); p x na and p x nb, ld p).
 * The items must differ (the identity-weight term is 0 off the diagonal).
 * @za or @zb NULL: the one-hot prior, every entry kappa_d(0).
 * Work: 2 na nb p flops (dgemm) + na nb evaluations of kappa_d, threaded.
 */
void ntkmc_ntk_cross (NtkmcContext *ctx, const NtkmcNtkOptions *opt,
                      size_t p, size_t na, const double *za, size_t nb,
                      const double *zb, double *k, size_t ldk);

/* Checks an NtkmcNtkOptions (activation, depth >= 1). */
gboolean ntkmc_ntk_options_check (const NtkmcNtkOptions *opt, GError **error);

#endif
