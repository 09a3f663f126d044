/* SPDX-License-Identifier: MIT */
/*
 * dual.h: inline evaluation of dual activations and kappa_d for the hot
 * element-wise loops (see dual.c for the derivation).
 */
#ifndef NTKMC_BASE_DUAL_H
#define NTKMC_BASE_DUAL_H

#include <math.h>
#include <ntkmc/ntkmc.h>

/* dual(xi) = lin * xi + abs * (sqrt(1 - xi^2) + xi asin xi);
 * dual'(xi) = lin + abs * asin xi. */
typedef struct {
  double lin;
  double abs;
} NtkmcDualCoeffs;

void ntkmc_dual_coeffs (const NtkmcActivation *act, NtkmcDualCoeffs *co);

/* Returns TRUE when @act is usable; sets NTKMC_ERROR_INVALID otherwise. */
gboolean ntkmc_activation_check (const NtkmcActivation *act, GError **error);

static inline double
ntkmc_clamp_cosine (double xi)
{
  return xi > 1.0 ? 1.0 : (xi < -1.0 ? -1.0 : xi);
}

static inline double
ntkmc_dual_eval (const NtkmcDualCoeffs *co, double xi)
{
  xi = ntkmc_clamp_cosine (xi);
  if (co->abs == 0.0)
    return co->lin * xi;
  return co->lin * xi + co->abs * (sqrt (1.0 - xi * xi) + xi * asin (xi));
}

static inline double
ntkmc_dual_deriv_eval (const NtkmcDualCoeffs *co, double xi)
{
  xi = ntkmc_clamp_cosine (xi);
  if (co->abs == 0.0)
    return co->lin;
  return co->lin + co->abs * asin (xi);
}

/* kappa_d(xi) (Theorem 1): one asin and one sqrt per layer. */
static inline double
ntkmc_kappa_eval (const NtkmcDualCoeffs *co, int depth, double xi)
{
  double s = ntkmc_clamp_cosine (xi);   /* dual^(h-1)(xi) */
  double k = s;                         /* kappa_(h-1)(xi) */
  int h;

  for (h = 1; h <= depth; h++)
    {
      double as = asin (s);
      double next = co->lin * s + co->abs * (sqrt (1.0 - s * s) + s * as);
      double deriv = co->lin + co->abs * as;

      k = next + k * deriv;
      s = ntkmc_clamp_cosine (next);
    }
  return k;
}

#endif
