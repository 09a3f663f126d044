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

/* Checks an NtkmcNtkOptions (activation, depth >= 1). */
gboolean ntkmc_ntk_options_check (const NtkmcNtkOptions *opt, GError **error);

#endif
