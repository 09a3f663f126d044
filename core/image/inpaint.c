/* SPDX-License-Identifier: MIT */
/*
 * inpaint.c: image completion with a convolutional NTK, ntkmc_inpaint().
 *
 * Kernel regression over pixels: with S the observed pixels used as context
 * and U the missing ones, every channel is predicted as
 *
 *   y_U = K(U, S) (K(S, S) + lambda I)^-1 y_S,  lambda = ridge * mean diag K,
 *
 * all channels sharing one Cholesky factorization (one right-hand side per
 * channel).  The ridge is not optional: kernels of networks that end with
 * nearest upsampling and a convolution are exactly singular on large holes
 * (reference-spec.md 3.6).  The context S is the observed pixels within a
 * Chebyshev distance R of a missing pixel: the kernel's structure makes far
 * pixels interact through a constant only, and the dense system stays small;
 * R = -1 uses every observed pixel (the exact full solve).
 *
 * Images the kernel does not serve are padded at the bottom and right to the
 * next size it does; padded pixels are neither context nor predicted.
 */
#include "config.h"

#include "base/context.h"
#include "base/linalg.h"
#include "base/memory.h"
#include "base/timer.h"

#include <float.h>
#include <math.h>
#include <string.h>

void
ntkmc_inpaint_options_init (NtkmcInpaintOptions *opt)
{
  g_return_if_fail (opt != NULL);
  opt->ridge = 4e-5;
  opt->radius = 0;
  opt->max_system = 12000;
}

/* The smallest (by area) size >= width x height that the kernel serves,
 * among multiples of 2^levels up to about twice each side; FALSE if none. */
static gboolean
padded_size (const NtkmcCntk *k, size_t width, size_t height, unsigned levels,
             size_t *pw, size_t *ph)
{
  size_t unit = (size_t) 1 << levels, w, h, best = 0;

  for (w = (width + unit - 1) / unit * unit; w <= 2 * width + 2 * unit;
       w += unit)
    for (h = (height + unit - 1) / unit * unit; h <= 2 * height + 2 * unit;
         h += unit)
      if ((best == 0 || w * h < best) && ntkmc_cntk_check_size (k, w, h, NULL))
        {
          best = w * h;
          *pw = w;
          *ph = h;
        }
  return best != 0;
}

/* Marks the observed pixels within Chebyshev distance @radius of a missing
 * pixel (separable dilation of the missing set); returns their count. */
static size_t
context_set (size_t w, size_t h, const guint8 *missing, long radius,
             guint8 *ctx_mask)
{
  guint8 *rowdil = g_new0 (guint8, w * h);
  size_t r, c, count = 0;

  for (r = 0; r < h; r++)
    {
      long last = -1000000000L;   /* last missing column seen, scanning */
      for (c = 0; c < w; c++)
        {
          if (missing[r * w + c])
            last = (long) c;
          rowdil[r * w + c] = (long) c - last <= radius;
        }
      last = 2000000000L;
      for (c = w; c-- > 0;)
        {
          if (missing[r * w + c])
            last = (long) c;
          if (last - (long) c <= radius)
            rowdil[r * w + c] = 1;
        }
    }
  for (c = 0; c < w; c++)
    {
      long last = -1000000000L;
      for (r = 0; r < h; r++)
        {
          if (rowdil[r * w + c])
            last = (long) r;
          ctx_mask[r * w + c] = (long) r - last <= radius;
        }
      last = 2000000000L;
      for (r = h; r-- > 0;)
        {
          if (rowdil[r * w + c])
            last = (long) r;
          if (last - (long) r <= radius)
            ctx_mask[r * w + c] = 1;
        }
    }
  for (r = 0; r < w * h; r++)
    {
      ctx_mask[r] = ctx_mask[r] && !missing[r];
      count += ctx_mask[r];
    }
  g_free (rowdil);
  return count;
}

NtkmcImage *
ntkmc_inpaint (NtkmcContext *ctx, const NtkmcCntk *k,
               const NtkmcInpaintOptions *opt, const NtkmcImage *image,
               const guint8 *missing, NtkmcInpaintReport *report,
               GError **error)
{
  NtkmcInpaintOptions defaults;
  NtkmcInpaintReport rep = { 0 };
  NtkmcImage *out = NULL;
  size_t w, h, pw, ph, n_miss = 0, n_u = 0, n_ctx, i, a, ch;
  unsigned nc, levels = 0;
  long radius;
  guint8 *ctx_mask = NULL, *pmiss = NULL;
  size_t *s_idx = NULL, *u_idx = NULL;
  double *kss = NULL, *kus = NULL, *rhs = NULL, *pred = NULL, t0;
  gboolean ok = FALSE;

  g_return_val_if_fail (ctx != NULL && k != NULL && image != NULL
                        && missing != NULL, NULL);
  if (opt == NULL)
    {
      ntkmc_inpaint_options_init (&defaults);
      opt = &defaults;
    }
  if (!(opt->ridge >= 0) || !isfinite (opt->ridge) || opt->radius < -1)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "bad inpainting options: the ridge must be >= 0 and the "
                   "radius -1 (all pixels), 0 (automatic) or positive");
      return NULL;
    }
  w = ntkmc_image_get_width (image);
  h = ntkmc_image_get_height (image);
  nc = ntkmc_image_get_n_channels (image);
  for (i = 0; i < w * h; i++)
    n_miss += missing[i] != 0;
  if (n_miss == 0 || n_miss == w * h)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   n_miss == 0 ? "the mask marks no pixel as missing: there "
                                 "is nothing to fill"
                               : "the mask marks every pixel as missing: "
                                 "there is nothing to fill it from");
      return NULL;
    }

  /* the padded size the kernel serves */
  {
    g_autoptr (NtkmcArch) arch = ntkmc_arch_parse (ntkmc_cntk_peek_arch (k),
                                                   NULL);
    levels = arch ? ntkmc_arch_get_levels (arch) : 0;
  }
  pw = w;
  ph = h;
  if (!ntkmc_cntk_check_size (k, w, h, NULL))
    {
      if (!padded_size (k, w, h, levels, &pw, &ph))
        {
          GError *why = NULL;
          ntkmc_cntk_check_size (k, w, h, &why);
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH,
                       "a %zu x %zu image cannot be padded to a size this "
                       "kernel serves: %s", w, h, why->message);
          g_error_free (why);
          return NULL;
        }
    }
  rep.padded_width = pw;
  rep.padded_height = ph;

  /* the missing mask on the padded grid; padding is neither observed nor
   * predicted (ctx_mask excludes it below) */
  pmiss = g_new0 (guint8, pw * ph);
  for (i = 0; i < w * h; i++)
    pmiss[(i / w) * pw + i % w] = missing[i] != 0;
  ctx_mask = g_new0 (guint8, pw * ph);

  /* the context radius: the largest that keeps the system within bounds */
  radius = opt->radius;
  if (radius == 0)
    {
      long cand = (long) MAX (pw, ph);
      for (; cand >= 1; cand /= 2)
        {
          n_ctx = context_set (pw, ph, pmiss, cand, ctx_mask);
          /* drop padding from the count */
          for (i = 0; i < pw * ph; i++)
            if (ctx_mask[i] && ((i % pw) >= w || (i / pw) >= h))
              n_ctx--;
          if (n_ctx <= opt->max_system)
            break;
        }
      radius = MAX (cand, 1);
    }
  else if (radius == -1)
    radius = (long) (pw + ph);
  context_set (pw, ph, pmiss, radius, ctx_mask);
  for (i = 0; i < pw * ph; i++)
    if ((i % pw) >= w || (i / pw) >= h)
      ctx_mask[i] = 0;
  s_idx = g_new (size_t, pw * ph);
  u_idx = g_new (size_t, n_miss);
  n_ctx = 0;
  for (i = 0; i < pw * ph; i++)
    {
      if (ctx_mask[i])
        s_idx[n_ctx++] = i;
      else if (pmiss[i])
        u_idx[n_u++] = i;
    }
  g_assert (n_u == n_miss);
  rep.radius = (size_t) radius;
  rep.n_context = n_ctx;
  rep.n_missing = n_miss;
  if (n_ctx == 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "no observed pixel lies within %ld pixels of the hole",
                   radius);
      goto out;
    }
  if (!ntkmc_linalg_check_dim (n_ctx, "context size", error))
    goto out;

  ntkmc_context_enter (ctx);
  if (!ntkmc_context_report (ctx, 0.0, "gathering the kernel", error))
    goto out;
  kss = ntkmc_big_alloc (n_ctx * n_ctx, sizeof (double), "the kernel system",
                         error);
  if (kss == NULL)
    goto out;
  t0 = ntkmc_now ();
  ntkmc_cntk_gather (ctx, k, pw, ph, n_ctx, s_idx, n_ctx, s_idx, kss, n_ctx);
  rep.seconds_kernel = ntkmc_now () - t0;

  /* ridge relative to the mean diagonal (the paper's epsilon tr(K) / n) */
  {
    double tr = 0, lambda, anorm, rcond = 0;
    int info;
    for (a = 0; a < n_ctx; a++)
      tr += kss[a + a * n_ctx];
    lambda = opt->ridge * tr / (double) n_ctx;
    for (a = 0; a < n_ctx; a++)
      kss[a + a * n_ctx] += lambda;
    rep.lambda = lambda;
    if (!ntkmc_context_report (ctx, 0.2, "factorizing", error))
      goto out;
    t0 = ntkmc_now ();
    anorm = ntkmc_linalg_lansy_one ('L', n_ctx, kss, n_ctx);
    info = ntkmc_linalg_potrf ('L', n_ctx, kss, n_ctx);
    if (info == 0)
      ntkmc_linalg_pocon ('L', n_ctx, kss, n_ctx, anorm, &rcond);
    rep.seconds_factor = ntkmc_now () - t0;
    rep.rcond = rcond;
    if (info != 0 || !(rcond >= (double) n_ctx * DBL_EPSILON))
      {
        g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_NOT_SPD,
                     "the kernel over %zu context pixels is numerically "
                     "singular (%s); raise the ridge (now %g x the mean "
                     "diagonal)", n_ctx,
                     info != 0 ? "Cholesky failed" : "tiny condition number",
                     opt->ridge);
        goto out;
      }
  }

  /* right-hand sides: the observed values of every channel */
  out = ntkmc_image_copy (image);
  rhs = g_new (double, n_ctx * nc);
  for (ch = 0; ch < nc; ch++)
    {
      const double *plane = ntkmc_image_peek_plane (out, ch);
      for (a = 0; a < n_ctx; a++)
        {
          size_t p = s_idx[a];
          rhs[a + ch * n_ctx] = plane[(p / pw) * w + p % pw];
        }
    }
  if (!ntkmc_context_report (ctx, 0.6, "solving", error))
    goto out;
  t0 = ntkmc_now ();
  ntkmc_linalg_trsm ('L', 'L', 'N', 'N', n_ctx, nc, 1.0, kss, n_ctx, rhs,
                     n_ctx);
  ntkmc_linalg_trsm ('L', 'L', 'T', 'N', n_ctx, nc, 1.0, kss, n_ctx, rhs,
                     n_ctx);
  ntkmc_big_free (kss);
  kss = NULL;

  /* predictions, in blocks of missing pixels: K(U_b, S) alpha */
  if (!ntkmc_context_report (ctx, 0.7, "predicting", error))
    goto out;
  {
    const size_t block = 2048;
    size_t b0;
    kus = ntkmc_big_alloc (block * n_ctx, sizeof (double), "a kernel block",
                           error);
    pred = g_new (double, block * nc);
    if (kus == NULL)
      goto out;
    for (b0 = 0; b0 < n_miss; b0 += block)
      {
        size_t nb = MIN (block, n_miss - b0);
        ntkmc_cntk_gather (ctx, k, pw, ph, nb, u_idx + b0, n_ctx, s_idx, kus,
                           nb);
        ntkmc_linalg_gemm ('N', 'N', nb, nc, n_ctx, 1.0, kus, nb, rhs, n_ctx,
                           0.0, pred, nb);
        for (ch = 0; ch < nc; ch++)
          {
            double *plane = ntkmc_image_peek_plane (out, ch);
            for (a = 0; a < nb; a++)
              {
                size_t p = u_idx[b0 + a];
                plane[(p / pw) * w + p % pw] = pred[a + ch * nb];
              }
          }
        if (!ntkmc_context_report (ctx, 0.7 + 0.3 * (double) (b0 + nb)
                                            / (double) n_miss,
                                   "predicting", error))
          goto out;
      }
  }
  rep.seconds_solve = ntkmc_now () - t0;
  ok = TRUE;

out:
  ntkmc_big_free (kss);
  ntkmc_big_free (kus);
  g_free (pred);
  g_free (rhs);
  g_free (s_idx);
  g_free (u_idx);
  g_free (ctx_mask);
  g_free (pmiss);
  if (!ok)
    {
      ntkmc_image_free (out);
      out = NULL;
    }
  if (report != NULL)
    *report = rep;
  return out;
}
