/* SPDX-License-Identifier: MIT */
/*
 * dnpp.c: drug neighbour profile prediction (DNPP), the paper's baseline
 * from the reference code (dnpp.py), on a genes x drugs x cells tensor.
 *
 * Similarities: in every cell line the measured profiles are centred and
 * scaled to unit norm, so that their Gram matrix (dsyrk) holds the Pearson
 * correlations; the correlations are summed per drug pair over the cell
 * lines, with a count, into two n_drugs x n_drugs lower triangles.
 * Predictions: for each target the k most similar measured drugs of its
 * cell line, weighted by their clipped similarity.
 */
#include "config.h"

#include "base/context.h"
#include "base/linalg.h"
#include "base/memory.h"
#include "base/timer.h"
#include "cmap/cmap-private.h"

#include <float.h>
#include <math.h>
#include <string.h>

void
ntkmc_dnpp_options_init (NtkmcDnppOptions *opt)
{
  g_return_if_fail (opt != NULL);
  opt->k = NTKMC_DNPP_DEFAULT_K;
}

/* The measured drugs of every cell line, in increasing order (CSR). */
typedef struct {
  size_t *start;   /* n_cells + 1 */
  size_t *drug;
} CellDrugs;

static void
cell_drugs_init (CellDrugs *cd, size_t n_drugs, size_t n_cells,
                 const guint8 *observed, size_t n_measured)
{
  size_t c, d, pos = 0;

  cd->start = g_new (size_t, n_cells + 1);
  cd->drug = g_new (size_t, n_measured);
  for (c = 0; c < n_cells; c++)
    {
      cd->start[c] = pos;
      for (d = 0; d < n_drugs; d++)
        if (observed[d + n_drugs * c])
          cd->drug[pos++] = d;
    }
  cd->start[n_cells] = pos;
}

static void
cell_drugs_clear (CellDrugs *cd)
{
  g_free (cd->start);
  g_free (cd->drug);
}

/* Similarity sums and counts, lower triangles (row index >= column). */
typedef struct {
  size_t n;
  double *sum;
  guint32 *count;
} Similarity;

static inline gboolean
sim_get (const Similarity *s, size_t a, size_t b, double *value)
{
  size_t hi = MAX (a, b), lo = MIN (a, b);
  guint32 cnt = s->count[hi + lo * s->n];

  if (cnt == 0)
    return FALSE;
  *value = s->sum[hi + lo * s->n] / (double) cnt;
  return TRUE;
}

/*
 * Centres and scales the n_c measured profiles of cell line c into zn
 * (n_genes x n_c); valid[a] = FALSE for a profile without variance (its
 * column is zeroed), as np.corrcoef would give it no correlation.
 */
static void
normalize_cell (size_t n_genes, size_t n_drugs, const double *y, size_t c,
                const size_t *drugs, size_t n_c, double *zn, gboolean *valid,
                int n_threads)
{
  size_t a;

#pragma omp parallel for schedule(static) num_threads(n_threads)
  for (a = 0; a < n_c; a++)
    {
      const double *f = NTKMC_FIBRE (y, n_genes, n_drugs, drugs[a], c);
      double *z = zn + a * n_genes, mean = 0, ss = 0, big = 0;
      size_t g;

      for (g = 0; g < n_genes; g++)
        {
          mean += f[g];
          big = MAX (big, fabs (f[g]));
        }
      mean /= (double) n_genes;
      for (g = 0; g < n_genes; g++)
        {
          z[g] = f[g] - mean;
          ss += z[g] * z[g];
        }
      /* below this the centred values are rounding noise of the mean */
      valid[a] = ss > 16.0 * (double) n_genes * (DBL_EPSILON * big)
                      * (DBL_EPSILON * big)
                 && ss > 0;
      if (valid[a])
        {
          double inv = 1.0 / sqrt (ss);
          for (g = 0; g < n_genes; g++)
            z[g] *= inv;
        }
      else
        memset (z, 0, n_genes * sizeof (double));
    }
}

static gboolean
compute_similarity (NtkmcContext *ctx, size_t n_genes, size_t n_drugs,
                    size_t n_cells, const double *y, const CellDrugs *cd,
                    Similarity *s, GError **error)
{
  size_t c, max_c = 0;
  double *zn = NULL, *corr = NULL;
  gboolean *valid = NULL, ok = TRUE;

  s->n = n_drugs;
  s->sum = ntkmc_big_alloc (n_drugs * n_drugs, sizeof (double),
                            "the drug similarities", error);
  s->count = s->sum ? ntkmc_big_alloc (n_drugs * n_drugs, sizeof (guint32),
                                       "the drug similarity counts", error)
                    : NULL;
  if (s->count == NULL)
    return FALSE;
  memset (s->sum, 0, n_drugs * n_drugs * sizeof (double));
  memset (s->count, 0, n_drugs * n_drugs * sizeof (guint32));

  for (c = 0; c < n_cells; c++)
    max_c = MAX (max_c, cd->start[c + 1] - cd->start[c]);
  zn = ntkmc_big_alloc (n_genes * max_c, sizeof (double),
                        "normalized profiles", error);
  corr = zn ? ntkmc_big_alloc (max_c * max_c, sizeof (double),
                               "a correlation matrix", error)
            : NULL;
  if (corr == NULL)
    {
      ntkmc_big_free (zn);
      return FALSE;
    }
  valid = g_new (gboolean, MAX (max_c, (size_t) 1));

  for (c = 0; c < n_cells && ok; c++)
    {
      const size_t *drugs = cd->drug + cd->start[c];
      size_t n_c = cd->start[c + 1] - cd->start[c], b;

      ok = ntkmc_context_report (ctx, (double) c / (double) n_cells,
                                 "correlating drug profiles", error);
      if (!ok || n_c < 2)
        continue;
      normalize_cell (n_genes, n_drugs, y, c, drugs, n_c, zn, valid,
                      ctx->n_threads);
      ntkmc_linalg_syrk ('L', 'T', n_c, n_genes, 1.0, zn, n_genes, 0.0, corr,
                         n_c);
      /* distinct drugs of one cell line touch distinct entries */
#pragma omp parallel for schedule(dynamic, 16) num_threads(ctx->n_threads)
      for (b = 0; b < n_c; b++)
        {
          size_t a;

          if (!valid[b])
            continue;
          for (a = b + 1; a < n_c; a++)
            if (valid[a])
              {
                /* drugs[] increases, so drugs[a] > drugs[b]: lower */
                size_t at = drugs[a] + drugs[b] * n_drugs;
                s->sum[at] += CLAMP (corr[a + b * n_c], -1.0, 1.0);
                s->count[at]++;
              }
        }
    }
  g_free (valid);
  ntkmc_big_free (corr);
  ntkmc_big_free (zn);
  return ok;
}

/* A candidate neighbour: ordered by similarity, then by drug index. */
typedef struct {
  double sim;
  size_t drug;
} Neighbour;

static inline gboolean
neighbour_greater (const Neighbour *a, const Neighbour *b)
{
  return a->sim > b->sim || (a->sim == b->sim && a->drug > b->drug);
}

/*
 * The k largest candidates of target (d, c) into best[] (unordered);
 * returns how many there are.  Insertion into a k-array: k is small.
 */
static size_t
select_neighbours (const Similarity *s, const size_t *drugs, size_t n_c,
                   size_t d, size_t k, Neighbour *best)
{
  size_t a, n = 0, low = 0, i;

  for (a = 0; a < n_c; a++)
    {
      Neighbour cand;

      if (drugs[a] == d || !sim_get (s, d, drugs[a], &cand.sim))
        continue;
      cand.drug = drugs[a];
      if (n < k)
        best[n++] = cand;
      else if (neighbour_greater (&cand, &best[low]))
        best[low] = cand;
      else
        continue;
      /* keep the index of the smallest kept candidate */
      low = 0;
      for (i = 1; i < n; i++)
        if (neighbour_greater (&best[low], &best[i]))
          low = i;
    }
  return n;
}

/* Checks the targets: indices in range, a measured profile to learn from. */
static gboolean
check_targets (size_t n_drugs, size_t n_cells, const guint8 *observed,
               const CellDrugs *cd, size_t n_targets, const size_t *td,
               const size_t *tc, GError **error)
{
  size_t t;

  for (t = 0; t < n_targets; t++)
    {
      size_t others;

      if (td[t] >= n_drugs || tc[t] >= n_cells)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "DNPP: target %zu names drug %zu of %zu, cell line "
                       "%zu of %zu (indices from 0): out of range", t + 1,
                       td[t], n_drugs, tc[t], n_cells);
          return FALSE;
        }
      others = cd->start[tc[t] + 1] - cd->start[tc[t]]
               - (observed[td[t] + n_drugs * tc[t]] ? 1 : 0);
      if (others == 0)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "DNPP: cell line %zu (from 0) has no measured profile "
                       "besides the target's, so target %zu has nothing to "
                       "be predicted from", tc[t], t + 1);
          return FALSE;
        }
    }
  return TRUE;
}

/* Predicts target (d, c) into dst (n_genes); returns TRUE on fallback. */
static gboolean
predict_target (const Similarity *s, size_t n_genes, size_t n_drugs,
                const double *y, const CellDrugs *cd, size_t d, size_t c,
                size_t k, Neighbour *best, double *dst)
{
  const size_t *drugs = cd->drug + cd->start[c];
  size_t n_c = cd->start[c + 1] - cd->start[c], n, i, g, used = 0;
  double wsum = 0;

  n = select_neighbours (s, drugs, n_c, d, k, best);
  memset (dst, 0, n_genes * sizeof (double));
  for (i = 0; i < n; i++)
    {
      double w = CLAMP (best[i].sim, 0.0, 1.0);
      const double *f = NTKMC_FIBRE (y, n_genes, n_drugs, best[i].drug, c);

      if (w == 0)
        continue;
      wsum += w;
      for (g = 0; g < n_genes; g++)
        dst[g] += w * f[g];
    }
  if (wsum > 0)
    {
      for (g = 0; g < n_genes; g++)
        dst[g] /= wsum;
      return FALSE;
    }
  /* no neighbour with a positive weight: the cell line's mean profile */
  for (i = 0; i < n_c; i++)
    {
      const double *f = NTKMC_FIBRE (y, n_genes, n_drugs, drugs[i], c);

      if (drugs[i] == d)
        continue;
      used++;
      for (g = 0; g < n_genes; g++)
        dst[g] += f[g];
    }
  for (g = 0; g < n_genes; g++)
    dst[g] /= (double) used;
  return TRUE;
}

gboolean
ntkmc_dnpp (NtkmcContext *ctx, const NtkmcDnppOptions *opt, size_t n_genes,
            size_t n_drugs, size_t n_cells, const double *y,
            const guint8 *observed, size_t n_targets,
            const size_t *target_drug, const size_t *target_cell,
            double *out, NtkmcDnppReport *report, GError **error)
{
  NtkmcDnppOptions defaults;
  NtkmcDnppReport rep = { 0 };
  CellDrugs cd = { 0 };
  Similarity s = { 0 };
  double *pred = NULL, t0;
  size_t n_measured = 0, t, a, b, n_fallback = 0;
  gboolean ok;

  g_return_val_if_fail (ctx != NULL && y != NULL && observed != NULL, FALSE);
  g_return_val_if_fail (n_targets == 0
                        || (target_drug && target_cell && out), FALSE);
  if (opt == NULL)
    {
      ntkmc_dnpp_options_init (&defaults);
      opt = &defaults;
    }
  if (opt->k < 1)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "DNPP: the number of neighbours k must be >= 1");
      return FALSE;
    }
  if (!ntkmc_cmap_check_tensor ("DNPP", n_genes, n_drugs, n_cells, y,
                                observed, &n_measured, error))
    return FALSE;
  cell_drugs_init (&cd, n_drugs, n_cells, observed, n_measured);
  ok = check_targets (n_drugs, n_cells, observed, &cd, n_targets,
                      target_drug, target_cell, error);
  if (ok && n_genes > G_MAXSIZE / sizeof (double) / MAX (n_targets, 1))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "DNPP: %zu targets of %zu genes do not fit in memory",
                   n_targets, n_genes);
      ok = FALSE;
    }
  if (ok)
    {
      NtkmcProgressRange saved;

      ntkmc_context_enter (ctx);
      t0 = ntkmc_now ();
      saved = ntkmc_context_push_range (ctx, 0.0, 0.8);
      ok = compute_similarity (ctx, n_genes, n_drugs, n_cells, y, &cd, &s,
                               error);
      ntkmc_context_pop_range (ctx, saved);
      rep.seconds_similarity = ntkmc_now () - t0;
    }
  if (ok)
    ok = ntkmc_context_report (ctx, 0.8, "predicting from neighbours", error);
  if (ok)
    {
      for (b = 0; b < n_drugs; b++)
        for (a = b + 1; a < n_drugs; a++)
          rep.n_pairs += s.count[a + b * n_drugs] > 0;
      pred = ntkmc_big_alloc (n_genes * MAX (n_targets, 1), sizeof (double),
                              "the predictions", error);
      ok = pred != NULL;
    }
  if (ok)
    {
      t0 = ntkmc_now ();
#pragma omp parallel num_threads(ctx->n_threads) reduction(+:n_fallback)
      {
        Neighbour *best = g_new (Neighbour, opt->k);

#pragma omp for schedule(dynamic, 8)
        for (t = 0; t < n_targets; t++)
          n_fallback += predict_target (&s, n_genes, n_drugs, y, &cd,
                                        target_drug[t], target_cell[t],
                                        opt->k, best, pred + t * n_genes);
        g_free (best);
      }
      rep.n_fallback = n_fallback;
      rep.seconds_predict = ntkmc_now () - t0;
      ok = ntkmc_context_report (ctx, 1.0, "done", error);
    }
  if (ok && n_targets > 0)
    memcpy (out, pred, n_genes * n_targets * sizeof (double));
  ntkmc_big_free (pred);
  ntkmc_big_free (s.sum);
  ntkmc_big_free (s.count);
  cell_drugs_clear (&cd);
  if (report != NULL)
    *report = rep;
  return ok;
}
