/* SPDX-License-Identifier: MIT */
/*
 * falrtc.c: FaLRTC low-rank tensor completion (Liu, Musialski, Wonka & Ye,
 * IEEE TPAMI 2013) for a genes x drugs x cells tensor whose gene fibres are
 * measured whole or not at all.
 *
 * Objective: f(X) = sum_i alpha_i h_mu_i(X_(i)) over the three unfoldings,
 * with the smoothed trace norm
 *   h_mu(A) = max_{||Z||_2 <= 1} <A, Z> - mu/2 ||Z||_F^2
 *           = sum_j (sigma_j^2 / (2 mu) if sigma_j <= mu, else sigma_j - mu/2)
 * whose gradient is U diag(min(sigma/mu, 1)) V^T = M A with
 *   M = U diag(min(1/mu, 1/sigma)) U^T,
 * U, sigma^2 the eigenvectors and eigenvalues of the Gram matrix A A^T.  So
 * every evaluation needs only the Gram matrix of each unfolding on the
 * mode's own side (dsyrk), its eigendecomposition (dsyevd) and, for the
 * gradient, one product M A (dgemm).  Every sigma below mu gets the same
 * weight 1/mu, so the inaccuracy of small singular values from squaring
 * does not reach the gradient.
 *
 * Iteration (Nesterov's accelerated gradient with the estimate sequence of
 * the paper, over the unmeasured entries; the measured ones stay equal to
 * the data in every iterate):
 *   theta = (1 + sqrt(1 + 4 L B)) / (2 L)
 *   W     = (B X + theta Z) / (B + theta)
 *   X+    = W - grad f(W) / L          on the free entries
 *   accept if f(X+) <= f(W) - ||grad f(W)_free||^2 / (2 L), else L /= 0.5
 *   Z    -= theta grad f(W);  B += theta;  X = X+
 * L starts at lipschitz0 times the exact constant sum alpha_i / mu_i and
 * never decreases; at the exact constant the test holds in exact
 * arithmetic, so the step is taken untested (saving the objective's
 * three Gram matrices per iteration; f is evaluated once at the end).
 *
 * Centring (opt->center): with NTKMC_FALRTC_CENTER_CELL the tensor that is
 * completed is the data minus the mean measured profile of each cell line,
 * and the offsets are added back to the completed profiles; the free fibres
 * start at 0 there, i.e. at the mean over cell type.  Without it the free
 * fibres start at the mean measured profile.
 *
 * Single precision (opt->single_precision): each evaluation narrows the
 * point to a float copy, runs the Gram matrices (ssyrk) and the products
 * M A (sgemm) on it and widens the gradient back; the eigendecompositions,
 * M, every update of X, Z and W and the reported objectives stay double
 * (the line search compares single-precision objectives).  The products
 * are what costs (O(N (I_1 + I_2 + I_3)) per evaluation against O(I_i^3) for the
 * eigendecompositions), so this about halves the time; the float copies
 * add two float tensors of memory.
 *
 * Storage: the tensor is column-major, genes fastest.  Mode 1 (genes) is the
 * matrix n_genes x (n_drugs n_cells) as stored; mode 3 (cells) is the
 * transpose of the stored (n_genes n_drugs) x n_cells matrix; mode 2 (drugs)
 * is the n_cells slices n_genes x n_drugs, transposed side by side.  Work
 * arrays: X, Z, W and the gradient G (four tensors); X+ overwrites W.
 */
#include "config.h"

#include "base/context.h"
#include "base/linalg.h"
#include "base/memory.h"
#include "base/timer.h"
#include "cmap/cmap-private.h"

#include <math.h>
#include <string.h>

#define LINE_SEARCH_SHRINK 0.5

void
ntkmc_falrtc_options_init (NtkmcFalrtcOptions *opt)
{
  g_return_if_fail (opt != NULL);
  memset (opt, 0, sizeof *opt);
  opt->alpha[0] = opt->alpha[1] = opt->alpha[2] = 1.0 / 3.0;
  opt->max_iters = 500;
  opt->tol = 1e-5;
  opt->lipschitz0 = 1.0 / 64.0;
  opt->center = NTKMC_FALRTC_CENTER_NONE;
}

typedef struct {
  NtkmcContext *ctx;
  size_t dim[3];         /* genes, drugs, cells */
  size_t n_fibres;       /* drugs x cells */
  const guint8 *observed;
  double alpha[3], mu[3];
  double *gram[3];       /* dim_i x dim_i; eigenvectors after syevd */
  double *m[3];          /* dim_i x dim_i, M of the mode */
  double *eig[3];
  /* single precision (opt->single_precision): the products run on float
   * copies; the iterates, the eigendecompositions and M stay double */
  gboolean single;
  float *xs, *gs;        /* the evaluated tensor and the gradient, float */
  float *gram_f[3];       /* the float Gram matrix, then M in float */
} Falrtc;

/* dst[0..n) = src[0..n) narrowed to float; the tensors are large, so in
 * parallel. */
static void
to_float (const Falrtc *f, const double *src, float *dst, size_t n)
{
  size_t k;
#pragma omp parallel for schedule(static) num_threads(f->ctx->n_threads)
  for (k = 0; k < n; k++)
    dst[k] = (float) src[k];
}

static void
to_double (const Falrtc *f, const float *src, double *dst, size_t n)
{
  size_t k;
#pragma omp parallel for schedule(static) num_threads(f->ctx->n_threads)
  for (k = 0; k < n; k++)
    dst[k] = (double) src[k];
}

/* Lower triangle of the Gram matrix of mode @i of f->xs into f->gram_f[i],
 * then widened into f->gram[i]. */
static void
mode_gram_f (Falrtc *f, int i)
{
  size_t g = f->dim[0], d = f->dim[1], c = f->dim[2], n = f->dim[i], s, j, a;
  float *gf = f->gram_f[i];
  const float *x = f->xs;

  switch (i)
    {
    case 0:
      ntkmc_linalg_syrk_f ('L', 'N', g, d * c, 1.0f, x, g, 0.0f, gf, g);
      break;
    case 1:
      for (s = 0; s < c; s++)
        ntkmc_linalg_syrk_f ('L', 'T', d, g, 1.0f, x + s * g * d, g,
                             s == 0 ? 0.0f : 1.0f, gf, d);
      break;
    default:
      ntkmc_linalg_syrk_f ('L', 'T', c, g * d, 1.0f, x, g * d, 0.0f, gf, c);
      break;
    }
  for (j = 0; j < n; j++)
    for (a = j; a < n; a++)
      f->gram[i][a + j * n] = gf[a + j * n];
}

/* Lower triangle of the Gram matrix of mode @i of tensor x into f->gram[i]
 * (in single precision from f->xs, which must hold x). */
static void
mode_gram (Falrtc *f, int i, const double *x)
{
  size_t g = f->dim[0], d = f->dim[1], c = f->dim[2], s;

  if (f->single)
    {
      mode_gram_f (f, i);
      return;
    }
  switch (i)
    {
    case 0:
      ntkmc_linalg_syrk ('L', 'N', g, d * c, 1.0, x, g, 0.0, f->gram[0], g);
      break;
    case 1:
      for (s = 0; s < c; s++)
        ntkmc_linalg_syrk ('L', 'T', d, g, 1.0, x + s * g * d, g,
                           s == 0 ? 0.0 : 1.0, f->gram[1], d);
      break;
    default:
      ntkmc_linalg_syrk ('L', 'T', c, g * d, 1.0, x, g * d, 0.0, f->gram[2],
                         c);
      break;
    }
}

static double
huber (double sigma, double mu)
{
  return sigma <= mu ? sigma * sigma / (2.0 * mu) : sigma - mu / 2.0;
}

static gboolean
eig_failed (int info, int mode, GError **error)
{
  if (info == 0)
    return FALSE;
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
               "FaLRTC: the eigensolver failed on the Gram matrix of mode %d "
               "(LAPACK info %d)", mode + 1, info);
  return TRUE;
}

/*
 * f(x); with @grad, also grad f(x) into grad (every entry written; only the
 * free ones are used).
 */
static gboolean
evaluate (Falrtc *f, const double *x, double *grad, double *value,
          GError **error)
{
  size_t g = f->dim[0], d = f->dim[1], c = f->dim[2], s;
  gboolean first = TRUE;
  double total = 0;
  int i;

  if (f->single)
    to_float (f, x, f->xs, g * f->n_fibres);
  for (i = 0; i < 3; i++)
    {
      size_t n = f->dim[i], j, a;
      double *u = f->gram[i], *w = f->eig[i], *m = f->m[i], mu = f->mu[i];

      if (f->alpha[i] == 0)
        continue;
      mode_gram (f, i, x);
      if (eig_failed (grad ? ntkmc_linalg_syevd (n, u, n, w)
                           : ntkmc_linalg_syevd_values (n, u, n, w),
                      i, error))
        return FALSE;
      {
        double h = 0;
        for (j = 0; j < n; j++)
          h += huber (sqrt (MAX (w[j], 0.0)), mu);
        total += f->alpha[i] * h;
      }
      if (grad == NULL)
        continue;
      /* M = (U diag(sqrt(s))) (U diag(sqrt(s)))^T, s = min(1/mu, 1/sigma) */
      for (j = 0; j < n; j++)
        {
          double sigma = sqrt (MAX (w[j], 0.0));
          double sc = sqrt (sigma > mu ? 1.0 / sigma : 1.0 / mu);
          for (a = 0; a < n; a++)
            u[a + j * n] *= sc;
        }
      ntkmc_linalg_syrk ('L', 'N', n, n, 1.0, u, n, 0.0, m, n);
      for (j = 0; j < n; j++)
        for (a = j + 1; a < n; a++)
          m[j + a * n] = m[a + j * n];
      if (f->single)
        {
          float *mf = f->gram_f[i], *gs = f->gs, al = (float) f->alpha[i];
          float beta = first ? 0.0f : 1.0f;
          const float *xs = f->xs;

          for (j = 0; j < n * n; j++)
            mf[j] = (float) m[j];
          switch (i)
            {
            case 0:
              ntkmc_linalg_gemm_f ('N', 'N', g, d * c, g, al, mf, g, xs, g,
                                   beta, gs, g);
              break;
            case 1:
              for (s = 0; s < c; s++)
                ntkmc_linalg_gemm_f ('N', 'N', g, d, d, al, xs + s * g * d,
                                     g, mf, d, beta, gs + s * g * d, g);
              break;
            default:
              ntkmc_linalg_gemm_f ('N', 'N', g * d, c, c, al, xs, g * d, mf,
                                   c, beta, gs, g * d);
              break;
            }
          first = FALSE;
          continue;
        }
      switch (i)
        {
        case 0:
          ntkmc_linalg_gemm ('N', 'N', g, d * c, g, f->alpha[0], m, g, x, g,
                             first ? 0.0 : 1.0, grad, g);
          break;
        case 1:
          for (s = 0; s < c; s++)
            ntkmc_linalg_gemm ('N', 'N', g, d, d, f->alpha[1], x + s * g * d,
                               g, m, d, first ? 0.0 : 1.0, grad + s * g * d,
                               g);
          break;
        default:
          ntkmc_linalg_gemm ('N', 'N', g * d, c, c, f->alpha[2], x, g * d, m,
                             c, first ? 0.0 : 1.0, grad, g * d);
          break;
        }
      first = FALSE;
    }
  if (grad != NULL && f->single)
    to_double (f, f->gs, grad, g * f->n_fibres);
  *value = total;
  return TRUE;
}

static gboolean
check_options (const NtkmcFalrtcOptions *opt, GError **error)
{
  double sum = 0;
  int i;

  for (i = 0; i < 3; i++)
    {
      if (!(opt->alpha[i] >= 0) || !isfinite (opt->alpha[i]))
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "FaLRTC: alpha[%d] must be a finite number >= 0 (got "
                       "%g)", i, opt->alpha[i]);
          return FALSE;
        }
      if (!(opt->mu[i] >= 0) || !isfinite (opt->mu[i]))
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "FaLRTC: mu[%d] must be a finite number > 0, or 0 for "
                       "the default (got %g)", i, opt->mu[i]);
          return FALSE;
        }
      sum += opt->alpha[i];
    }
  if (!(sum > 0))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "FaLRTC: at least one alpha must be > 0");
      return FALSE;
    }
  if (opt->max_iters < 0 || !(opt->tol >= 0) || !isfinite (opt->tol)
      || !(opt->lipschitz0 > 0 && opt->lipschitz0 <= 1))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "FaLRTC: need max_iters >= 0 (got %d), a finite tol >= 0 "
                   "(got %g) and lipschitz0 in (0, 1] (got %g)",
                   opt->max_iters, opt->tol, opt->lipschitz0);
      return FALSE;
    }
  if (opt->center != NTKMC_FALRTC_CENTER_NONE
      && opt->center != NTKMC_FALRTC_CENTER_CELL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "FaLRTC: center must be NTKMC_FALRTC_CENTER_NONE or "
                   "NTKMC_FALRTC_CENTER_CELL (got %d)", (int) opt->center);
      return FALSE;
    }
  return TRUE;
}

/*
 * The starting point x.  Without centring: the measured fibres from y, every
 * free fibre the mean measured profile.  With centring by cell line: offset
 * (n_genes x n_cells) gets the mean measured profile of every cell line (the
 * mean of all measured profiles for a cell line without any), x the
 * measured fibres minus their cell line's offset and 0 in the free fibres.
 */
static void
fill_start (const Falrtc *f, const double *y, gboolean center, double *offset,
            double *x)
{
  size_t g = f->dim[0], nd = f->dim[1], nc = f->dim[2], k, j, c;
  size_t count = 0;
  double *mean = g_new0 (double, g);

  for (k = 0; k < f->n_fibres; k++)
    if (f->observed[k])
      {
        count++;
        for (j = 0; j < g; j++)
          mean[j] += y[j + k * g];
      }
  for (j = 0; j < g; j++)
    mean[j] /= (double) count;
  if (!center)
    {
      for (k = 0; k < f->n_fibres; k++)
        memcpy (x + k * g, f->observed[k] ? y + k * g : mean,
                g * sizeof (double));
      g_free (mean);
      return;
    }
  for (c = 0; c < nc; c++)
    {
      double *off = offset + c * g;
      size_t n_c = 0;

      memset (off, 0, g * sizeof (double));
      for (k = c * nd; k < (c + 1) * nd; k++)
        if (f->observed[k])
          {
            n_c++;
            for (j = 0; j < g; j++)
              off[j] += y[j + k * g];
          }
      for (j = 0; j < g; j++)
        off[j] = n_c > 0 ? off[j] / (double) n_c : mean[j];
      for (k = c * nd; k < (c + 1) * nd; k++)
        for (j = 0; j < g; j++)
          x[j + k * g] = f->observed[k] ? y[j + k * g] - off[j] : 0.0;
    }
  g_free (mean);
}

/* One accepted step: see the comment at the top.  Returns FALSE on error. */
static gboolean
step (Falrtc *f, double **xp, double *z, double **wp, double *grad,
      double *lip, double lip_max, double *bsum, double *obj,
      double *rel_change, int *n_rejected, double progress, GError **error)
{
  size_t g = f->dim[0], nf = f->n_fibres;
  double *x = *xp, *w = *wp;

  for (;;)
    {
      double L = *lip, theta, fw, fx, gnorm2 = 0, dx2 = 0, x2 = 0;
      double cx, cz;
      size_t k;

      theta = (1.0 + sqrt (1.0 + 4.0 * L * *bsum)) / (2.0 * L);
      cx = *bsum / (*bsum + theta);
      cz = theta / (*bsum + theta);
#pragma omp parallel for schedule(static) num_threads(f->ctx->n_threads)
      for (k = 0; k < nf; k++)
        if (!f->observed[k])
          {
            size_t j;
            for (j = k * g; j < (k + 1) * g; j++)
              w[j] = cx * x[j] + cz * z[j];
          }
      if (!evaluate (f, w, grad, &fw, error))
        return FALSE;
#pragma omp parallel for schedule(static) num_threads(f->ctx->n_threads) \
    reduction(+:gnorm2)
      for (k = 0; k < nf; k++)
        if (!f->observed[k])
          {
            size_t j;
            for (j = k * g; j < (k + 1) * g; j++)
              {
                gnorm2 += grad[j] * grad[j];
                w[j] -= grad[j] / L;
              }
          }
      /* w now holds the trial point X+.  At the exact constant the step
       * is taken whatever the test says, so f(X+) is not needed: *obj
       * becomes NaN and the caller evaluates it once at the end. */
      fx = NAN;
      if (L < lip_max && !evaluate (f, w, NULL, &fx, error))
        return FALSE;
      if (L < lip_max && fx > fw - gnorm2 / (2.0 * L))
        {
          (*n_rejected)++;
          *lip = MIN (L / LINE_SEARCH_SHRINK, lip_max);
          if (!ntkmc_context_report (f->ctx, progress, "FaLRTC line search",
                                     error))
            return FALSE;
          continue;
        }
#pragma omp parallel for schedule(static) num_threads(f->ctx->n_threads) \
    reduction(+:dx2, x2)
      for (k = 0; k < nf; k++)
        {
          size_t j;
          for (j = k * g; j < (k + 1) * g; j++)
            {
              x2 += x[j] * x[j];
              if (!f->observed[k])
                {
                  double dd = w[j] - x[j];
                  dx2 += dd * dd;
                  z[j] -= theta * grad[j];
                }
            }
        }
      *bsum += theta;
      *obj = fx;
      *rel_change = x2 > 0 ? sqrt (dx2 / x2) : (dx2 > 0 ? INFINITY : 0.0);
      *xp = w;
      *wp = x;
      return TRUE;
    }
}

gboolean
ntkmc_falrtc (NtkmcContext *ctx, const NtkmcFalrtcOptions *opt,
              size_t n_genes, size_t n_drugs, size_t n_cells,
              const double *y, const guint8 *observed, double *out,
              NtkmcFalrtcReport *report, GError **error)
{
  NtkmcFalrtcOptions defaults;
  NtkmcFalrtcReport rep;
  Falrtc f;
  double *buf[4] = { NULL, NULL, NULL, NULL }, *x, *w, *offset = NULL;
  gboolean center;
  double asum = 0, lip, lip_max = 0, bsum = 0, t0 = ntkmc_now ();
  size_t n_measured = 0, total;
  gboolean ok = TRUE;
  int i;

  g_return_val_if_fail (ctx != NULL && y != NULL && observed != NULL
                        && out != NULL, FALSE);
  if (opt == NULL)
    {
      ntkmc_falrtc_options_init (&defaults);
      opt = &defaults;
    }
  memset (&rep, 0, sizeof rep);
  memset (&f, 0, sizeof f);
  if (!check_options (opt, error)
      || !ntkmc_cmap_check_tensor ("FaLRTC", n_genes, n_drugs, n_cells, y,
                                   observed, &n_measured, error))
    return FALSE;

  f.ctx = ctx;
  f.dim[0] = n_genes;
  f.dim[1] = n_drugs;
  f.dim[2] = n_cells;
  f.n_fibres = n_drugs * n_cells;
  f.observed = observed;
  f.single = opt->single_precision;
  total = n_genes * f.n_fibres;
  for (i = 0; i < 3; i++)
    asum += opt->alpha[i];
  for (i = 0; i < 3; i++)
    {
      f.alpha[i] = opt->alpha[i] / asum;
      if (f.alpha[i] == 0)
        continue;
      f.mu[i] = opt->mu[i] > 0 ? opt->mu[i]
                               : 5.0 * f.alpha[i] / sqrt ((double) f.dim[i]);
      rep.mu[i] = f.mu[i];
      lip_max += f.alpha[i] / f.mu[i];
    }
  rep.lipschitz_max = lip_max;
  lip = opt->lipschitz0 * lip_max;
  center = opt->center == NTKMC_FALRTC_CENTER_CELL;
  if (center)
    offset = g_new (double, n_genes * n_cells);

  for (i = 0; i < 4 && ok; i++)
    {
      buf[i] = ntkmc_big_alloc (total, sizeof (double),
                                "a FaLRTC work tensor", error);
      ok = buf[i] != NULL;
    }
  for (i = 0; i < 3 && ok; i++)
    {
      size_t n = f.alpha[i] > 0 ? f.dim[i] : 0;
      f.gram[i] = ntkmc_big_alloc (n * n, sizeof (double),
                                   "a FaLRTC Gram matrix", error);
      f.m[i] = f.gram[i] ? ntkmc_big_alloc (n * n, sizeof (double),
                                            "a FaLRTC Gram matrix", error)
                         : NULL;
      f.eig[i] = g_new (double, MAX (n, (size_t) 1));
      ok = f.m[i] != NULL;
      if (ok && f.single)
        {
          f.gram_f[i] = g_new (float, MAX (n * n, (size_t) 1));
        }
    }
  if (ok && f.single)
    {
      f.xs = ntkmc_big_alloc (total, sizeof (float),
                              "a FaLRTC work tensor", error);
      f.gs = f.xs ? ntkmc_big_alloc (total, sizeof (float),
                                     "a FaLRTC work tensor", error)
                  : NULL;
      ok = f.gs != NULL;
    }
  if (ok)
    {
      ntkmc_context_enter (ctx);
      x = buf[0];
      w = buf[2];
      fill_start (&f, y, center, offset, x);
      memcpy (buf[1], x, total * sizeof (double));   /* Z */
      memcpy (w, x, total * sizeof (double));
      /* the reported objectives are double precision in either case */
      f.single = FALSE;
      ok = ntkmc_context_report (ctx, 0.0, "FaLRTC", error)
           && evaluate (&f, x, NULL, &rep.objective0, error);
      f.single = opt->single_precision;
      rep.objective = rep.objective0;
      rep.lipschitz = lip;
      if (n_measured == f.n_fibres)
        rep.converged = TRUE;   /* nothing to complete */
      while (ok && !rep.converged && rep.iters < opt->max_iters)
        {
          double done = (double) rep.iters / (double) opt->max_iters;

          ok = ntkmc_context_report (ctx, done, "FaLRTC iterations", error)
               && step (&f, &x, buf[1], &w, buf[3], &lip, lip_max, &bsum,
                        &rep.objective, &rep.rel_change, &rep.n_line_search,
                        done, error);
          if (!ok)
            break;
          rep.iters++;
          rep.lipschitz = lip;
          rep.converged = rep.rel_change < opt->tol;
        }
      if (ok && (isnan (rep.objective) || f.single))
        {
          f.single = FALSE;
          ok = evaluate (&f, x, NULL, &rep.objective, error);
        }
      if (ok)
        ok = ntkmc_context_report (ctx, 1.0, "done", error);
      if (ok)
        {
          size_t k;
          /* measured profiles bit for bit from y (also when out == y) */
          for (k = 0; k < f.n_fibres; k++)
            if (!observed[k] && center)
              {
                const double *off = offset + (k / n_drugs) * n_genes;
                size_t j;
                for (j = 0; j < n_genes; j++)
                  out[j + k * n_genes] = x[j + k * n_genes] + off[j];
              }
            else if (!observed[k])
              memcpy (out + k * n_genes, x + k * n_genes,
                      n_genes * sizeof (double));
            else if (out != y)
              memcpy (out + k * n_genes, y + k * n_genes,
                      n_genes * sizeof (double));
        }
    }
  for (i = 0; i < 4; i++)
    ntkmc_big_free (buf[i]);
  g_free (offset);
  for (i = 0; i < 3; i++)
    {
      ntkmc_big_free (f.gram[i]);
      ntkmc_big_free (f.m[i]);
      g_free (f.eig[i]);
      g_free (f.gram_f[i]);
    }
  ntkmc_big_free (f.xs);
  ntkmc_big_free (f.gs);
  rep.seconds = ntkmc_now () - t0;
  if (report != NULL)
    *report = rep;
  return ok;
}
