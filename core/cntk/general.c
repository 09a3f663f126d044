/* SPDX-License-Identifier: MIT */
/*
 * general.c: the general path of the CNTK, ntkmc_cntk_compute_general():
 * the reference recursion (reference-spec.md 3.2-3.4) on full N x N tensors,
 * for any architecture (the reference's non-circular bilinear included) and
 * any feature prior.
 *
 * A tensor at resolution w x h (N = w h) is stored column-major as
 * T[i + j N] = T(pixel i, pixel j), pixel index r w + c.  The recursion:
 *
 *   Sigma_0     Z^T Z (one dgemm), or c1 on the diagonal and c2 elsewhere;
 *   patch sum   P[T](p, p') = sum_{d in D_q} T(p + d, p' + d), indices
 *               circular per axis; D_q is a product set, so P = P_rows P_cols
 *               (two passes of q terms instead of one of q^2);
 *   dual step   Lambda = P[T_in], n(p) = Lambda(p, p),
 *               S = sqrt(n n') dual(Lambda / sqrt(n n')) / q^2,
 *               Sdot = dual'(Lambda / sqrt(n n')) / q^2 (0 where n n' = 0);
 *   first conv  Theta = Lambda = P[Sigma_0] (no 1/q^2), then the dual step;
 *   later conv  Theta <- P[S + Sdot * Theta], then the dual step on T_in = S
 *               (the last conv stops after Theta);
 *   resampling  T'(p, p') = sum_a sum_b w_a(p) w_b(p') T(u_a(p), u_b(p'))
 *               applied to S, Sdot and Theta alike, with one source pixel of
 *               weight 1 (down: 2p; nearest up: p / 2) or four (bilinear).
 *
 * Every step keeps the tensors exactly symmetric: the patch sums and pointwise
 * maps do so by construction, the Gram and the resampling compute the lower
 * triangle and mirror it.
 *
 * Cost, per convolution at N pixels: two patch sums (Theta and Lambda) of
 * 2 q N^2 additions each and N^2 dual evaluations (one asin, one sqrt); per
 * resampling 3 N_out^2 / 2 entries of 1 or 16 terms.  Memory: four N^2
 * tensors at the input resolution (S, Sdot, Theta and a scratch), so
 * N is capped at 20066 pixels (12 GiB); the z prior adds one dgemm of
 * channels N^2 flops.
 */
#include "config.h"

#include "base/context.h"
#include "base/linalg.h"
#include "base/memory.h"
#include "cntk/arch.h"
#include "cntk/cntk-private.h"
#include "base/dual.h"

#include <math.h>
#include <string.h>

/* The four working tensors together may take at most this many bytes. */
#define GENERAL_MAX_BYTES ((size_t) 12 << 30)
#define GENERAL_N_TENSORS 4

/* Largest N with GENERAL_N_TENSORS N^2 doubles within GENERAL_MAX_BYTES. */
static size_t
max_pixels (void)
{
  return (size_t) floor (sqrt ((double) GENERAL_MAX_BYTES
                               / (GENERAL_N_TENSORS * sizeof (double))));
}

/* Copies the lower triangle of the n x n @t onto its upper triangle. */
static void
mirror_lower (int n_threads, size_t n, double *t)
{
  long jj;

#pragma omp parallel for schedule(dynamic, 16) num_threads(n_threads)
  for (jj = 0; jj < (long) n; jj++)
    {
      size_t j = (size_t) jj, i;
      for (i = j + 1; i < n; i++)
        t[j + i * n] = t[i + j * n];
    }
}

/* ------------------------------------------------------------ patch sum */

/* (x + d) mod size for a possibly negative, possibly large offset d. */
static size_t
circ (size_t x, long d, size_t size)
{
  long v = ((long) x + d) % (long) size;
  return (size_t) (v < 0 ? v + (long) size : v);
}

/*
 * One axis of the patch sum: dst(i, j) = sum_k src(shift_k(i), shift_k(j))
 * with shift_k moving a pixel by the k-th offset of D_q along the columns
 * (@along_rows FALSE) or the rows of a w x h image.  @shift: q n scratch.
 */
static void
patch_sum_axis (int n_threads, size_t w, size_t h, unsigned q,
                gboolean along_rows, const double *src, double *dst,
                size_t *shift)
{
  size_t n = w * h, k;
  long half = (long) (q - 1) / 2, jj;

  for (k = 0; k < q; k++)
    {
      long d = (long) k - half;
      size_t i;
      for (i = 0; i < n; i++)
        {
          size_t r = i / w, c = i % w;
          shift[k * n + i] = along_rows ? circ (r, d, h) * w + c
                                        : r * w + circ (c, d, w);
        }
    }

#pragma omp parallel for schedule(static) num_threads(n_threads)
  for (jj = 0; jj < (long) n; jj++)
    {
      size_t j = (size_t) jj, i, kk;
      double *out = dst + j * n;

      for (kk = 0; kk < q; kk++)
        {
          const double *col = src + shift[kk * n + j] * n;
          const size_t *sh = shift + kk * n;
          if (kk == 0)
            for (i = 0; i < n; i++)
              out[i] = col[sh[i]];
          else
            for (i = 0; i < n; i++)
              out[i] += col[sh[i]];
        }
    }
}

/* dst = P_q[src] on a w x h grid; @tmp: n^2 scratch, @shift: q n scratch.
 * @dst may not be @src or @tmp. */
static void
patch_sum (int n_threads, size_t w, size_t h, unsigned q, const double *src,
           double *tmp, double *dst, size_t *shift)
{
  patch_sum_axis (n_threads, w, h, q, FALSE, src, tmp, shift);
  patch_sum_axis (n_threads, w, h, q, TRUE, tmp, dst, shift);
}

/* ------------------------------------------------------------ dual step */

/*
 * From Lambda (@lam, n x n) the activation's S and Sdot, scaled by 1/q^2.
 * @lam may be @s or @sd (each entry is read before it is written); @diag:
 * n scratch for n(p).  With @theta (the first convolution, where Theta =
 * Lambda), Theta is zeroed where n(p) n(p') = 0 as the reference does.
 */
static void
dual_step (int n_threads, size_t n, unsigned q, const NtkmcActivation *act,
           const double *lam, double *s, double *sd, double *theta,
           double *diag)
{
  NtkmcDualCoeffs co;
  double inv_q2 = 1.0 / ((double) q * (double) q), one, done;
  size_t i;
  long jj;

  ntkmc_dual_coeffs (act, &co);
  one = ntkmc_dual_eval (&co, 1.0);
  done = ntkmc_dual_deriv_eval (&co, 1.0);
  for (i = 0; i < n; i++)
    diag[i] = lam[i + i * n];

#pragma omp parallel for schedule(static) num_threads(n_threads)
  for (jj = 0; jj < (long) n; jj++)
    {
      size_t j = (size_t) jj, ii;
      double nj = diag[j];

      for (ii = 0; ii < n; ii++)
        {
          size_t idx = ii + j * n;
          double ni = diag[ii], l = lam[idx], norm, xi;

          if (!(ni > 0.0) || !(nj > 0.0))
            {
              s[idx] = 0.0;
              sd[idx] = 0.0;
              if (theta != NULL)
                theta[idx] = 0.0;
              continue;
            }
          /* the diagonal's cosine is 1 by definition: exactly so */
          if (ii == j)
            {
              s[idx] = inv_q2 * ni * one;
              sd[idx] = inv_q2 * done;
              continue;
            }
          norm = sqrt (ni * nj);
          xi = l / norm;
          s[idx] = inv_q2 * norm * ntkmc_dual_eval (&co, xi);
          sd[idx] = inv_q2 * ntkmc_dual_deriv_eval (&co, xi);
        }
    }
}

/* theta = s + sd * theta, n x n. */
static void
combine (int n_threads, size_t n, const double *s, const double *sd,
         double *theta)
{
  long jj;

#pragma omp parallel for schedule(static) num_threads(n_threads)
  for (jj = 0; jj < (long) n; jj++)
    {
      size_t off = (size_t) jj * n, i;
      for (i = 0; i < n; i++)
        theta[off + i] = s[off + i] + sd[off + i] * theta[off + i];
    }
}

/* ------------------------------------------------------------ resampling */

/* Up to two (source, weight) pairs per output coordinate along one axis. */
typedef struct {
  size_t src[2];
  double wt[2];
} AxisMap;

/*
 * The per-axis interpolation of @l from @in source coordinates to @out;
 * returns the number of pairs per coordinate (1 or 2).
 */
static unsigned
axis_map (const NtkmcLayer *l, size_t in, size_t out, AxisMap *map)
{
  size_t o;

  if (l->kind == NTKMC_LAYER_DOWN || l->up == NTKMC_UP_NEAREST)
    {
      for (o = 0; o < out; o++)
        {
          map[o].src[0] = l->kind == NTKMC_LAYER_DOWN ? 2 * o : o / 2;
          map[o].wt[0] = 1.0;
        }
      return 1;
    }
  if (l->up == NTKMC_UP_BILINEAR)
    {
      /* align_corners = True, as the reference's bilinear_upsample: the
       * sizes admitted (ntkmc_arch_check_size) give in >= 2 */
      double alpha = (double) (in - 1) / (double) (2 * in - 1);
      for (o = 0; o < out; o++)
        {
          double x = (double) o * alpha;
          size_t s = MIN ((size_t) floor (x), in >= 2 ? in - 2 : 0);
          double t = x - (double) s;
          map[o].src[0] = s;
          map[o].src[1] = MIN (s + 1, in - 1);
          map[o].wt[0] = 1.0 - t;
          map[o].wt[1] = t;
        }
      return 2;
    }
  /* circular bilinear: out 2a + e = 3/4 x[a] + 1/4 x[a - 1 + 2e] */
  for (o = 0; o < out; o++)
    {
      size_t a = o / 2;
      map[o].src[0] = a;
      map[o].src[1] = circ (a, (long) (o % 2) * 2 - 1, in);
      map[o].wt[0] = 0.75;
      map[o].wt[1] = 0.25;
    }
  return 2;
}

/*
 * dst (n_out x n_out, w_out x h_out grid) = the resampling @l of src
 * (w_in x h_in grid).  @dst may not be @src.
 */
static void
resample (int n_threads, const NtkmcLayer *l, size_t w_in, size_t h_in,
          size_t w_out, size_t h_out, const double *src, double *dst)
{
  size_t n_in = w_in * h_in, n_out = w_out * h_out, p;
  AxisMap *rows = g_new (AxisMap, h_out), *cols = g_new (AxisMap, w_out);
  size_t *idx;
  double *wt;
  unsigned m1, m;
  long jj;

  m1 = axis_map (l, h_in, h_out, rows);
  axis_map (l, w_in, w_out, cols);
  m = m1 * m1;
  /* per output pixel its m source pixels (row-major over the corners: the
   * reference's order (s_r, s_c), (s_r + 1, s_c), (s_r, s_c + 1), ...) */
  idx = g_new (size_t, n_out * m);
  wt = g_new (double, n_out * m);
  for (p = 0; p < n_out; p++)
    {
      size_t r = p / w_out, c = p % w_out, a, b;
      for (b = 0; b < m1; b++)
        for (a = 0; a < m1; a++)
          {
            idx[p * m + b * m1 + a] = rows[r].src[a] * w_in + cols[c].src[b];
            wt[p * m + b * m1 + a] = rows[r].wt[a] * cols[c].wt[b];
          }
    }

#pragma omp parallel for schedule(dynamic, 16) num_threads(n_threads)
  for (jj = 0; jj < (long) n_out; jj++)
    {
      size_t j = (size_t) jj, i, a, b;
      const size_t *uj = idx + j * m;
      const double *wj = wt + j * m;

      if (m == 1)
        {
          /* a copy: the whole column, symmetric as the source */
          const double *col = src + uj[0] * n_in;
          for (i = 0; i < n_out; i++)
            dst[i + j * n_out] = col[idx[i]];
          continue;
        }
      for (i = j; i < n_out; i++)
        {
          const size_t *ui = idx + i * m;
          const double *wi = wt + i * m;
          double acc = 0.0;
          for (a = 0; a < m; a++)
            {
              double inner = 0.0;
              for (b = 0; b < m; b++)
                inner += wj[b] * src[ui[a] + uj[b] * n_in];
              acc += wi[a] * inner;
            }
          dst[i + j * n_out] = acc;
        }
    }
  if (m > 1)
    mirror_lower (n_threads, n_out, dst);
  g_free (rows);
  g_free (cols);
  g_free (idx);
  g_free (wt);
}

/* ------------------------------------------------------------ entry point */

static gboolean
check_prior (const double *z, size_t channels, size_t n,
             const NtkmcIidPrior *iid, GError **error)
{
  size_t i;

  if (z == NULL)
    {
      if (!isfinite (iid->c1) || !isfinite (iid->c2) || !(iid->c1 > 0)
          || fabs (iid->c2) > iid->c1)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "the i.i.d. prior needs c1 > 0 and |c2| <= c1 (got "
                       "%g, %g)", iid->c1, iid->c2);
          return FALSE;
        }
      return TRUE;
    }
  if (channels == 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the feature prior needs at least one channel");
      return FALSE;
    }
  if (!ntkmc_linalg_check_dim (channels, "number of prior channels", error))
    return FALSE;
  if (channels > G_MAXSIZE / sizeof (double) / n)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "a feature prior of %zu channels is too large", channels);
      return FALSE;
    }
  for (i = 0; i < channels * n; i++)
    if (!isfinite (z[i]))
      {
        g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                     "feature prior: channel %zu of pixel %zu is not a "
                     "finite number (counted from 1)", i % channels + 1,
                     i / channels + 1);
        return FALSE;
      }
  return TRUE;
}

/* Relative cost of each layer, for progress reports: @cost[i] for layer i,
 * returns the total. */
static double
layer_costs (const NtkmcArch *arch, size_t n, double *cost)
{
  double total = 0.0, nl = (double) n;
  guint i;

  for (i = 0; i < arch->layers->len; i++)
    {
      const NtkmcLayer *l = ntkmc_arch_layer (arch, i);
      double c = 0.0;

      switch (l->kind)
        {
        case NTKMC_LAYER_CONV:
          c = nl * nl * (4.0 * l->q + 20.0);
          break;
        case NTKMC_LAYER_DOWN:
          nl /= 4.0;
          c = 3.0 * nl * nl;
          break;
        case NTKMC_LAYER_UP:
          nl *= 4.0;
          c = 3.0 * nl * nl * (l->up == NTKMC_UP_NEAREST ? 1.0 : 10.0);
          break;
        case NTKMC_LAYER_ACT:
        default:
          break;
        }
      cost[i] = c;
      total += c;
    }
  return total;
}

NtkmcCntk *
ntkmc_cntk_compute_general (NtkmcContext *ctx, const NtkmcArch *arch,
                            const double *z, size_t channels,
                            const NtkmcIidPrior *iid, size_t width,
                            size_t height, GError **error)
{
  NtkmcIidPrior defaults;
  NtkmcCntk *k = NULL;
  double *buf[GENERAL_N_TENSORS] = { NULL, NULL, NULL, NULL };
  double *s, *sd, *th, *x, *diag = NULL, *cost = NULL, total, done = 0.0;
  size_t *shift = NULL;
  size_t n, w, h, cap = max_pixels (), i;
  unsigned max_q = 1;
  gboolean ok = TRUE;
  guint li, nl;
  int nt;

  g_return_val_if_fail (ctx != NULL && arch != NULL, NULL);
  if (iid == NULL)
    {
      ntkmc_iid_prior_init (&defaults);
      iid = &defaults;
    }
  if (!ntkmc_arch_validate (arch, error)
      || !ntkmc_arch_check_size (arch, width, height, error))
    return NULL;
  if (width > cap || height > cap || width * height > cap)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "a %zu x %zu image is too large for the general path "
                   "(at most %zu pixels: it holds %d N x N tensors); use the "
                   "fast path, ntkmc_cntk_compute()", width, height, cap,
                   GENERAL_N_TENSORS);
      return NULL;
    }
  n = width * height;
  if (!check_prior (z, channels, n, iid, error))
    return NULL;

  nl = arch->layers->len;
  for (li = 0; li < nl; li++)
    if (ntkmc_arch_layer (arch, li)->kind == NTKMC_LAYER_CONV)
      max_q = MAX (max_q, ntkmc_arch_layer (arch, li)->q);

  /* buf[0] becomes the result, which ntkmc_cntk_free() releases with
   * g_free(); the scratch tensors go on huge pages. */
  buf[0] = g_try_malloc (n * n * sizeof (double));
  if (buf[0] == NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "cannot allocate %.1f GiB for the kernel",
                   (double) n * (double) n * 8.0 / 1073741824.0);
      return NULL;
    }
  for (i = 1; i < GENERAL_N_TENSORS && ok; i++)
    {
      buf[i] = ntkmc_big_alloc (n * n, sizeof (double),
                                "a convolutional kernel tensor", error);
      ok = buf[i] != NULL;
    }
  if (!ok)
    goto out;
  diag = g_new (double, n);
  shift = g_new (size_t, (size_t) max_q * n);
  cost = g_new (double, nl);
  total = layer_costs (arch, n, cost);

  ntkmc_context_enter (ctx);
  nt = ctx->n_threads;
  th = buf[0];
  s = buf[1];
  sd = buf[2];
  x = buf[3];

  /* Sigma_0 into s */
  if (z != NULL)
    {
      ntkmc_linalg_gemm ('T', 'N', n, n, channels, 1.0, z, channels, z,
                         channels, 0.0, s, n);
      mirror_lower (nt, n, s);
    }
  else
    {
      long jj;
#pragma omp parallel for schedule(static) num_threads(nt)
      for (jj = 0; jj < (long) n; jj++)
        {
          size_t j = (size_t) jj, ii;
          for (ii = 0; ii < n; ii++)
            s[ii + j * n] = ii == j ? iid->c1 : iid->c2;
        }
    }

  w = width;
  h = height;
  for (li = 0; li < nl && ok; li++)
    {
      const NtkmcLayer *l = ntkmc_arch_layer (arch, li);
      gboolean last = li + 1 == nl;
      const NtkmcActivation *act =
        last ? NULL : &ntkmc_arch_layer (arch, li + 1)->act;
      size_t nn = w * h;

      if (l->kind == NTKMC_LAYER_ACT)
        continue;
      ok = ntkmc_context_report (ctx, done / total,
                                 "computing the convolutional kernel", error);
      if (!ok)
        break;
      done += cost[li];
      if (l->kind == NTKMC_LAYER_CONV && li == 0)
        {
          /* Theta = Lambda = P[Sigma_0], no 1/q^2 */
          patch_sum (nt, w, h, l->q, s, x, th, shift);
          if (!last)
            dual_step (nt, nn, l->q, act, th, s, sd, th, diag);
        }
      else if (l->kind == NTKMC_LAYER_CONV)
        {
          /* Theta <- P[S + Sdot Theta] (into the Sdot tensor, no longer
           * needed); then Lambda = P[S] into the old Theta's and the dual
           * step in place */
          double *tmp;

          combine (nt, nn, s, sd, th);
          patch_sum (nt, w, h, l->q, th, x, sd, shift);
          tmp = th;
          th = sd;
          sd = tmp;
          if (!last)
            {
              patch_sum (nt, w, h, l->q, s, x, sd, shift);
              dual_step (nt, nn, l->q, act, sd, s, sd, NULL, diag);
            }
        }
      else
        {
          size_t w2 = l->kind == NTKMC_LAYER_DOWN ? w / 2 : 2 * w;
          size_t h2 = l->kind == NTKMC_LAYER_DOWN ? h / 2 : 2 * h;
          double **t[3];
          int ti;

          t[0] = &s;
          t[1] = &sd;
          t[2] = &th;
          for (ti = 0; ti < 3; ti++)
            {
              double *tmp = *t[ti];
              resample (nt, l, w, h, w2, h2, *t[ti], x);
              *t[ti] = x;
              x = tmp;
            }
          w = w2;
          h = h2;
        }
    }
  if (ok)
    ok = ntkmc_context_report (ctx, 1.0, "kernel done", error);
  if (ok)
    {
      char *arch_text = ntkmc_arch_to_string (arch);
      char *prior_text;

      if (z != NULL)
        {
          char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                   (const guchar *) z,
                                                   channels * n
                                                   * sizeof (double));
          prior_text = g_strconcat ("given:", sum, NULL);
          g_free (sum);
        }
      else
        prior_text = ntkmc_cntk_iid_prior_text (iid);
      if (th != buf[0])
        memcpy (buf[0], th, n * n * sizeof (double));
      k = ntkmc_cntk_new (arch_text, prior_text,
                          ntkmc_arch_get_levels (arch));
      k->form = NTKMC_CNTK_FULL;
      k->w = width;
      k->h = height;
      k->full = buf[0];
      buf[0] = NULL;
      g_free (arch_text);
      g_free (prior_text);
    }

out:
  g_free (buf[0]);
  for (i = 1; i < GENERAL_N_TENSORS; i++)
    ntkmc_big_free (buf[i]);
  g_free (diag);
  g_free (shift);
  g_free (cost);
  return k;
}
