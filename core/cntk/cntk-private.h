/* SPDX-License-Identifier: MIT */
/*
 * cntk-private.h: the representation behind NtkmcCntk.
 */
#ifndef NTKMC_CNTK_PRIVATE_H
#define NTKMC_CNTK_PRIVATE_H

#include <ntkmc/ntkmc.h>

typedef enum {
  NTKMC_CNTK_COMPACT,   /* by phase and displacement (fast path) */
  NTKMC_CNTK_FULL       /* an N x N matrix (general path, expansion) */
} NtkmcCntkForm;

struct _NtkmcCntk {
  char *arch;           /* canonical architecture text */
  char *prior;          /* "iid:C1,C2" or "given:<sha256 of Z>" */
  unsigned levels;      /* s */
  NtkmcCntkForm form;

  /* COMPACT: the kernel between a pixel of phase f = (r mod P) P + c mod P
   * and the pixel displaced from it by (dr, dc) (mod bh, bw) is
   *   table[(dr * bw + dc) * P^2 + f],
   * and table[bh * bw * P^2 + f] is the value phase f takes outside its
   * window at larger sizes (the row's minimum).  An axis is "expandable"
   * when its base side is 2^(s+1) and the kernel serves every larger
   * multiple of 2^s (nearest upsampling only, Appendix M); the window is
   * then the displacements [-2^s, 2^s - 1]. */
  size_t period, bw, bh;
  gboolean expand_w, expand_h;
  double *table;        /* from ntkmc_big_alloc() */

  /* FULL: width w, height h, N = w h; full[i + j N] = K(pixel i, pixel j)
   * with pixel index r w + c. */
  size_t w, h;
  double *full;
};

/* A new, empty kernel owning copies of @arch_text and @prior_text. */
NtkmcCntk *ntkmc_cntk_new (const char *arch_text, const char *prior_text,
                           unsigned levels);

/*
 * ntkmc_cntk_compute_stationary: the fast path; with @compact_base FALSE it
 * computes at width x height even when a 2^(s+1) base would serve (tests
 * compare the two).
 */
NtkmcCntk *ntkmc_cntk_compute_stationary (NtkmcContext *ctx,
                                          const NtkmcArch *arch,
                                          const NtkmcIidPrior *prior,
                                          size_t width, size_t height,
                                          gboolean compact_base,
                                          GError **error);

/* "iid:C1,C2" with 17 significant digits. */
char *ntkmc_cntk_iid_prior_text (const NtkmcIidPrior *prior);

#endif
