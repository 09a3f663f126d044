/* SPDX-License-Identifier: MIT */
/*
 * gram.c: the fully connected NTK Gram matrix K = kappa_d(Zn^T Zn) of
 * Theorem 1, with Zn the feature prior with unit-norm columns.
 *
 * Cost: p n^2 flops of dgemm panels (BLAS-threaded) for the cosines of the
 * lower triangle, then one threaded pass over it applying kappa_d.
 */
#include "config.h"

#include "ntk/gram.h"

#include "base/context.h"
#include "base/linalg.h"
#include "base/timer.h"
#include "base/dual.h"

#include <math.h>

void
ntkmc_ntk_options_init (NtkmcNtkOptions *opt)
{
  g_return_if_fail (opt != NULL);
  opt->activation.kind = NTKMC_ACT_RELU;
  opt->activation.slope = 0.0;
  opt->depth = 1;
  opt->identity_weight = 0.0;
}

gboolean
ntkmc_ntk_options_check (const NtkmcNtkOptions *opt, GError **error)
{
  if (!ntkmc_activation_check (&opt->activation, error))
    return FALSE;
  if (opt->depth < 1 || opt->depth > 1000)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "network depth %d is out of range (1 to 1000 hidden layers)",
                   opt->depth);
      return FALSE;
    }
  if (!(opt->identity_weight >= 0.0) || !isfinite (opt->identity_weight))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the identity weight must be a finite number >= 0 (got %g)",
                   opt->identity_weight);
      return FALSE;
    }
  return TRUE;
}

/* Copies the columns of Z (in @order) into @zn, scaled to unit norm; with
 * @w > 0 the norm includes a private coordinate of value @w (which is not
 * stored: it contributes only to the diagonal, set exactly elsewhere). */
static gboolean
normalize_columns (size_t p, size_t n, const double *z, size_t ldz,
                   const size_t *order, double w, double *zn, GError **error)
{
  size_t a, r;

  for (a = 0; a < n; a++)
    {
      size_t j = order ? order[a] : a;
      const double *col = z + j * ldz;
      double *dst = zn + a * p;
      double scale = 0.0, ssq = 1.0, norm;

      /* Scaled sum of squares (as LAPACK's dnrm2): no overflow/underflow. */
      for (r = 0; r < p; r++)
        {
          double v = fabs (col[r]);

          if (!isfinite (v))
            {
              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                           "feature prior: entry %zu of item %zu is not a "
                           "finite number (items counted from 1)", r + 1,
                           j + 1);
              return FALSE;
            }
          if (v == 0.0)
            continue;
          if (scale < v)
            {
              ssq = 1.0 + ssq * (scale / v) * (scale / v);
              scale = v;
            }
          else
            ssq += (v / scale) * (v / scale);
        }
      if (w > 0.0)
        {
          /* add w^2 to the scaled sum of squares */
          if (scale < w)
            {
              ssq = 1.0 + ssq * (scale / w) * (scale / w);
              scale = w;
            }
          else
            ssq += (w / scale) * (w / scale);
        }
      norm = scale * sqrt (ssq);
      if (!(norm > 0.0))
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "feature prior: item %zu (counted from 1) has zero "
                       "norm; every item needs a non-zero feature vector",
                       j + 1);
          return FALSE;
        }
      for (r = 0; r < p; r++)
        dst[r] = col[r] / norm;
    }
  return TRUE;
}

/* Lower-triangle transpose copy, in cache-sized tiles. */
static void
mirror_lower (int n_threads, size_t n, double *k, size_t ldk)
{
  const size_t tile = 64;
  long bj;

#pragma omp parallel for schedule(dynamic, 1) num_threads(n_threads)
  for (bj = 0; bj < (long) ((n + tile - 1) / tile); bj++)
    {
      size_t j0 = (size_t) bj * tile, j1 = MIN (n, j0 + tile), i0, i, j;

      for (i0 = j0; i0 < n; i0 += tile)
        {
          size_t i1 = MIN (n, i0 + tile);
          for (i = i0; i < i1; i++)
            for (j = j0; j < MIN (j1, i); j++)
              k[j + i * ldk] = k[i + j * ldk];
        }
    }
}

/*
 * The lower triangle of Zn^T Zn (Zn p x n, ld p) into K, by column panels of
 * dgemm: OpenBLAS's dsyrk runs well below its dgemm rate, and the panels
 * waste only the upper half of each diagonal block (n * PANEL * p flops).
 */
static void
lower_gram (size_t n, size_t p, const double *zn, double *k, size_t ldk)
{
  const size_t panel = 1024;
  size_t j0;

  for (j0 = 0; j0 < n; j0 += panel)
    {
      size_t w = MIN (panel, n - j0);
      ntkmc_linalg_gemm ('T', 'N', n - j0, w, p, 1.0, zn + j0 * p,
                         MAX (p, (size_t) 1), zn + j0 * p,
                         MAX (p, (size_t) 1), 0.0, k + j0 + j0 * ldk, ldk);
    }
}

gboolean
ntkmc_ntk_gram_ordered (NtkmcContext *ctx, const NtkmcNtkOptions *opt,
                        size_t p, size_t n, const double *z, size_t ldz,
                        const size_t *order, double *k, size_t ldk,
                        gboolean mirror, NtkmcNtkReport *report,
                        GError **error)
{
  NtkmcDualCoeffs co;
  NtkmcNtkReport rep = { 0.0, 0.0 };
  double t0, k_one;
  int depth = opt->depth;
  long jj;

  if (!ntkmc_ntk_options_check (opt, error)
      || !ntkmc_linalg_check_dim (n, "number of prior items", error)
      || !ntkmc_linalg_check_dim (p, "prior dimension", error)
      || !ntkmc_linalg_check_dim (ldk, "kernel leading dimension", error))
    return FALSE;
  ntkmc_dual_coeffs (&opt->activation, &co);
  k_one = ntkmc_kappa_eval (&co, depth, 1.0);
  ntkmc_context_enter (ctx);

  if (!ntkmc_context_report (ctx, 0.0, "computing the kernel", error))
    return FALSE;
  t0 = ntkmc_now ();
  if (z == NULL)
    {
      /* One-hot prior: the cosines are 1 on the diagonal and 0 elsewhere. */
      double k0 = ntkmc_kappa_eval (&co, depth, 0.0);

#pragma omp parallel for schedule(static) num_threads(ctx->n_threads)
      for (jj = 0; jj < (long) n; jj++)
        {
          size_t j = (size_t) jj, i;
          double *col = k + j * ldk;

          for (i = mirror ? 0 : j; i < n; i++)
            col[i] = k0;
          col[j] = k_one;
        }
      rep.seconds_map = ntkmc_now () - t0;
    }
  else
    {
      double *zn = g_try_malloc (MAX ((size_t) 1, p * n) * sizeof (double));

      if (zn == NULL)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                       "cannot allocate %zu MiB for the normalized prior",
                       (p * n * sizeof (double)) >> 20);
          return FALSE;
        }
      if (!normalize_columns (p, n, z, ldz, order, opt->identity_weight, zn,
                              error))
        {
          g_free (zn);
          return FALSE;
        }
      lower_gram (n, p, zn, k, ldk);
      g_free (zn);
      rep.seconds_gram = ntkmc_now () - t0;

      /* the map is ~5% of the Gram's time for p ~ 1000 */
      if (!ntkmc_context_report (ctx, 0.95, "applying the kernel map", error))
        return FALSE;
      t0 = ntkmc_now ();
#pragma omp parallel for schedule(dynamic, 16) num_threads(ctx->n_threads)
      for (jj = 0; jj < (long) n; jj++)
        {
          size_t j = (size_t) jj, i;
          double *col = k + j * ldk;

          /* The diagonal cosine is 1 by construction; rounding in the product
           * would put it at 1 - O(eps), where kappa's sqrt(1 - xi^2) term
           * amplifies the error to O(sqrt(eps)).  Use the exact value. */
          col[j] = k_one;
          if (depth == 1)
            for (i = j + 1; i < n; i++)
              col[i] = ntkmc_kappa_eval (&co, 1, col[i]);
          else
            for (i = j + 1; i < n; i++)
              col[i] = ntkmc_kappa_eval (&co, depth, col[i]);
        }
      if (mirror)
        mirror_lower (ctx->n_threads, n, k, ldk);
      rep.seconds_map = ntkmc_now () - t0;
    }
  if (report != NULL)
    *report = rep;
  return TRUE;
}

gboolean
ntkmc_ntk_normalize (const NtkmcNtkOptions *opt, size_t p, size_t n,
                     const double *z, size_t ldz, const size_t *order,
                     double *zn, GError **error)
{
  return normalize_columns (p, n, z, ldz, order, opt->identity_weight, zn,
                            error);
}

void
ntkmc_ntk_cross (NtkmcContext *ctx, const NtkmcNtkOptions *opt, size_t p,
                 size_t na, const double *za, size_t nb, const double *zb,
                 double *k, size_t ldk)
{
  NtkmcDualCoeffs co;
  int depth = opt->depth;
  long jj;

  ntkmc_dual_coeffs (&opt->activation, &co);
  if (za == NULL || zb == NULL)
    {
      /* one-hot prior: distinct items are orthogonal */
      double k0 = ntkmc_kappa_eval (&co, depth, 0.0);

#pragma omp parallel for schedule(static) num_threads(ctx->n_threads)
      for (jj = 0; jj < (long) nb; jj++)
        {
          size_t i;
          for (i = 0; i < na; i++)
            k[i + (size_t) jj * ldk] = k0;
        }
      return;
    }
  if (na == 0 || nb == 0)
    return;
  ntkmc_linalg_gemm ('T', 'N', na, nb, p, 1.0, za, MAX (p, (size_t) 1), zb,
                     MAX (p, (size_t) 1), 0.0, k, ldk);
#pragma omp parallel for schedule(static) num_threads(ctx->n_threads)
  for (jj = 0; jj < (long) nb; jj++)
    {
      double *col = k + (size_t) jj * ldk;
      size_t i;

      if (depth == 1)
        for (i = 0; i < na; i++)
          col[i] = ntkmc_kappa_eval (&co, 1, col[i]);
      else
        for (i = 0; i < na; i++)
          col[i] = ntkmc_kappa_eval (&co, depth, col[i]);
    }
}

gboolean
ntkmc_ntk_gram (NtkmcContext *ctx, const NtkmcNtkOptions *opt, size_t p,
                size_t n, const double *z, size_t ldz, double *k, size_t ldk,
                NtkmcNtkReport *report, GError **error)
{
  g_return_val_if_fail (ctx != NULL && opt != NULL && k != NULL, FALSE);
  g_return_val_if_fail (ldk >= n, FALSE);
  g_return_val_if_fail (z == NULL || ldz >= p, FALSE);
  if (z == NULL && p != n)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the one-hot prior needs p = n (got p = %zu, n = %zu)", p,
                   n);
      return FALSE;
    }
  return ntkmc_ntk_gram_ordered (ctx, opt, p, n, z, ldz, NULL, k, ldk, TRUE,
                                 report, error);
}
