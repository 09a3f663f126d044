/* SPDX-License-Identifier: MIT */
/*
 * iterative.c: conjugate gradients and EigenPro for the inpainting system
 *
 *   (K_SS + lambda I) alpha = b,   b = the observed values (one column per
 *                                  channel),
 *
 * with K applied by the structured operator (cntk/operator.h): memory O(N)
 * per right-hand side, never N_obs^2.  These solve the whole system (every
 * observed pixel), the reference the local direct solve is measured
 * against.
 *
 * EigenPro (Ma & Belkin) here is its full-batch form: the Richardson
 * iteration alpha -= eta g, g = (K + lambda I) alpha - b, whose step is
 * limited by K's top eigenvalues, corrected on a random subsample M of m
 * pixels so that the top k eigen-directions move as fast as the (k+1)-th:
 *
 *   alpha_M += eta E D E^T K(M, S) g,  D = diag((1 - l_(k+1) / l_i) / l_i),
 *
 * (l_i, e_i the top eigenpairs of K(M, M)); eta = 1 / ((n / m) l_(k+1) +
 * lambda).  Stopped early it regularizes, as in the paper.
 */
#include "config.h"

#include "image/iterative.h"
#include "base/context.h"
#include "base/linalg.h"
#include "base/memory.h"

#include <math.h>
#include <string.h>

typedef struct {
  NtkmcContext *ctx;
  NtkmcCntkOp *op;
  size_t width;                 /* of the grid: pixel p is (p / width, p % width) */
  size_t n_grid, n_s;
  const size_t *s_idx;
  unsigned nrhs;
  double lambda;
  double *gx, *gy;              /* n_grid x nrhs work grids */
} System;

/* y = (K_SS + lambda I) x, both n_s x nrhs column-major. */
static void
system_apply (System *sys, const double *x, double *y)
{
  size_t n = sys->n_s, g = sys->n_grid, i;
  unsigned j;

  memset (sys->gx, 0, g * sys->nrhs * sizeof (double));
  for (j = 0; j < sys->nrhs; j++)
    for (i = 0; i < n; i++)
      sys->gx[sys->s_idx[i] + j * g] = x[i + j * n];
  ntkmc_cntk_op_apply (sys->ctx, sys->op, sys->gx, sys->gy);
  for (j = 0; j < sys->nrhs; j++)
    for (i = 0; i < n; i++)
      y[i + j * n] = sys->gy[sys->s_idx[i] + j * g]
                     + sys->lambda * x[i + j * n];
}

static double
dot (const double *a, const double *b, size_t n)
{
  double s = 0;
  size_t i;

  for (i = 0; i < n; i++)
    s += a[i] * b[i];
  return s;
}

/* Reports progress; the message carries the iteration and residual. */
static gboolean
report (System *sys, const char *name, size_t it, size_t max_iters,
        double worst, GError **error)
{
  char msg[96];

  g_snprintf (msg, sizeof msg, "%s: iteration %zu, residual %.2e", name, it,
              worst);
  return ntkmc_context_report (sys->ctx, (double) it / (double) max_iters,
                               msg, error);
}

/* Largest relative residual over the columns of r (n x nrhs). */
static double
worst_residual (const double *r, const double *bnorm, size_t n,
                unsigned nrhs)
{
  double worst = 0;
  unsigned j;

  for (j = 0; j < nrhs; j++)
    if (bnorm[j] > 0)
      worst = MAX (worst, sqrt (dot (r + j * n, r + j * n, n)) / bnorm[j]);
  return worst;
}

/* A random subsample M of S and the top eigensystem of K(M, M), shared by
 * EigenPro and the conjugate-gradient preconditioner. */
typedef struct {
  size_t m, k;                  /* subsample size, eigenpairs kept */
  size_t *pick;                 /* positions in S: pick[0..m-1] = M */
  double *ev;                   /* m x m eigenvectors, ascending order */
  double *w;                    /* m eigenvalues, ascending */
  double *c;                    /* K(S, M): n x m, column-major */
} Subsample;

static void
subsample_clear (Subsample *sub)
{
  ntkmc_big_free (sub->c);
  g_free (sub->w);
  g_free (sub->ev);
  g_free (sub->pick);
  memset (sub, 0, sizeof *sub);
}

/*
 * subsample_init: @m pixels of S at random (deterministic seed), the
 * eigensystem of K(M, M) with @k pairs kept, and, if @with_c, K(S, M)
 * (n x m; the caller sizes m so that it fits).
 */
static gboolean
subsample_init (System *sys, Subsample *sub, size_t m, size_t k,
                gboolean with_c, GError **error)
{
  size_t n = sys->n_s, i;
  size_t *m_idx;
  GRand *rng;

  memset (sub, 0, sizeof *sub);
  m = MIN (m, n);
  sub->m = m;
  sub->k = MIN (k, m / 4);
  sub->pick = g_new (size_t, MAX (n, (size_t) 1));
  for (i = 0; i < n; i++)
    sub->pick[i] = i;
  rng = g_rand_new_with_seed (20220315);   /* deterministic results */
  for (i = 0; i < m; i++)
    {
      size_t r = i + (size_t) g_rand_double_range (rng, 0, (double) (n - i));
      size_t tmp = sub->pick[i];
      r = MIN (r, n - 1);
      sub->pick[i] = sub->pick[r];
      sub->pick[r] = tmp;
    }
  g_rand_free (rng);
  m_idx = g_new (size_t, MAX (m, (size_t) 1));
  for (i = 0; i < m; i++)
    m_idx[i] = sys->s_idx[sub->pick[i]];
  sub->ev = g_new (double, MAX (m * m, (size_t) 1));
  sub->w = g_new (double, MAX (m, (size_t) 1));
  ntkmc_cntk_op_gather (sys->ctx, sys->op, m, m_idx, m, m_idx, sub->ev, m);
  if (m == 0 || ntkmc_linalg_syevd (m, sub->ev, m, sub->w) != 0
      || sub->k == 0 || !(sub->w[m - 1 - sub->k] > 0))
    sub->k = 0;   /* no usable spectrum (a tiny problem) */
  if (with_c)
    {
      sub->c = ntkmc_big_alloc (MAX (n * m, (size_t) 1), sizeof (double),
                                "the subsample kernel", error);
      if (sub->c == NULL)
        {
          g_free (m_idx);
          subsample_clear (sub);
          return FALSE;
        }
      ntkmc_cntk_op_gather (sys->ctx, sys->op, n, sys->s_idx, m, m_idx,
                            sub->c, n);
    }
  g_free (m_idx);
  return TRUE;
}

/*
 * The conjugate-gradient preconditioner, two levels:
 *
 *   P^-1 = U (L + lambda I)^-1 U^T + (I - U U^T) B^-1 (I - U U^T),
 *   B^-1 = sum_t R_t^T (K_tt + lambda I)^-1 R_t,
 *
 * - global: a Nystrom approximation K ~ U L U^T of rank k from a random
 *   subsample of m = 4k observed pixels, at most n / 2 (U orthonormal,
 *   n x k): the smooth
 *   image-wide modes, the constant first, that no tile can see;
 * - local: the observed pixels cut into BLOCK x BLOCK tiles, each tile's
 *   own system factorized (Cholesky): the fine, local part of the kernel,
 *   where a smooth kernel is worst conditioned.
 * The local part acts only on the complement of U.  Added on top of the
 * global part instead (additive Schwarz), every tile would also answer the
 * smooth modes, each a few hundred times too strongly on a large image (a
 * mode spanning many tiles is inverted once per tile): library (256,630
 * equations) stalled at a relative residual of 0.85 after 100 iterations
 * that way, and reaches 1e-2 with the projection and k = 500.
 * k = min(500, 2^27 / n), so that U stays within 1 GiB; U is built from
 * K(S, M) gathered a block of rows at a time, never held whole.  Without
 * a usable spectrum (tiny problems) the global part is left out.
 */
#define BLOCK 32
#define PRECOND_RANK 500

typedef struct {
  size_t n, k;
  unsigned nrhs;
  double *u;                    /* n x k, orthonormal columns (or zero) */
  double *scale;                /* k: 1 / (l_i + lambda), 0 = dropped */
  double *t, *t2;               /* k x nrhs work */
  double *proj;                 /* n x nrhs work: (I - U U^T) r */
  size_t n_blocks;
  size_t *start;                /* n_blocks + 1 offsets into perm */
  size_t *perm;                 /* positions in S, tile by tile */
  double **factor;              /* per tile: its Cholesky factor */
  double *w;                    /* work: one tile's values */
} Precond;

static void
precond_clear (Precond *pc)
{
  size_t b;

  for (b = 0; pc->factor != NULL && b < pc->n_blocks; b++)
    g_free (pc->factor[b]);
  g_free (pc->factor);
  g_free (pc->perm);
  g_free (pc->start);
  g_free (pc->w);
  ntkmc_big_free (pc->u);
  ntkmc_big_free (pc->proj);
  g_free (pc->scale);
  g_free (pc->t);
  g_free (pc->t2);
  memset (pc, 0, sizeof *pc);
}

/* The local level: tiles of the observed pixels, each factorized. */
static gboolean
precond_blocks (System *sys, Precond *pc, GError **error)
{
  size_t n = sys->n_s, w = sys->width, h = sys->n_grid / w, i, b;
  size_t tw = (w + BLOCK - 1) / BLOCK, th = (h + BLOCK - 1) / BLOCK;
  size_t n_tiles = tw * th, *count = g_new0 (size_t, n_tiles + 1);
  size_t *tile_of = g_new (size_t, MAX (n, (size_t) 1)), *idx, largest = 0;

  for (i = 0; i < n; i++)
    {
      size_t p = sys->s_idx[i];
      tile_of[i] = (p / w / BLOCK) * tw + (p % w) / BLOCK;
      count[tile_of[i] + 1]++;
    }
  for (b = 0; b < n_tiles; b++)
    count[b + 1] += count[b];
  pc->n_blocks = n_tiles;
  pc->start = count;
  pc->perm = g_new (size_t, MAX (n, (size_t) 1));
  {
    size_t *fill = g_memdup2 (count, n_tiles * sizeof (size_t));
    for (i = 0; i < n; i++)
      pc->perm[fill[tile_of[i]]++] = i;
    g_free (fill);
  }
  g_free (tile_of);
  pc->factor = g_new0 (double *, n_tiles);
  for (b = 0; b < n_tiles; b++)
    largest = MAX (largest, count[b + 1] - count[b]);
  pc->w = g_new (double, MAX (largest, (size_t) 1));
  idx = g_new (size_t, MAX (largest, (size_t) 1));
  for (b = 0; b < n_tiles; b++)
    {
      size_t nb = count[b + 1] - count[b], a;
      double *f;
      if (nb == 0)
        continue;
      for (a = 0; a < nb; a++)
        idx[a] = sys->s_idx[pc->perm[count[b] + a]];
      f = pc->factor[b] = g_new (double, nb * nb);
      ntkmc_cntk_op_gather (sys->ctx, sys->op, nb, idx, nb, idx, f, nb);
      for (a = 0; a < nb; a++)
        f[a + a * nb] += sys->lambda;
      if (ntkmc_linalg_potrf ('L', nb, f, nb) != 0)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_NOT_SPD,
                       "the kernel over a %d x %d tile of %zu observed "
                       "pixels is not positive definite; raise the ridge",
                       BLOCK, BLOCK, nb);
          g_free (idx);
          return FALSE;
        }
    }
  g_free (idx);
  return TRUE;
}

/*
 * The global level.  With E_k, L_k the top eigenpairs of K(M, M):
 * B = K(S, M) E_k L_k^-1/2 (n x k, so B B^T = the Nystrom approximation),
 * filled a block of rows at a time; then B = U S V^T from the eigensystem
 * of B^T B, and U = B V S^-1 overwrites B, again by blocks of rows.
 */
static gboolean
precond_global_init (System *sys, Precond *pc, GError **error)
{
  size_t n = sys->n_s, k, m, i, a, r0, rows, cap;
  size_t *m_idx = NULL;
  double *ek = NULL, *chunk = NULL, *g = NULL, *s2 = NULL, *b;
  Subsample sub;
  gboolean ok = FALSE;

  cap = ((size_t) 1 << 27) / MAX (n, (size_t) 1);
  k = MIN ((size_t) PRECOND_RANK, MAX ((size_t) 16, cap));
  /* at most half the pixels: on small systems the subsample's own
   * eigendecomposition would otherwise cost more than the solve */
  if (!subsample_init (sys, &sub, MIN (4 * k, MAX ((size_t) 64, n / 2)), k,
                       FALSE, error))
    return FALSE;
  m = sub.m;
  k = sub.k;
  if (k == 0)
    {
      subsample_clear (&sub);
      return TRUE;
    }
  b = pc->u = ntkmc_big_alloc (n * k, sizeof (double), "the preconditioner",
                               error);
  if (b == NULL)
    goto out;
  /* E_k L_k^-1/2, the top k eigenvectors (the last columns) scaled */
  ek = g_new (double, m * k);
  for (a = 0; a < k; a++)
    {
      double f = 1.0 / sqrt (sub.w[m - k + a]);
      for (i = 0; i < m; i++)
        ek[i + a * m] = sub.ev[i + (m - k + a) * m] * f;
    }
  m_idx = g_new (size_t, m);
  for (i = 0; i < m; i++)
    m_idx[i] = sys->s_idx[sub.pick[i]];
  rows = MAX ((size_t) 64, ((size_t) 1 << 23) / MAX (m, k));  /* 64 MB */
  chunk = g_new (double, rows * MAX (m, k));
  for (r0 = 0; r0 < n; r0 += rows)
    {
      size_t nr = MIN (rows, n - r0);
      ntkmc_cntk_op_gather (sys->ctx, sys->op, nr, sys->s_idx + r0, m, m_idx,
                            chunk, nr);
      ntkmc_linalg_gemm ('N', 'N', nr, k, m, 1.0, chunk, nr, ek, m, 0.0,
                         b + r0, n);
    }
  g = g_new (double, k * k);
  s2 = g_new (double, k);
  ntkmc_linalg_gemm ('T', 'N', k, k, n, 1.0, b, n, b, n, 0.0, g, k);
  if (ntkmc_linalg_syevd (k, g, k, s2) != 0)
    {
      /* no global level: the local one alone is still a preconditioner */
      ntkmc_big_free (pc->u);
      pc->u = NULL;
      ok = TRUE;
      goto out;
    }
  pc->scale = g_new0 (double, k);
  for (a = 0; a < k; a++)
    if (s2[a] > 1e-10 * s2[k - 1])
      {
        /* keep the directions well above rounding */
        double f = 1.0 / sqrt (s2[a]);
        for (i = 0; i < k; i++)
          g[i + a * k] *= f;
        pc->scale[a] = 1.0 / (s2[a] + sys->lambda);
      }
    else
      memset (g + a * k, 0, k * sizeof (double));
  for (r0 = 0; r0 < n; r0 += rows)
    {
      size_t nr = MIN (rows, n - r0);
      ntkmc_linalg_gemm ('N', 'N', nr, k, k, 1.0, b + r0, n, g, k, 0.0,
                         chunk, nr);
      for (a = 0; a < k; a++)
        memcpy (b + r0 + a * n, chunk + a * nr, nr * sizeof (double));
    }
  pc->k = k;
  ok = TRUE;

out:
  g_free (s2);
  g_free (g);
  g_free (chunk);
  g_free (m_idx);
  g_free (ek);
  subsample_clear (&sub);
  return ok;
}

static gboolean
precond_init (System *sys, Precond *pc, GError **error)
{
  memset (pc, 0, sizeof *pc);
  pc->n = sys->n_s;
  pc->nrhs = sys->nrhs;
  if (!precond_global_init (sys, pc, error)
      || !precond_blocks (sys, pc, error))
    {
      precond_clear (pc);
      return FALSE;
    }
  if (pc->k > 0)
    {
      pc->t = g_new (double, pc->k * pc->nrhs);
      pc->t2 = g_new (double, pc->k * pc->nrhs);
      pc->proj = ntkmc_big_alloc (pc->n * pc->nrhs, sizeof (double),
                                  "the preconditioner", error);
      if (pc->proj == NULL)
        {
          precond_clear (pc);
          return FALSE;
        }
    }
  return TRUE;
}

/* z = B^-1 r for one column: every tile's system. */
static void
precond_local (Precond *pc, const double *r, double *z)
{
  size_t a, b;

  for (b = 0; b < pc->n_blocks; b++)
    {
      size_t nb = pc->start[b + 1] - pc->start[b];
      const size_t *perm = pc->perm + pc->start[b];
      if (nb == 0)
        continue;
      for (a = 0; a < nb; a++)
        pc->w[a] = r[perm[a]];
      ntkmc_linalg_trsm ('L', 'L', 'N', 'N', nb, 1, 1.0, pc->factor[b], nb,
                         pc->w, nb);
      ntkmc_linalg_trsm ('L', 'L', 'T', 'N', nb, 1, 1.0, pc->factor[b], nb,
                         pc->w, nb);
      for (a = 0; a < nb; a++)
        z[perm[a]] = pc->w[a];
    }
}

/* Z = P^-1 R for every column (n x nrhs, column-major). */
static void
precond_apply (Precond *pc, const double *r, double *z)
{
  size_t n = pc->n, k = pc->k, a;
  unsigned j, nrhs = pc->nrhs;
  const double *src = r;

  if (k > 0)
    {
      /* T = U^T R;  proj = R - U T */
      ntkmc_linalg_gemm ('T', 'N', k, nrhs, n, 1.0, pc->u, n, r, n, 0.0,
                         pc->t, k);
      memcpy (pc->proj, r, n * nrhs * sizeof (double));
      ntkmc_linalg_gemm ('N', 'N', n, nrhs, k, -1.0, pc->u, n, pc->t, k, 1.0,
                         pc->proj, n);
      src = pc->proj;
    }
  for (j = 0; j < nrhs; j++)
    precond_local (pc, src + j * n, z + j * n);
  if (k > 0)
    {
      /* Z += U (S T - U^T Z) */
      ntkmc_linalg_gemm ('T', 'N', k, nrhs, n, 1.0, pc->u, n, z, n, 0.0,
                         pc->t2, k);
      for (j = 0; j < nrhs; j++)
        for (a = 0; a < k; a++)
          pc->t2[a + j * k] = pc->scale[a] * pc->t[a + j * k]
                              - pc->t2[a + j * k];
      ntkmc_linalg_gemm ('N', 'N', n, nrhs, k, 1.0, pc->u, n, pc->t2, k, 1.0,
                         z, n);
    }
}

static gboolean
solve_cg (System *sys, const double *b, const double *bnorm,
          size_t max_iters, double tol, double *x, size_t *iters,
          double *resid, GError **error)
{
  size_t n = sys->n_s, nn = n * sys->nrhs, i, it = 0;
  double *r, *z, *p, *q, rz[16];
  double worst = INFINITY;
  gboolean ok = TRUE;
  Precond pc;
  unsigned j;

  if (!ntkmc_context_report (sys->ctx, 0, "conjugate gradients: "
                             "preconditioner", error)
      || !precond_init (sys, &pc, error))
    return FALSE;
  r = g_new (double, nn);
  z = g_new (double, nn);
  p = g_new (double, nn);
  q = g_new (double, nn);
  memset (x, 0, nn * sizeof (double));
  memcpy (r, b, nn * sizeof (double));
  precond_apply (&pc, r, z);
  for (j = 0; j < sys->nrhs; j++)
    rz[j] = dot (r + j * n, z + j * n, n);
  memcpy (p, z, nn * sizeof (double));
  for (;;)
    {
      worst = worst_residual (r, bnorm, n, sys->nrhs);
      if (!(ok = report (sys, "conjugate gradients", it, max_iters, worst,
                         error)))
        break;
      if (worst <= tol || it >= max_iters)
        break;
      system_apply (sys, p, q);
      for (j = 0; j < sys->nrhs; j++)
        {
          double *pj = p + j * n, *qj = q + j * n, *rj = r + j * n;
          double *xj = x + j * n, pq, a;

          if (rz[j] == 0)
            continue;   /* this channel has converged exactly */
          pq = dot (pj, qj, n);
          if (!(pq > 0))
            {
              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_NOT_SPD,
                           "conjugate gradients broke down at iteration %zu "
                           "(the kernel system is not positive definite; "
                           "raise the ridge)", it);
              ok = FALSE;
              break;
            }
          a = rz[j] / pq;
          for (i = 0; i < n; i++)
            {
              xj[i] += a * pj[i];
              rj[i] -= a * qj[i];
            }
        }
      if (!ok)
        break;
      precond_apply (&pc, r, z);
      for (j = 0; j < sys->nrhs; j++)
        {
          double *pj = p + j * n, *zj = z + j * n, rz1, beta;

          if (rz[j] == 0)
            continue;
          rz1 = dot (r + j * n, zj, n);
          beta = rz1 / rz[j];
          rz[j] = rz1;
          for (i = 0; i < n; i++)
            pj[i] = zj[i] + beta * pj[i];
        }
      if (!ok)
        break;
      it++;
    }
  *iters = it;
  *resid = worst;
  precond_clear (&pc);
  g_free (q);
  g_free (p);
  g_free (z);
  g_free (r);
  return ok;
}

/* EigenPro's subsample: up to 1000 pixels, K(S, M) within 1 GiB; k up to
 * 160 (and m / 4) eigenpairs. */
#define EIGENPRO_SUBSAMPLE(n) \
  MIN ((size_t) 1000, MAX ((size_t) 64, ((size_t) 1 << 27) / MAX ((n), (size_t) 1)))
#define EIGENPRO_RANK 160
/* residuals in a row above the best one before the step is halved */
#define EIGENPRO_RISES 2

static gboolean
solve_eigenpro (System *sys, const double *b, const double *bnorm,
                size_t max_iters, double tol, double *x, size_t *iters,
                double *resid, GError **error)
{
  size_t n = sys->n_s, nn = n * sys->nrhs, i, a, it = 0, m, k;
  size_t *pick;
  Subsample sub;
  double *w, *ev, *c, *g = NULL, *h = NULL, *t = NULL;
  double *corr = NULL, *d = NULL, tail, eta, worst = INFINITY;
  double best = INFINITY, *xbest = NULL;
  unsigned j, halvings = 0, rises = 0;
  gboolean ok = FALSE;

  if (!ntkmc_context_report (sys->ctx, 0, "EigenPro: subsample "
                             "eigensystem", error)
      || !subsample_init (sys, &sub, EIGENPRO_SUBSAMPLE (sys->n_s),
                          EIGENPRO_RANK, TRUE, error))
    return FALSE;
  m = sub.m;
  k = sub.k;
  ev = sub.ev;
  w = sub.w;
  c = sub.c;
  pick = sub.pick;
  tail = k > 0 ? w[m - 1 - k] : MAX (w[m - 1], 0.0);
  d = g_new (double, MAX (k, (size_t) 1));
  for (a = 0; a < k; a++)
    {
      double l = w[m - 1 - a];
      d[a] = (1 - tail / l) / l;
    }
  eta = 1.0 / ((double) n / (double) m * tail + sys->lambda);

  g = g_new (double, nn);
  h = g_new (double, m * sys->nrhs);
  t = g_new (double, MAX (k, (size_t) 1) * sys->nrhs);
  corr = g_new (double, m * sys->nrhs);
  xbest = g_new (double, nn);
  memset (x, 0, nn * sizeof (double));

  for (;;)
    {
      /* g = (K + lambda I) x - b */
      system_apply (sys, x, g);
      for (i = 0; i < nn; i++)
        g[i] -= b[i];
      worst = worst_residual (g, bnorm, n, sys->nrhs);
      if (!report (sys, "EigenPro", it, max_iters, worst, error))
        goto out;
      if (worst <= best)
        {
          /* (equal: the best iterate again, just restored) */
          best = worst;
          rises = 0;
          memcpy (xbest, x, nn * sizeof (double));
        }
      else
        rises++;
      if (worst <= tol || it >= max_iters)
        break;
      if (rises >= EIGENPRO_RISES)
        {
          /* The subsample's spectrum underestimated the step's reach: some
           * direction grows (barbara's nearly local kernel: by 0.5% per
           * iteration).  Back to the best iterate with half the step. */
          if (++halvings > 8)
            {
              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_NOT_SPD,
                           "EigenPro diverged (residual %.3g); use the "
                           "direct or the conjugate-gradient solver", worst);
              goto out;
            }
          eta /= 2;
          rises = 0;
          memcpy (x, xbest, nn * sizeof (double));
          it++;
          continue;
        }
      for (i = 0; i < nn; i++)
        x[i] -= eta * g[i];
      if (k > 0)
        {
          /* alpha_M += eta E D E^T K(M, S) g */
          for (j = 0; j < sys->nrhs; j++)
            ntkmc_linalg_gemv ('T', n, m, 1.0, c, n, g + j * n, 0.0,
                               h + j * m);
          ntkmc_linalg_gemm ('T', 'N', k, sys->nrhs, m, 1.0,
                             ev + (m - k) * m, m, h, m, 0.0, t, k);
          for (j = 0; j < sys->nrhs; j++)
            for (a = 0; a < k; a++)
              /* eigenvalues ascend: column m - k + a is the (k - a)-th */
              t[a + j * k] *= d[k - 1 - a];
          ntkmc_linalg_gemm ('N', 'N', m, sys->nrhs, k, 1.0, ev + (m - k) * m,
                             m, t, k, 0.0, corr, m);
          for (j = 0; j < sys->nrhs; j++)
            for (a = 0; a < m; a++)
              x[pick[a] + j * n] += eta * corr[a + j * m];
        }
      it++;
    }
  if (worst > best)
    {
      /* stopped by the cap on the way up: the best iterate is the answer */
      memcpy (x, xbest, nn * sizeof (double));
      worst = best;
    }
  ok = TRUE;

out:
  *iters = it;
  *resid = worst;
  subsample_clear (&sub);
  g_free (xbest);
  g_free (corr);
  g_free (t);
  g_free (h);
  g_free (g);
  g_free (d);
  return ok;
}

gboolean
ntkmc_iterative_solve (NtkmcContext *ctx, NtkmcCntkOp *op, size_t width,
                       size_t n_grid, const size_t *s_idx, size_t n_s, unsigned nrhs,
                       const double *b, double lambda, NtkmcSolver solver,
                       size_t max_iters, double tol, double *alpha,
                       size_t *iters, double *resid, GError **error)
{
  System sys = { ctx, op, width, n_grid, n_s, s_idx, nrhs, lambda, NULL,
                 NULL };
  double bnorm[16];
  gboolean ok;
  unsigned j;

  g_return_val_if_fail (nrhs <= G_N_ELEMENTS (bnorm), FALSE);
  for (j = 0; j < nrhs; j++)
    bnorm[j] = sqrt (dot (b + j * n_s, b + j * n_s, n_s));
  sys.gx = ntkmc_big_alloc (n_grid * nrhs, sizeof (double), "a work image",
                            error);
  sys.gy = sys.gx ? ntkmc_big_alloc (n_grid * nrhs, sizeof (double),
                                     "a work image", error)
                  : NULL;
  if (sys.gy == NULL)
    {
      ntkmc_big_free (sys.gx);
      return FALSE;
    }
  ok = solver == NTKMC_SOLVER_EIGENPRO
       ? solve_eigenpro (&sys, b, bnorm, max_iters, tol, alpha, iters, resid,
                         error)
       : solve_cg (&sys, b, bnorm, max_iters, tol, alpha, iters, resid,
                   error);
  ntkmc_big_free (sys.gy);
  ntkmc_big_free (sys.gx);
  return ok;
}
