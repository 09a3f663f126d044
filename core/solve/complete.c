/* SPDX-License-Identifier: MIT */
/*
 * complete.c: matrix completion by kernel regression with the NTK.
 *
 * Theorem 1 makes the NTK over the entries of Y block diagonal: entries of
 * different rows do not interact, and within a row the kernel between
 * columns j and j' is K(j, j').  So row i with observed columns S_i and
 * missing columns U_i is predicted as
 *
 *   y_i,U = K(U, S) K(S, S)^-1 y_i,S.
 *
 * Rows are grouped by observation pattern (S_i, U_i): every group costs one
 * Cholesky factorization of K(S, S) (dpotrf), two triangular solves with the
 * group's rows as right-hand sides (dtrsm) and one product (dgemm).  In the
 * drug-screening case (whole columns missing) there is a single group.
 */
#include "config.h"

#include "base/context.h"
#include "base/linalg.h"
#include "base/memory.h"
#include "base/timer.h"
#include "ntk/gram.h"

#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define OBSERVED(mask, ld, i, j) ((mask)[(i) + (j) * (ld)] != 0)

/* Rows of Y that share one observation pattern. */
typedef struct {
  size_t *rows;      /* the rows (borrowed from Patterns.row_store) */
  size_t n_rows;
  size_t n_obs;      /* |S| */
  double *pred;      /* n_rows x n_miss predictions, filled by the solve */
} Pattern;

typedef struct {
  Pattern *items;
  size_t n;
  size_t *row_store;
} Patterns;

static void
patterns_clear (Patterns *ps)
{
  size_t g;

  for (g = 0; g < ps->n; g++)
    g_free (ps->items[g].pred);
  g_free (ps->items);
  g_free (ps->row_store);
  memset (ps, 0, sizeof *ps);
}

void
ntkmc_complete_options_init (NtkmcCompleteOptions *opt)
{
  g_return_if_fail (opt != NULL);
  opt->ridge = 0.0;
}

/* Checks Y and the mask; counts observed entries per row into @n_obs_row. */
static gboolean
check_inputs (const NtkmcCompleteOptions *opt, size_t m, size_t n,
              const double *y, size_t ldy, const guint8 *mask, size_t ldmask,
              size_t *n_obs_row, NtkmcCompleteReport *rep, GError **error)
{
  size_t i, j;

  if (!(opt->ridge >= 0.0) || !isfinite (opt->ridge))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the ridge must be a finite number >= 0 (got %g)",
                   opt->ridge);
      return FALSE;
    }
  if (!ntkmc_linalg_check_dim (n, "number of columns", error)
      || !ntkmc_linalg_check_dim (m, "number of rows", error))
    return FALSE;

  memset (n_obs_row, 0, m * sizeof (size_t));
  for (j = 0; j < n; j++)
    for (i = 0; i < m; i++)
      if (OBSERVED (mask, ldmask, i, j))
        {
          if (!isfinite (y[i + j * ldy]))
            {
              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                           "entry (%zu, %zu) is marked observed but is not a "
                           "finite number (rows and columns counted from 1)",
                           i + 1, j + 1);
              return FALSE;
            }
          n_obs_row[i]++;
        }
  rep->n_observed = 0;
  rep->n_missing = 0;
  for (i = 0; i < m; i++)
    {
      if (n_obs_row[i] == 0 && n > 0)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "row %zu (counted from 1) has no observed entry: there "
                       "is nothing to predict it from", i + 1);
          return FALSE;
        }
      rep->n_observed += n_obs_row[i];
      rep->n_missing += n - n_obs_row[i];
    }
  return TRUE;
}

typedef struct {
  const guint64 *hash;
} HashCmp;

static int
cmp_by_hash (const void *a, const void *b, void *data)
{
  const HashCmp *hc = data;
  size_t ra = *(const size_t *) a, rb = *(const size_t *) b;
  guint64 ha = hc->hash[ra], hb = hc->hash[rb];

  if (ha != hb)
    return ha < hb ? -1 : 1;
  return ra < rb ? -1 : (ra > rb ? 1 : 0);
}

static gboolean
same_pattern (size_t n, const guint8 *mask, size_t ldmask, size_t a, size_t b)
{
  size_t j;

  for (j = 0; j < n; j++)
    if (OBSERVED (mask, ldmask, a, j) != OBSERVED (mask, ldmask, b, j))
      return FALSE;
  return TRUE;
}

/*
 * Groups the rows that have a missing entry by observation pattern: a 64-bit
 * hash of each row's pattern, a sort by hash, then exact comparison within
 * runs of equal hashes (so a collision can never merge two patterns).
 */
static void
find_patterns (size_t m, size_t n, const guint8 *mask, size_t ldmask,
               const size_t *n_obs_row, Patterns *ps)
{
  guint64 *hash = g_new (guint64, MAX (m, (size_t) 1));
  size_t *order = g_new (size_t, MAX (m, (size_t) 1));
  gboolean *taken;
  HashCmp hc = { hash };
  size_t i, j, n_inc = 0, start, pos = 0;

  for (i = 0; i < m; i++)
    hash[i] = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  for (j = 0; j < n; j++)
    for (i = 0; i < m; i++)
      hash[i] = (hash[i] ^ (OBSERVED (mask, ldmask, i, j) ? 0x9e37u : 0x51u))
                * G_GUINT64_CONSTANT (0x100000001b3);
  for (i = 0; i < m; i++)
    if (n_obs_row[i] < n)
      order[n_inc++] = i;
  g_qsort_with_data (order, (gint) n_inc, sizeof (size_t), cmp_by_hash, &hc);

  ps->row_store = g_new (size_t, MAX (n_inc, (size_t) 1));
  ps->items = g_new0 (Pattern, MAX (n_inc, (size_t) 1));
  ps->n = 0;
  taken = g_new0 (gboolean, MAX (n_inc, (size_t) 1));
  for (start = 0; start < n_inc;)
    {
      size_t end = start, a, b;

      while (end < n_inc && hash[order[end]] == hash[order[start]])
        end++;
      /* Partition the run [start, end) into exact patterns. */
      for (a = start; a < end; a++)
        {
          Pattern *pat;

          if (taken[a])
            continue;
          pat = &ps->items[ps->n++];
          pat->rows = ps->row_store + pos;
          pat->n_obs = n_obs_row[order[a]];
          for (b = a; b < end; b++)
            if (!taken[b]
                && (b == a
                    || same_pattern (n, mask, ldmask, order[a], order[b])))
              {
                taken[b] = TRUE;
                ps->row_store[pos++] = order[b];
                pat->n_rows++;
              }
        }
      start = end;
    }
  g_free (taken);
  g_free (order);
  g_free (hash);
}

/* The observed (S) and missing (U) columns of a pattern, in increasing
 * order; @s_idx and @u_idx have room for n entries. */
static void
pattern_columns (const Pattern *pat, size_t n, const guint8 *mask,
                 size_t ldmask, size_t *s_idx, size_t *u_idx)
{
  size_t j, ns = 0, nu = 0, row = pat->rows[0];

  for (j = 0; j < n; j++)
    {
      if (OBSERVED (mask, ldmask, row, j))
        s_idx[ns++] = j;
      else
        u_idx[nu++] = j;
    }
}

static double
pattern_flops (size_t s, size_t u, size_t r)
{
  double ds = (double) s, du = (double) u, dr = (double) r;
  return ds * ds * ds / 3.0 + 2.0 * ds * ds * dr + 2.0 * du * ds * dr;
}

/*
 * Factorizes kss (s x s, ld ldss, lower triangle; overwritten by its
 * Cholesky factor) and returns W = Y(R, S) K(S, S)^-1 (r x s, ld r; g_free
 * it), or NULL with @error.  Also allocates pat->pred (r x u).  Progress runs
 * from 0 to f_factor + f_solve of the caller's range.
 */
static double *
factor_solve (NtkmcContext *ctx, const NtkmcCompleteOptions *opt, size_t g,
              Pattern *pat, size_t n, const double *y, size_t ldy,
              const size_t *s_idx, double *kss, size_t ldss, double f_factor,
              NtkmcCompleteReport *rep, GError **error)
{
  size_t s = pat->n_obs, u = n - pat->n_obs, r = pat->n_rows, a, c;
  double anorm, rcond = 0.0, t0, *b;
  int info;

  if (!ntkmc_context_report (ctx, 0.0, "factorizing the kernel", error))
    return NULL;

  if (!ntkmc_linalg_check_dim (ldss, "kernel leading dimension", error))
    return NULL;
  for (a = 0; a < s; a++)
    kss[a + a * ldss] += opt->ridge;

  t0 = ntkmc_now ();
  anorm = ntkmc_linalg_lansy_one ('L', s, kss, ldss);
  info = ntkmc_linalg_potrf ('L', s, kss, ldss);
  if (info == 0)
    info = ntkmc_linalg_pocon ('L', s, kss, ldss, anorm, &rcond) != 0 ? -1 : 0;
  rep->seconds_factor += ntkmc_now () - t0;
  rep->flops_factor += (double) s * (double) s * (double) s / 3.0;
  rep->max_system = MAX (rep->max_system, s);
  if (info > 0 || (info == 0 && !(rcond >= (double) s * DBL_EPSILON)))
    {
      GString *msg = g_string_new (NULL);

      g_string_append_printf (msg, "the kernel over the %zu observed columns",
                              s);
      if (r > 1)
        g_string_append_printf (msg, " shared by %zu rows", r);
      else
        g_string_append_printf (msg, " of row %zu", pat->rows[0] + 1);
      if (info > 0)
        g_string_append_printf (msg, " is not positive definite (Cholesky "
                                "failed at leading minor %d of %zu)",
                                info, s);
      else
        g_string_append_printf (msg, " is numerically singular (reciprocal "
                                "condition number %.3g)", rcond);
      g_string_append_printf (msg, "; the feature prior may have duplicate "
                              "or nearly collinear items. Add a ridge "
                              "(e.g. --ridge %g; now %g)",
                              opt->ridge > 0 ? opt->ridge * 100 : 1e-6,
                              opt->ridge);
      g_set_error_literal (error, NTKMC_ERROR, NTKMC_ERROR_NOT_SPD, msg->str);
      g_string_free (msg, TRUE);
      return NULL;
    }
  if (info < 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "LAPACK rejected an argument while factorizing pattern "
                   "%zu", g + 1);
      return NULL;
    }
  rep->min_rcond = MIN (rep->min_rcond, rcond);

  /* W = Y(R, S) K(S, S)^-1 = Y(R, S) L^-T L^-1, solved from the right so
   * that Y's columns are gathered contiguously and nothing is transposed;
   * then the predictions P = W K(U, S)^T, r x u. */
  b = g_try_malloc (MAX ((size_t) 1, r * s) * sizeof (double));
  pat->pred = g_try_malloc (MAX ((size_t) 1, r * u) * sizeof (double));
  if (b == NULL || pat->pred == NULL)
    {
      g_free (b);
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "cannot allocate the right-hand sides of a %zu x %zu "
                   "system", s, r);
      return NULL;
    }
  if (!ntkmc_context_report (ctx, f_factor, "solving", error))
    {
      g_free (b);
      return NULL;
    }
  t0 = ntkmc_now ();
  for (a = 0; a < s; a++)
    {
      const double *col = y + s_idx[a] * ldy;
      double *dst = b + a * r;
      for (c = 0; c < r; c++)
        dst[c] = col[pat->rows[c]];
    }
  ntkmc_linalg_trsm ('R', 'L', 'T', 'N', r, s, 1.0, kss, ldss, b, r);
  ntkmc_linalg_trsm ('R', 'L', 'N', 'N', r, s, 1.0, kss, ldss, b, r);
  rep->seconds_solve += ntkmc_now () - t0;
  rep->flops_solve += 2.0 * (double) s * (double) s * (double) r;
  return b;
}

/*
 * Solves one pattern given its kernel blocks:
 *   kss: s x s, ld ldss, lower triangle read, overwritten by its factor;
 *   kus: u x s, ld ldus.
 * @s_idx: the observed columns (to gather the right-hand sides from Y).
 * Writes pat->pred (r x u).
 */
static gboolean
solve_pattern (NtkmcContext *ctx, const NtkmcCompleteOptions *opt, size_t g,
               Pattern *pat, size_t n, const double *y, size_t ldy,
               const size_t *s_idx, double *kss, size_t ldss,
               const double *kus, size_t ldus, NtkmcCompleteReport *rep,
               GError **error)
{
  size_t s = pat->n_obs, u = n - pat->n_obs, r = pat->n_rows;
  double total = pattern_flops (s, u, r), t0, *b;
  double f_factor = (double) s * (double) s * (double) s / 3.0 / total;
  double f_solve = 2.0 * (double) s * (double) s * (double) r / total;

  b = factor_solve (ctx, opt, g, pat, n, y, ldy, s_idx, kss, ldss, f_factor,
                    rep, error);
  if (b == NULL)
    return FALSE;
  if (!ntkmc_context_report (ctx, f_factor + f_solve, "predicting", error))
    {
      g_free (b);
      return FALSE;
    }
  t0 = ntkmc_now ();
  ntkmc_linalg_gemm ('N', 'T', r, u, s, 1.0, b, r, kus, ldus, 0.0, pat->pred,
                     MAX (r, (size_t) 1));
  rep->seconds_predict += ntkmc_now () - t0;
  rep->flops_predict += 2.0 * (double) u * (double) s * (double) r;
  g_free (b);
  return TRUE;
}

/* Smallest panel of targets in the one-pattern path (see below). */
#define PANEL_MIN 256

/*
 * The one-pattern case (whole columns missing, the drug-screening case)
 * without the full kernel: K(S, S) over the s observed columns (s x s), its
 * factorization and W = Y(R, S) K(S, S)^-1, then the predictions by panels
 * of targets, P(:, panel) = W K(panel, S)^T with K(panel, S) computed just
 * before it is used.  The kernel among the u targets is never formed.
 * Peak memory: s^2 + b s doubles for the kernel (panel b = max(256, s / 4),
 * at most u) plus the normalized prior of S and of one panel (p (s + b)),
 * against n^2 = (s + u)^2 for the full kernel.
 * Work: p (s^2 + 2 u s) flops of kernel products instead of p n^2.
 * @order: the observed columns, then the missing ones.
 */
static gboolean
solve_one_pattern (NtkmcContext *ctx, const NtkmcNtkOptions *ntk,
                   const NtkmcCompleteOptions *opt, Pattern *pat, size_t p,
                   size_t n, const double *z, size_t ldz, const double *y,
                   size_t ldy, const size_t *order, NtkmcCompleteReport *rep,
                   GError **error)
{
  size_t s = pat->n_obs, u = n - s, r = pat->n_rows, b, j0;
  double ds = (double) s, du = (double) u, dr = (double) r;
  double dp = z ? (double) p : 0.0;
  /* progress by flops (the kernel map counts as about 50 flops an entry) */
  double w_gram = dp * ds * ds + 25.0 * ds * ds;
  double w_factor = ds * ds * ds / 3.0, w_solve = 2.0 * ds * ds * dr;
  double w_cross = 2.0 * dp * du * ds + 50.0 * du * ds;
  double w_predict = 2.0 * du * ds * dr;
  double total = w_gram + w_factor + w_solve + w_cross + w_predict;
  double *kss = NULL, *kus = NULL, *zs = NULL, *zu = NULL, *w = NULL, t0;
  NtkmcProgressRange saved;
  NtkmcNtkReport nrep;
  gboolean ok;

  b = MIN (u, MAX ((size_t) PANEL_MIN, s / 4));
  kss = ntkmc_big_alloc (s * s, sizeof (double), "the kernel matrix", error);
  ok = kss != NULL;
  if (ok)
    {
      kus = ntkmc_big_alloc (b * s, sizeof (double),
                             "a panel of the kernel matrix", error);
      ok = kus != NULL;
    }
  if (ok && z != NULL)
    {
      zs = g_try_malloc (MAX ((size_t) 1, p * s) * sizeof (double));
      zu = g_try_malloc (MAX ((size_t) 1, p * b) * sizeof (double));
      if (zs == NULL || zu == NULL)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                       "cannot allocate %zu MiB for the normalized prior",
                       (p * (s + b) * sizeof (double)) >> 20);
          ok = FALSE;
        }
      /* every target's features are checked before any work; each panel
       * is normalized again just before its kernel block, since keeping
       * them all would take p u doubles (the pass costs p u flops against
       * the 2 p u s of the kernel blocks) */
      ok = ok && ntkmc_ntk_normalize (ntk, p, s, z, ldz, order, zs, error);
      for (j0 = 0; ok && j0 < u; j0 += b)
        ok = ntkmc_ntk_normalize (ntk, p, MIN (b, u - j0), z, ldz,
                                  order + s + j0, zu, error);
    }
  if (ok)
    {
      saved = ntkmc_context_push_range (ctx, 0.0, w_gram / total);
      ok = ntkmc_ntk_gram_ordered (ctx, ntk, p, s, z, ldz, order, kss, s,
                                   FALSE, &nrep, error);
      ntkmc_context_pop_range (ctx, saved);
      rep->ntk.seconds_gram += nrep.seconds_gram;
      rep->ntk.seconds_map += nrep.seconds_map;
      rep->flops_gram = dp * ds * ds + 2.0 * dp * du * ds;
    }
  if (ok)
    {
      double f0 = w_gram / total;

      saved = ntkmc_context_push_range (ctx, f0, 1.0);
      w = factor_solve (ctx, opt, 0, pat, n, y, ldy, order, kss, s,
                        w_factor / (total - w_gram), rep, error);
      ntkmc_context_pop_range (ctx, saved);
      ok = w != NULL;
    }
  /* the panels */
  for (j0 = 0; ok && j0 < u; j0 += b)
    {
      size_t nb = MIN (b, u - j0);
      double done = (w_gram + w_factor + w_solve
                     + (w_cross + w_predict) * (double) j0 / du) / total;

      if (!ntkmc_context_report (ctx, done, "predicting", error))
        {
          ok = FALSE;
          break;
        }
      t0 = ntkmc_now ();
      if (zu != NULL && !ntkmc_ntk_normalize (ntk, p, nb, z, ldz,
                                              order + s + j0, zu, error))
        {
          ok = FALSE;
          break;
        }
      ntkmc_ntk_cross (ctx, ntk, p, nb, zu, s, zs, kus, MAX (nb, (size_t) 1));
      rep->ntk.seconds_gram += ntkmc_now () - t0;
      t0 = ntkmc_now ();
      ntkmc_linalg_gemm ('N', 'T', r, nb, s, 1.0, w, r, kus,
                         MAX (nb, (size_t) 1), 0.0, pat->pred + j0 * r,
                         MAX (r, (size_t) 1));
      rep->seconds_predict += ntkmc_now () - t0;
      rep->flops_predict += 2.0 * (double) nb * ds * dr;
    }
  g_free (w);
  g_free (zs);
  g_free (zu);
  ntkmc_big_free (kus);
  ntkmc_big_free (kss);
  return ok;
}

/* Solves every pattern by gathering its blocks from a full kernel whose
 * lower triangle holds K(i, j), i >= j. */
static gboolean
solve_patterns_gather (NtkmcContext *ctx, const NtkmcCompleteOptions *opt,
                       Patterns *ps, size_t n, const double *y, size_t ldy,
                       const guint8 *mask, size_t ldmask, const double *k,
                       size_t ldk, NtkmcCompleteReport *rep, GError **error)
{
  size_t *s_idx = g_new (size_t, MAX (n, (size_t) 1));
  size_t *u_idx = g_new (size_t, MAX (n, (size_t) 1));
  double total = 0.0, done = 0.0;
  gboolean ok = TRUE;
  size_t g;

  for (g = 0; g < ps->n; g++)
    total += pattern_flops (ps->items[g].n_obs, n - ps->items[g].n_obs,
                            ps->items[g].n_rows);

  for (g = 0; g < ps->n && ok; g++)
    {
      Pattern *pat = &ps->items[g];
      size_t s = pat->n_obs, u = n - s, a, b;
      double *kss, *kus, t0;

      pattern_columns (pat, n, mask, ldmask, s_idx, u_idx);
      kss = ntkmc_big_alloc (s * s, sizeof (double), "a kernel block", error);
      kus = kss ? ntkmc_big_alloc (u * s, sizeof (double), "a kernel block",
                                   error)
                : NULL;
      if (kss == NULL || kus == NULL)
        {
          ntkmc_big_free (kss);
          ok = FALSE;
          break;
        }
      t0 = ntkmc_now ();
      for (b = 0; b < s; b++)
        for (a = b; a < s; a++)
          kss[a + b * s] = k[s_idx[a] + s_idx[b] * ldk];
      for (b = 0; b < s; b++)
        for (a = 0; a < u; a++)
          {
            size_t hi = MAX (u_idx[a], s_idx[b]), lo = MIN (u_idx[a], s_idx[b]);
            kus[a + b * u] = k[hi + lo * ldk];
          }
      rep->seconds_gather += ntkmc_now () - t0;

      {
        double share = pattern_flops (s, u, pat->n_rows);
        NtkmcProgressRange saved = ntkmc_context_push_range (
            ctx, total > 0 ? done / total : 0.0,
            total > 0 ? (done + share) / total : 1.0);
        ok = solve_pattern (ctx, opt, g, pat, n, y, ldy, s_idx, kss, s, kus,
                            MAX (u, (size_t) 1), rep, error);
        ntkmc_context_pop_range (ctx, saved);
        done += share;
      }
      ntkmc_big_free (kss);
      ntkmc_big_free (kus);
    }
  g_free (s_idx);
  g_free (u_idx);
  return ok;
}

/* Writes the completed matrix: observed entries copied, predictions placed. */
static void
write_output (size_t m, size_t n, const double *y, size_t ldy,
              const guint8 *mask, size_t ldmask, const Patterns *ps,
              double *out, size_t ldout)
{
  size_t *u_idx = g_new (size_t, MAX (n, (size_t) 1));
  size_t i, j, g;

  if (out != y || ldout != ldy)
    for (j = 0; j < n; j++)
      for (i = 0; i < m; i++)
        out[i + j * ldout] = OBSERVED (mask, ldmask, i, j) ? y[i + j * ldy]
                                                           : NAN;
  for (g = 0; g < ps->n; g++)
    {
      const Pattern *pat = &ps->items[g];
      size_t u = 0, c, a;

      for (j = 0; j < n; j++)
        if (!OBSERVED (mask, ldmask, pat->rows[0], j))
          u_idx[u++] = j;
      for (c = 0; c < pat->n_rows; c++)
        for (a = 0; a < u; a++)
          out[pat->rows[c] + u_idx[a] * ldout] = pat->pred[c + a * pat->n_rows];
    }
  g_free (u_idx);
}

static void
report_init (NtkmcCompleteReport *rep)
{
  memset (rep, 0, sizeof *rep);
  rep->min_rcond = INFINITY;
}

gboolean
ntkmc_complete (NtkmcContext *ctx, const NtkmcCompleteOptions *opt, size_t m,
                size_t n, const double *y, size_t ldy, const guint8 *mask,
                size_t ldmask, const double *k, size_t ldk, double *out,
                size_t ldout, NtkmcCompleteReport *report, GError **error)
{
  NtkmcCompleteOptions defaults;
  NtkmcCompleteReport rep;
  Patterns ps = { 0 };
  size_t *n_obs_row;
  gboolean ok;

  g_return_val_if_fail (ctx != NULL, FALSE);
  g_return_val_if_fail (m == 0 || n == 0 || (y && mask && k && out), FALSE);
  g_return_val_if_fail (ldy >= m && ldmask >= m && ldout >= m && ldk >= n,
                        FALSE);
  if (opt == NULL)
    {
      ntkmc_complete_options_init (&defaults);
      opt = &defaults;
    }
  report_init (&rep);
  n_obs_row = g_new (size_t, MAX (m, (size_t) 1));
  ok = check_inputs (opt, m, n, y, ldy, mask, ldmask, n_obs_row, &rep, error)
       && ntkmc_linalg_check_dim (ldk, "kernel leading dimension", error);
  if (ok)
    {
      ntkmc_context_enter (ctx);
      find_patterns (m, n, mask, ldmask, n_obs_row, &ps);
      rep.n_patterns = ps.n;
      ok = solve_patterns_gather (ctx, opt, &ps, n, y, ldy, mask, ldmask, k,
                                  ldk, &rep, error);
    }
  if (ok)
    write_output (m, n, y, ldy, mask, ldmask, &ps, out, ldout);
  patterns_clear (&ps);
  g_free (n_obs_row);
  if (report != NULL)
    *report = rep;
  return ok;
}

gboolean
ntkmc_ntk_complete (NtkmcContext *ctx, const NtkmcNtkOptions *ntk,
                    const NtkmcCompleteOptions *opt, size_t p, size_t n,
                    const double *z, size_t ldz, size_t m, const double *y,
                    size_t ldy, const guint8 *mask, size_t ldmask,
                    double *out, size_t ldout, NtkmcCompleteReport *report,
                    GError **error)
{
  NtkmcCompleteOptions defaults;
  NtkmcCompleteReport rep;
  Patterns ps = { 0 };
  size_t *n_obs_row = NULL, *order = NULL;
  double *k = NULL;
  gboolean ok;

  g_return_val_if_fail (ctx != NULL && ntk != NULL, FALSE);
  g_return_val_if_fail (m == 0 || n == 0 || (y && mask && out), FALSE);
  g_return_val_if_fail (ldy >= m && ldmask >= m && ldout >= m, FALSE);
  g_return_val_if_fail (z == NULL || ldz >= p, FALSE);
  if (opt == NULL)
    {
      ntkmc_complete_options_init (&defaults);
      opt = &defaults;
    }
  report_init (&rep);
  if (z == NULL && p != n)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "the one-hot prior needs p = n (got p = %zu, n = %zu)", p,
                   n);
      return FALSE;
    }
  n_obs_row = g_new (size_t, MAX (m, (size_t) 1));
  ok = ntkmc_ntk_options_check (ntk, error)
       && check_inputs (opt, m, n, y, ldy, mask, ldmask, n_obs_row, &rep,
                        error);
  if (ok)
    {
      find_patterns (m, n, mask, ldmask, n_obs_row, &ps);
      rep.n_patterns = ps.n;
    }
  if (ok && ps.n > 1)
    {
      k = ntkmc_big_alloc (n * n, sizeof (double), "the kernel matrix",
                           error);
      ok = k != NULL;
    }
  if (ok && ps.n == 1)
    {
      /* One pattern: K(S, S) and panels of K(U, S) only. */
      Pattern *pat = &ps.items[0];

      order = g_new (size_t, n);
      pattern_columns (pat, n, mask, ldmask, order, order + pat->n_obs);
      ok = solve_one_pattern (ctx, ntk, opt, pat, p, n, z, ldz, y, ldy,
                              order, &rep, error);
    }
  else if (ok && ps.n > 1)
    {
      /* progress: the kernel's share of the work, by flops (the map costs
       * about as much as 50 flops per entry) */
      double gram = (z ? (double) p : 0.0) * (double) n * (double) n
                    + 25.0 * (double) n * (double) n;
      double rest = 0.0, f_gram;
      NtkmcProgressRange saved;
      size_t g;

      for (g = 0; g < ps.n; g++)
        rest += pattern_flops (ps.items[g].n_obs, n - ps.items[g].n_obs,
                               ps.items[g].n_rows);
      f_gram = gram / (gram + rest);
      rep.flops_gram = z ? (double) n * (double) n * (double) p : 0.0;

      saved = ntkmc_context_push_range (ctx, 0.0, f_gram);
      ok = ntkmc_ntk_gram_ordered (ctx, ntk, p, n, z, ldz, NULL, k, n, FALSE,
                                   &rep.ntk, error);
      ntkmc_context_pop_range (ctx, saved);
      saved = ntkmc_context_push_range (ctx, f_gram, 1.0);
      ok = ok && solve_patterns_gather (ctx, opt, &ps, n, y, ldy, mask,
                                        ldmask, k, n, &rep, error);
      ntkmc_context_pop_range (ctx, saved);
    }
  if (ok)
    ok = ntkmc_context_report (ctx, 1.0, "done", error);
  if (ok)
    write_output (m, n, y, ldy, mask, ldmask, &ps, out, ldout);
  ntkmc_big_free (k);
  g_free (order);
  patterns_clear (&ps);
  g_free (n_obs_row);
  if (report != NULL)
    *report = rep;
  return ok;
}
