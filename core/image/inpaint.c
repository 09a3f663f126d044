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
#include "cntk/operator.h"
#include "image/iterative.h"

#include <float.h>
#include <math.h>
#include <string.h>

/*
 * The iterative solvers' defaults, chosen from PSNR over the seven benchmark
 * images together (docs/inpainting.md): a ridge larger than the direct
 * solve's, which both regularizes the exact full solve and conditions it,
 * and a tolerance that conjugate gradients reaches on every benchmark image
 * (library, the largest system, in 95 iterations: the cap leaves room).
 * EigenPro's Richardson iteration converges far more slowly; its cap keeps
 * it an early-stopped solver, as the paper uses it.
 */
#define ITERATIVE_RIDGE 1e-3
#define CG_MAX_ITERS 200
#define CG_TOL 1e-2
#define EIGENPRO_MAX_ITERS 100
#define EIGENPRO_TOL 1e-2

void
ntkmc_inpaint_options_init (NtkmcInpaintOptions *opt)
{
  g_return_if_fail (opt != NULL);
  opt->ridge = 4e-5;
  opt->iterative_ridge = ITERATIVE_RIDGE;
  opt->radius = 0;
  opt->max_system = 12000;
  opt->solver = NTKMC_SOLVER_AUTO;
  opt->max_iters = 0;
  opt->tol = 0;
}

gboolean
ntkmc_solver_parse (const char *name, NtkmcSolver *solver, GError **error)
{
  static const char *const names[] = { "auto", "direct", "cg", "eigenpro" };
  guint i;

  for (i = 0; name != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i]) == 0)
      {
        *solver = (NtkmcSolver) i;
        return TRUE;
      }
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
               "unknown solver '%s' (expected auto, direct, cg or eigenpro)",
               name ? name : "");
  return FALSE;
}

const char *
ntkmc_inpaint_choose_arch (const guint8 *missing, size_t width,
                           size_t height, size_t *hole_depth)
{
  guint32 *d;
  size_t r, c, depth = 0;

  g_return_val_if_fail (missing != NULL, "large-hole");
  /* chessboard distance to the nearest observed pixel: two passes */
  d = g_new (guint32, MAX (width * height, (size_t) 1));
  for (r = 0; r < height; r++)
    for (c = 0; c < width; c++)
      {
        guint32 v = 0;
        if (missing[r * width + c])
          {
            v = G_MAXUINT32 - 1;
            if (r > 0)
              {
                v = MIN (v, d[(r - 1) * width + c] + 1);
                if (c > 0)
                  v = MIN (v, d[(r - 1) * width + c - 1] + 1);
                if (c + 1 < width)
                  v = MIN (v, d[(r - 1) * width + c + 1] + 1);
              }
            if (c > 0)
              v = MIN (v, d[r * width + c - 1] + 1);
          }
        d[r * width + c] = v;
      }
  for (r = height; r-- > 0;)
    for (c = width; c-- > 0;)
      {
        guint32 v = d[r * width + c];
        if (v == 0)
          continue;
        if (r + 1 < height)
          {
            v = MIN (v, d[(r + 1) * width + c] + 1);
            if (c > 0)
              v = MIN (v, d[(r + 1) * width + c - 1] + 1);
            if (c + 1 < width)
              v = MIN (v, d[(r + 1) * width + c + 1] + 1);
          }
        if (c + 1 < width)
          v = MIN (v, d[r * width + c + 1] + 1);
        d[r * width + c] = v;
        depth = MAX (depth, (size_t) v);
      }
  g_free (d);
  if (hole_depth != NULL)
    *hole_depth = depth;
  /* scattered pixels: a deep network interpolates best (house: recon6
   * 35.87 dB vs recon3 35.71, recon2 34.95); holes up to ~20 px from their
   * rim: the 3-level network (vase, depth 18: 31.93 dB vs 31.55 with 6
   * levels); deeper holes need 6 levels (library, depth 27: 21.89 dB vs
   * 19.05 with 3) */
  if (depth <= 3)
    return "recon6";
  if (depth <= 20)
    return "notebook";
  return "large-hole";
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

/* Geometry shared by the solves of one call. */
typedef struct {
  NtkmcContext *ctx;
  const NtkmcCntk *k;
  size_t w, h, pw, ph;      /* image and padded size */
  unsigned nc;
  double ridge, iterative_ridge;
  NtkmcImage *out;
  NtkmcInpaintReport *rep;
  /* work memory reused from solve to solve (tiles, groups): fresh pages
   * for every tile cost more than its kernel gather */
  double *work;
  size_t work_cap;
  NtkmcCntkRows *rows;         /* pixel-major windows, or NULL (full form) */
} Job;

/* K(rows, cols) into @out (column-major, ld @ld). */
static void
job_gather (Job *job, size_t n_rows, const size_t *rows, size_t n_cols,
            const size_t *cols, double *out, size_t ld)
{
  if (job->rows != NULL)
    ntkmc_cntk_rows_gather (job->ctx, job->rows, n_rows, rows, n_cols, cols,
                            out, ld);
  else
    ntkmc_cntk_gather (job->ctx, job->k, job->pw, job->ph, n_rows, rows,
                       n_cols, cols, out, ld);
}

/* At least @count doubles of the job's work memory. */
static double *
job_work (Job *job, size_t count, GError **error)
{
  if (count > job->work_cap)
    {
      ntkmc_big_free (job->work);
      job->work_cap = 0;
      job->work = ntkmc_big_alloc (count, sizeof (double),
                                   "the kernel system", error);
      if (job->work == NULL)
        return NULL;
      job->work_cap = count;
    }
  return job->work;
}

/*
 * One kernel-regression solve: context pixels @s_idx (n_s, padded indices)
 * predict @u_idx (n_u) in every channel of job->out.  Progress covers the
 * caller's current range.
 */
static gboolean
solve_block (Job *job, const size_t *s_idx, size_t n_s, const size_t *u_idx,
             size_t n_u, GError **error)
{
  const size_t block = 2048;
  size_t a, ch, b0, nc = job->nc;
  double *kss = NULL, *kus = NULL, *rhs = NULL, *pred = NULL, t0;
  double tr = 0, lambda, anorm, rcond = 0;
  gboolean ok = FALSE;
  int info;

  if (!ntkmc_linalg_check_dim (n_s, "context size", error))
    return FALSE;
  if (!ntkmc_context_report (job->ctx, 0.0, "gathering the kernel", error))
    return FALSE;
  /* one block: the system, then (after the solve) the prediction rows */
  kss = job_work (job, MAX (n_s * n_s, MIN (block, n_u) * n_s), error);
  if (kss == NULL)
    return FALSE;
  t0 = ntkmc_now ();
  job_gather (job, n_s, s_idx, n_s, s_idx, kss, n_s);
  job->rep->seconds_kernel += ntkmc_now () - t0;

  /* ridge relative to the mean diagonal (the paper's epsilon tr(K) / n) */
  for (a = 0; a < n_s; a++)
    tr += kss[a + a * n_s];
  lambda = job->ridge * tr / (double) n_s;
  for (a = 0; a < n_s; a++)
    kss[a + a * n_s] += lambda;
  job->rep->lambda = lambda;
  if (!ntkmc_context_report (job->ctx, 0.2, "factorizing", error))
    goto out;
  t0 = ntkmc_now ();
  anorm = ntkmc_linalg_lansy_one ('L', n_s, kss, n_s);
  info = ntkmc_linalg_potrf ('L', n_s, kss, n_s);
  if (info == 0)
    ntkmc_linalg_pocon ('L', n_s, kss, n_s, anorm, &rcond);
  job->rep->seconds_factor += ntkmc_now () - t0;
  job->rep->rcond = MIN (job->rep->rcond, rcond);
  if (info != 0 || !(rcond >= (double) n_s * DBL_EPSILON))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_NOT_SPD,
                   "the kernel over %zu context pixels is numerically "
                   "singular (%s); raise the ridge (now %g x the mean "
                   "diagonal)", n_s,
                   info != 0 ? "Cholesky failed" : "tiny condition number",
                   job->ridge);
      goto out;
    }

  /* right-hand sides: the observed values of every channel */
  rhs = g_new (double, n_s * nc);
  for (ch = 0; ch < nc; ch++)
    {
      const double *plane = ntkmc_image_peek_plane (job->out, (unsigned) ch);
      for (a = 0; a < n_s; a++)
        rhs[a + ch * n_s] = plane[(s_idx[a] / job->pw) * job->w
                                  + s_idx[a] % job->pw];
    }
  if (!ntkmc_context_report (job->ctx, 0.6, "solving", error))
    goto out;
  t0 = ntkmc_now ();
  ntkmc_linalg_trsm ('L', 'L', 'N', 'N', n_s, nc, 1.0, kss, n_s, rhs, n_s);
  ntkmc_linalg_trsm ('L', 'L', 'T', 'N', n_s, nc, 1.0, kss, n_s, rhs, n_s);
  kss = NULL;

  /* predictions, in blocks of missing pixels: K(U_b, S) alpha */
  kus = job->work;
  pred = g_new (double, MIN (block, n_u) * nc);
  for (b0 = 0; b0 < n_u; b0 += block)
    {
      size_t nb = MIN (block, n_u - b0);
      if (!ntkmc_context_report (job->ctx, 0.7 + 0.3 * (double) b0
                                                 / (double) n_u,
                                 "predicting", error))
        goto out;
      job_gather (job, nb, u_idx + b0, n_s, s_idx, kus, nb);
      ntkmc_linalg_gemm ('N', 'N', nb, nc, n_s, 1.0, kus, nb, rhs, n_s, 0.0,
                         pred, nb);
      for (ch = 0; ch < nc; ch++)
        {
          double *plane = ntkmc_image_peek_plane (job->out, (unsigned) ch);
          for (a = 0; a < nb; a++)
            {
              size_t p = u_idx[b0 + a];
              plane[(p / job->pw) * job->w + p % job->pw] = pred[a + ch * nb];
            }
        }
    }
  job->rep->seconds_solve += ntkmc_now () - t0;
  ok = TRUE;

out:

  g_free (pred);
  g_free (rhs);
  return ok;
}

/* Is padded pixel @p inside the image? */
static inline gboolean
in_image (const Job *job, size_t p)
{
  return p % job->pw < job->w && p / job->pw < job->h;
}

/*
 * Scattered missing pixels (no global context fits): the image is cut into
 * TILE x TILE tiles; each tile's missing pixels are predicted from the
 * observed pixels within @radius of the tile, one small solve per tile.
 */
#define TILE 32

/*
 * The automatic contexts, chosen from PSNR over the benchmark images
 * together (docs/inpainting.md): around holes a 2-pixel ring (library
 * 21.89 dB, vase 32.02 with 2 px; vase 31.79 / 31.76 / 31.93 with 4 / 8 /
 * 16 px, library 21.81 with 1); around tiles of scattered pixels 8 px (house
 * 35.85 dB, 35.87 with 16 px at 3x the time).
 */
#define AUTO_RADIUS 2
#define TILE_RADIUS 8

static gboolean
solve_tiles (Job *job, const guint8 *pmiss, size_t max_tile, GError **error)
{
  size_t pw = job->pw, w = job->w, h = job->h, n_obs = 0, i;
  size_t n_tiles, t, done = 0, tr, tc, nt_r = (h + TILE - 1) / TILE;
  size_t nt_c = (w + TILE - 1) / TILE;
  size_t *s_idx = g_new (size_t, (TILE + 128) * (TILE + 128));
  size_t s_cap = (TILE + 128) * (TILE + 128);
  size_t *u_idx = g_new (size_t, TILE * TILE);
  double frac;
  long base_radius = TILE_RADIUS;
  gboolean ok = TRUE;

  for (i = 0; i < w * h; i++)
    n_obs += !pmiss[(i / w) * pw + i % w];
  frac = (double) n_obs / (double) (w * h);
  /* TILE_RADIUS, or the largest radius whose expected context fits
   * max_tile */
  while (base_radius > 1
         && (double) ((TILE + 2 * base_radius) * (TILE + 2 * base_radius))
            * frac > (double) max_tile)
    base_radius /= 2;
  job->rep->radius = (size_t) base_radius;
  n_tiles = nt_r * nt_c;
  for (t = 0; t < n_tiles && ok; t++)
    {
      size_t r0, c0, r, c, n_u = 0, n_s = 0;
      long rr, cc, radius = base_radius;
      NtkmcProgressRange saved;

      tr = t / nt_c;
      tc = t % nt_c;
      r0 = tr * TILE;
      c0 = tc * TILE;
      for (r = r0; r < MIN (r0 + TILE, h); r++)
        for (c = c0; c < MIN (c0 + TILE, w); c++)
          if (pmiss[r * pw + c])
            u_idx[n_u++] = r * pw + c;
      if (n_u == 0)
        continue;
      /* context: observed pixels in the tile grown by the radius; grow it
       * further where the tile lies inside a large hole */
      for (;;)
        {
          n_s = 0;
          for (rr = (long) r0 - radius; rr < (long) (r0 + TILE) + radius; rr++)
            for (cc = (long) c0 - radius; cc < (long) (c0 + TILE) + radius;
                 cc++)
              {
                size_t p;
                if (rr < 0 || cc < 0 || rr >= (long) h || cc >= (long) w)
                  continue;
                p = (size_t) rr * pw + (size_t) cc;
                if (!pmiss[p])
                  n_s++;
              }
          if (n_s > 0 || radius > (long) (w + h))
            break;
          radius *= 2;
          if ((TILE + 2 * (size_t) radius) * (TILE + 2 * (size_t) radius)
              > s_cap)
            {
              s_cap = (TILE + 2 * (size_t) radius) * (TILE + 2 * (size_t) radius);
              s_idx = g_renew (size_t, s_idx, s_cap);
            }
        }
      n_s = 0;
      for (rr = (long) r0 - radius; rr < (long) (r0 + TILE) + radius; rr++)
        for (cc = (long) c0 - radius; cc < (long) (c0 + TILE) + radius; cc++)
          {
            size_t p;
            if (rr < 0 || cc < 0 || rr >= (long) h || cc >= (long) w)
              continue;
            p = (size_t) rr * pw + (size_t) cc;
            if (!pmiss[p])
              s_idx[n_s++] = p;
          }
      saved = ntkmc_context_push_range (job->ctx,
                                        (double) done / (double) n_tiles,
                                        (double) (done + 1) / (double) n_tiles);
      ok = solve_block (job, s_idx, n_s, u_idx, n_u, error);
      ntkmc_context_pop_range (job->ctx, saved);
      job->rep->n_context = MAX (job->rep->n_context, n_s);
      job->rep->n_tiles++;
      done++;
    }
  g_free (s_idx);
  g_free (u_idx);
  return ok;
}

/*
 * Holes whose contexts do not touch are solved apart: the pixels of one
 * group (8-connected components of hole + context) see the other groups'
 * pixels through the kernel's constant far part only.  Cost: the sum of
 * the groups' cubes instead of the cube of their sum (library: 18 holes).
 * @s_idx, @u_idx: work arrays of the padded size and of the missing count.
 */
static gboolean
solve_groups (Job *job, const guint8 *pmiss, const guint8 *ctx_mask,
              size_t *s_idx, size_t *u_idx, GError **error)
{
  size_t pw = job->pw, ph = job->ph, n = pw * ph, i, g, n_groups = 0;
  guint32 *label = g_new0 (guint32, n);
  size_t *queue = g_new (size_t, n), *n_s = NULL, *n_u = NULL;
  double total = 0, done = 0, *cost = NULL;
  gboolean ok = TRUE;

  /* label the groups (label 0 = neither hole nor context) */
  for (i = 0; i < n; i++)
    {
      size_t head = 0, tail = 0;
      if (label[i] != 0 || !in_image (job, i) || !(pmiss[i] || ctx_mask[i]))
        continue;
      label[i] = (guint32) ++n_groups;
      queue[tail++] = i;
      while (head < tail)
        {
          size_t p = queue[head++], r = p / pw, c = p % pw;
          long dr, dc;
          for (dr = -1; dr <= 1; dr++)
            for (dc = -1; dc <= 1; dc++)
              {
                long rr = (long) r + dr, cc = (long) c + dc;
                size_t q;
                if (rr < 0 || cc < 0 || rr >= (long) ph || cc >= (long) pw)
                  continue;
                q = (size_t) rr * pw + (size_t) cc;
                if (label[q] == 0 && in_image (job, q)
                    && (pmiss[q] || ctx_mask[q]))
                  {
                    label[q] = (guint32) n_groups;
                    queue[tail++] = q;
                  }
              }
        }
    }
  n_s = g_new0 (size_t, n_groups + 1);
  n_u = g_new0 (size_t, n_groups + 1);
  cost = g_new0 (double, n_groups + 1);
  for (i = 0; i < n; i++)
    if (label[i] != 0)
      {
        if (pmiss[i])
          n_u[label[i]]++;
        else
          n_s[label[i]]++;
      }
  for (g = 1; g <= n_groups; g++)
    {
      cost[g] = (double) n_s[g] * (double) n_s[g] * (double) n_s[g];
      total += cost[g];
    }
  job->rep->n_groups = n_groups;
  job->rep->n_context = 0;
  for (g = 1; g <= n_groups && ok; g++)
    {
      size_t ns = 0, nu = 0;
      NtkmcProgressRange saved;

      for (i = 0; i < n; i++)
        if (label[i] == g)
          {
            if (pmiss[i])
              u_idx[nu++] = i;
            else
              s_idx[ns++] = i;
          }
      if (nu == 0)
        continue;
      if (ns == 0)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "no observed pixel lies within %zu pixels of a hole",
                       job->rep->radius);
          ok = FALSE;
          break;
        }
      saved = ntkmc_context_push_range (job->ctx, done / total,
                                        (done + cost[g]) / total);
      ok = solve_block (job, s_idx, ns, u_idx, nu, error);
      ntkmc_context_pop_range (job->ctx, saved);
      done += cost[g];
      job->rep->n_context = MAX (job->rep->n_context, ns);
    }
  g_free (cost);
  g_free (n_u);
  g_free (n_s);
  g_free (queue);
  g_free (label);
  return ok;
}

/*
 * The exact full solve by an iterative solver: every observed pixel is
 * context, the kernel is applied by its structure, and the predictions are
 * one more application of it to the solution.
 */
static gboolean
solve_iterative (Job *job, const guint8 *pmiss,
                 const NtkmcInpaintOptions *opt, GError **error)
{
  size_t pw = job->pw, n_grid = job->pw * job->ph, n_s = 0, i, it = 0;
  size_t max_iters = opt->max_iters;
  unsigned nc = job->nc, ch;
  double tol = opt->tol, tr = 0, t0, resid = 0;
  size_t *s_idx = g_new (size_t, n_grid);
  double *b = NULL, *alpha = NULL, *grid = NULL, *pred = NULL;
  NtkmcCntkOp *op;
  NtkmcProgressRange saved;
  gboolean ok = FALSE;

  if (max_iters == 0)
    max_iters = job->rep->solver == NTKMC_SOLVER_CG ? CG_MAX_ITERS
                                                    : EIGENPRO_MAX_ITERS;
  if (tol == 0)
    tol = job->rep->solver == NTKMC_SOLVER_CG ? CG_TOL : EIGENPRO_TOL;
  for (i = 0; i < n_grid; i++)
    if (!pmiss[i] && in_image (job, i))
      s_idx[n_s++] = i;
  op = ntkmc_cntk_op_new (job->ctx, job->k, job->pw, job->ph, nc, error);
  if (op == NULL)
    goto out;
  b = g_new (double, n_s * nc);
  alpha = g_new (double, n_s * nc);
  for (ch = 0; ch < nc; ch++)
    {
      const double *plane = ntkmc_image_peek_plane (job->out, ch);
      for (i = 0; i < n_s; i++)
        b[i + ch * n_s] = plane[(s_idx[i] / pw) * job->w + s_idx[i] % pw];
    }
  for (i = 0; i < n_s; i++)
    tr += ntkmc_cntk_op_diag (op, s_idx[i]);
  job->rep->lambda = job->iterative_ridge * tr / (double) n_s;
  job->rep->n_context = n_s;
  job->rep->radius = pw + job->ph;

  t0 = ntkmc_now ();
  saved = ntkmc_context_push_range (job->ctx, 0.0, 0.95);
  ok = ntkmc_iterative_solve (job->ctx, op, pw, n_grid, s_idx, n_s, nc, b,
                              job->rep->lambda, job->rep->solver, max_iters,
                              tol, alpha, &it, &resid, error);
  ntkmc_context_pop_range (job->ctx, saved);
  job->rep->iters = it;
  job->rep->residual = resid;
  if (!ok)
    goto out;
  ok = FALSE;
  if (!ntkmc_context_report (job->ctx, 0.95, "predicting", error))
    goto out;

  /* predictions: K alpha at the missing pixels */
  grid = g_new0 (double, n_grid * nc);
  pred = g_new (double, n_grid * nc);
  for (ch = 0; ch < nc; ch++)
    for (i = 0; i < n_s; i++)
      grid[s_idx[i] + ch * n_grid] = alpha[i + ch * n_s];
  ntkmc_cntk_op_apply (job->ctx, op, grid, pred);
  for (ch = 0; ch < nc; ch++)
    {
      double *plane = ntkmc_image_peek_plane (job->out, ch);
      for (i = 0; i < n_grid; i++)
        if (pmiss[i])
          plane[(i / pw) * job->w + i % pw] = pred[i + ch * n_grid];
    }
  job->rep->seconds_solve += ntkmc_now () - t0;
  ok = TRUE;

out:
  ntkmc_cntk_op_free (op);
  g_free (pred);
  g_free (grid);
  g_free (alpha);
  g_free (b);
  g_free (s_idx);
  return ok;
}

NtkmcImage *
ntkmc_inpaint (NtkmcContext *ctx, const NtkmcCntk *k,
               const NtkmcInpaintOptions *opt, const NtkmcImage *image,
               const guint8 *missing, NtkmcInpaintReport *report,
               GError **error)
{
  NtkmcInpaintOptions defaults;
  NtkmcInpaintReport rep = { 0 };
  Job job;
  NtkmcImage *out = NULL;
  size_t w, h, pw, ph, n_miss = 0, n_u = 0, n_ctx = 0, i;
  unsigned levels = 0;
  long radius;
  guint8 *ctx_mask = NULL, *pmiss = NULL;
  size_t *s_idx = NULL, *u_idx = NULL;
  gboolean ok = FALSE, tiled = FALSE;

  g_return_val_if_fail (ctx != NULL && k != NULL && image != NULL
                        && missing != NULL, NULL);
  if (opt == NULL)
    {
      ntkmc_inpaint_options_init (&defaults);
      opt = &defaults;
    }
  if (!(opt->ridge >= 0) || !isfinite (opt->ridge)
      || !(opt->iterative_ridge >= 0) || !isfinite (opt->iterative_ridge)
      || opt->radius < -1
      || opt->max_system < 16 || !(opt->tol >= 0) || !(opt->tol < 1)
      || (unsigned) opt->solver > NTKMC_SOLVER_EIGENPRO)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "bad inpainting options: the ridges must be >= 0, the "
                   "radius -1 (all pixels), 0 (automatic) or positive, the "
                   "largest system at least 16, the tolerance in [0, 1), "
                   "the solver one of auto, direct, cg, eigenpro");
      return NULL;
    }
  if ((opt->solver == NTKMC_SOLVER_CG || opt->solver == NTKMC_SOLVER_EIGENPRO)
      && ntkmc_image_get_n_channels (image) > 16)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the iterative solvers take at most 16 channels");
      return NULL;
    }
  w = ntkmc_image_get_width (image);
  h = ntkmc_image_get_height (image);
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
  if (!ntkmc_cntk_check_size (k, w, h, NULL)
      && !padded_size (k, w, h, levels, &pw, &ph))
    {
      GError *why = NULL;
      ntkmc_cntk_check_size (k, w, h, &why);
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH,
                   "a %zu x %zu image cannot be padded to a size this "
                   "kernel serves: %s", w, h, why->message);
      g_error_free (why);
      return NULL;
    }
  rep.padded_width = pw;
  rep.padded_height = ph;
  rep.n_missing = n_miss;
  rep.rcond = INFINITY;

  /* the missing mask on the padded grid; padding is neither observed nor
   * predicted (ctx_mask excludes it below) */
  pmiss = g_new0 (guint8, pw * ph);
  for (i = 0; i < w * h; i++)
    pmiss[(i / w) * pw + i % w] = missing[i] != 0;
  ctx_mask = g_new0 (guint8, pw * ph);

  job.ctx = ctx;
  job.k = k;
  job.w = w;
  job.h = h;
  job.pw = pw;
  job.ph = ph;
  job.nc = ntkmc_image_get_n_channels (image);
  job.ridge = opt->ridge;
  job.iterative_ridge = opt->iterative_ridge;
  job.rep = &rep;
  job.work = NULL;
  job.work_cap = 0;
  job.rows = NULL;

  /* the context radius: a ring of AUTO_RADIUS pixels around the holes,
   * thinner when that does not fit max_system; none fits when missing
   * pixels are scattered: tiles */
  radius = opt->radius;
  if (radius == 0)
    {
      long cand = AUTO_RADIUS;
      for (; cand >= 1; cand /= 2)
        {
          context_set (pw, ph, pmiss, cand, ctx_mask);
          n_ctx = 0;
          for (i = 0; i < pw * ph; i++)
            n_ctx += ctx_mask[i] && (i % pw) < w && (i / pw) < h;
          if (n_ctx <= opt->max_system)
            break;
        }
      if (cand < 1)
        tiled = TRUE;
      radius = MAX (cand, 1);
    }
  else if (radius == -1)
    radius = (long) (pw + ph);

  ntkmc_context_enter (ctx);
  job.out = out = ntkmc_image_copy (image);
  rep.solver = opt->solver == NTKMC_SOLVER_AUTO ? NTKMC_SOLVER_DIRECT
                                                : opt->solver;
  if (rep.solver != NTKMC_SOLVER_DIRECT)
    {
      ok = solve_iterative (&job, pmiss, opt, error);
      goto out;
    }
  /* the direct solves gather blocks over nearby pixels: rearrange the
   * kernel for that once (a compact kernel's copy; none for full form) */
  job.rows = ntkmc_cntk_rows_new (ctx, k, pw, ph, error);
  if (job.rows == NULL && error != NULL && *error != NULL)
    goto out;
  if (tiled)
    {
      ok = solve_tiles (&job, pmiss, MAX (opt->max_system / 4, (size_t) 16),
                        error);
      goto out;
    }
  context_set (pw, ph, pmiss, radius, ctx_mask);
  s_idx = g_new (size_t, pw * ph);
  u_idx = g_new (size_t, n_miss);
  n_ctx = 0;
  for (i = 0; i < pw * ph; i++)
    {
      if (ctx_mask[i] && in_image (&job, i))
        s_idx[n_ctx++] = i;
      else if (pmiss[i])
        u_idx[n_u++] = i;
    }
  g_assert (n_u == n_miss);
  rep.radius = (size_t) radius;
  rep.n_context = n_ctx;
  if (n_ctx == 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "no observed pixel lies within %ld pixels of the hole",
                   radius);
      goto out;
    }
  ok = solve_groups (&job, pmiss, ctx_mask, s_idx, u_idx, error);

out:
  ntkmc_big_free (job.work);
  ntkmc_cntk_rows_free (job.rows);
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
