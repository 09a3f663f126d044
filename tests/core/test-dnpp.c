/* SPDX-License-Identifier: MIT */
/*
 * test-dnpp.c: DNPP on a hand-computed example (ties, negative similarities,
 * the cell-mean fallback, the target's own profile left out), against a
 * brute-force implementation of the definition on random tensors, and its
 * errors and cancellation.
 */
#include "test-util.h"

#define G 3
#define D 5
#define C 2

/* Entry (g, d, c) of a G x D x C tensor, genes fastest. */
#define AT(y, g, d, c) ((y)[(g) + G * ((d) + D * (c))])

/*
 * Cell line 0 measures all five drugs, cell line 1 all but drug 0.
 * Pearson correlations over the three genes, worked out by hand:
 *   cell 0: d0 = (1,2,3), d1 = (2,4,6), d2 = (1,3,2), d3 = (3,2,1),
 *           d4 = (4,8,12): corr(d0,d1) = corr(d0,d4) = corr(d1,d4) = 1,
 *           corr(d0,d2) = corr(d1,d2) = corr(d2,d4) = 1/2,
 *           corr(d0,d3) = corr(d1,d3) = corr(d3,d4) = -1, corr(d2,d3) = -1/2
 *   cell 1: d1 = (0,1,0), d2 = (5,5,6), d3 = (1,0,0), d4 = (7,7,9):
 *           every pair -1/2 (centred: thirds of (-1,2,-1), (-1,-1,2),
 *           (2,-1,-1), and (-2,-2,4)/3)
 * Similarities (means over the cell lines measuring both):
 *   sim(0,1) = sim(0,4) = 1, sim(0,2) = 1/2, sim(0,3) = -1,
 *   sim(1,3) = sim(2,3) = ... : sim(3, x) = -3/4 for x = 1, 4 and -1/2 for 2.
 */
static void
fill_example (double *y, guint8 *obs)
{
  static const double c0[D][G] = { { 1, 2, 3 }, { 2, 4, 6 }, { 1, 3, 2 },
                                   { 3, 2, 1 }, { 4, 8, 12 } };
  static const double c1[D][G] = { { NAN, NAN, NAN }, { 0, 1, 0 },
                                   { 5, 5, 6 }, { 1, 0, 0 }, { 7, 7, 9 } };
  int g, d;

  for (d = 0; d < D; d++)
    for (g = 0; g < G; g++)
      {
        AT (y, g, d, 0) = c0[d][g];
        AT (y, g, d, 1) = c1[d][g];
      }
  for (d = 0; d < D; d++)
    {
      obs[d] = 1;
      obs[d + D] = d != 0;
    }
}

static void
predict_one (size_t k, size_t drug, size_t cell, double *pred,
             NtkmcDnppReport *rep)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  double y[G * D * C];
  guint8 obs[D * C];
  NtkmcDnppOptions opt;
  GError *error = NULL;

  fill_example (y, obs);
  ntkmc_dnpp_options_init (&opt);
  opt.k = k;
  g_assert_true (ntkmc_dnpp (ctx, &opt, G, D, C, y, obs, 1, &drug, &cell,
                             pred, rep, &error));
  g_assert_no_error (error);
}

static void
assert_profile (const double *got, double a, double b, double c)
{
  g_assert_cmpfloat_with_epsilon (got[0], a, 1e-12);
  g_assert_cmpfloat_with_epsilon (got[1], b, 1e-12);
  g_assert_cmpfloat_with_epsilon (got[2], c, 1e-12);
}

static void
test_hand_example (void)
{
  NtkmcDnppReport rep;
  double p[G];

  /* (d0, c1): candidates d1 (1), d4 (1), d2 (1/2), d3 (-1). */
  predict_one (1, 0, 1, p, &rep);   /* tie d1/d4: the larger index, d4 */
  assert_profile (p, 7, 7, 9);
  g_assert_cmpuint (rep.n_fallback, ==, 0);
  g_assert_cmpuint (rep.n_pairs, ==, 10);    /* every pair of 5 drugs */
  predict_one (2, 0, 1, p, &rep);   /* (d1 + d4) / 2 */
  assert_profile (p, 3.5, 4, 4.5);
  predict_one (3, 0, 1, p, &rep);   /* (d1 + d4 + d2 / 2) / 2.5 */
  assert_profile (p, 9.5 / 2.5, 10.5 / 2.5, 12.0 / 2.5);
  predict_one (10, 0, 1, p, &rep);  /* d3 joins with weight clip(-1) = 0 */
  assert_profile (p, 9.5 / 2.5, 10.5 / 2.5, 12.0 / 2.5);

  /* (d3, c1), d3 measured: every similarity negative, so the mean of the
   * other measured profiles of c1, d3's own left out. */
  predict_one (10, 3, 1, p, &rep);
  assert_profile (p, 12.0 / 3, 13.0 / 3, 15.0 / 3);
  g_assert_cmpuint (rep.n_fallback, ==, 1);

  /* (d1, c1): sim(1,2) = (1/2 - 1/2)/2 = 0, sim(1,3) = -3/4,
   * sim(1,4) = (1 - 1/2)/2 = 1/4: only d4 has weight. */
  predict_one (10, 1, 1, p, &rep);
  assert_profile (p, 7, 7, 9);
}

/* ---------------------------------------------------- brute force */

static double
pearson (size_t n, const double *a, const double *b, gboolean *defined)
{
  double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
  size_t i;

  for (i = 0; i < n; i++)
    {
      ma += a[i] / (double) n;
      mb += b[i] / (double) n;
    }
  for (i = 0; i < n; i++)
    {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
  *defined = saa > 0 && sbb > 0;
  return *defined ? sab / sqrt (saa * sbb) : 0;
}

typedef struct {
  size_t fallbacks, clipped;
} BruteStats;

/* The definition, literally: sort all candidates by (sim, drug) descending. */
static void
brute_dnpp (size_t g, size_t nd, size_t nc, const double *y,
            const guint8 *obs, size_t k, size_t d, size_t c, double *pred,
            BruteStats *st)
{
  double *sim = g_new0 (double, nd);
  gboolean *has = g_new0 (gboolean, nd);
  size_t *order = g_new (size_t, nd), n = 0, a, b, i, j, used = 0;
  double wsum = 0;

  for (a = 0; a < nd; a++)
    {
      size_t cnt = 0;
      double sum = 0;

      if (a == d || !obs[a + nd * c])
        continue;
      for (j = 0; j < nc; j++)
        if (obs[a + nd * j] && obs[d + nd * j])
          {
            gboolean def;
            double r = pearson (g, y + g * (a + nd * j), y + g * (d + nd * j),
                                &def);
            if (def)
              {
                sum += r;
                cnt++;
              }
          }
      if (cnt == 0)
        continue;
      sim[a] = sum / (double) cnt;
      has[a] = TRUE;
      order[n++] = a;
    }
  /* selection sort, descending by (sim, drug) */
  for (a = 0; a < n; a++)
    for (b = a + 1; b < n; b++)
      if (sim[order[b]] > sim[order[a]]
          || (sim[order[b]] == sim[order[a]] && order[b] > order[a]))
        {
          size_t t = order[a];
          order[a] = order[b];
          order[b] = t;
        }
  memset (pred, 0, g * sizeof (double));
  for (a = 0; a < MIN (k, n); a++)
    {
      double w = sim[order[a]] < 0 ? 0 : (sim[order[a]] > 1 ? 1
                                                            : sim[order[a]]);
      st->clipped += sim[order[a]] < 0;
      wsum += w;
      for (i = 0; i < g; i++)
        pred[i] += w * y[i + g * (order[a] + nd * c)];
    }
  if (wsum > 0)
    for (i = 0; i < g; i++)
      pred[i] /= wsum;
  else
    {
      st->fallbacks++;
      memset (pred, 0, g * sizeof (double));
      for (a = 0; a < nd; a++)
        if (a != d && obs[a + nd * c])
          {
            used++;
            for (i = 0; i < g; i++)
              pred[i] += y[i + g * (a + nd * c)];
          }
      for (i = 0; i < g; i++)
        pred[i] /= (double) used;
    }
  g_free (order);
  g_free (has);
  g_free (sim);
}

static void
test_brute_force (void)
{
  GRand *rng = g_rand_new_with_seed (2024);
  BruteStats st = { 0, 0 };
  size_t round;

  for (round = 0; round < 12; round++)
    {
      g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1 + round % 2);
      size_t g = 4 + round % 3, nd = 9 + round, nc = 3 + round % 4;
      size_t k = round % 3 == 0 ? 1 : (round % 3 == 1 ? 3 : 10);
      double *y = test_random_matrix (rng, g, nd * nc);
      guint8 *obs = g_new (guint8, nd * nc);
      size_t *td = g_new (size_t, nd * nc), *tc = g_new (size_t, nd * nc);
      size_t nt = 0, t, i, d, c, dup = 2;
      double *out, *want = g_new (double, g);
      NtkmcDnppOptions opt;
      NtkmcDnppReport rep;
      GError *error = NULL;

      for (i = 0; i < nd * nc; i++)
        obs[i] = g_rand_double (rng) < 0.6 || i % nd == 0;
      /* drug dup copies drug 1 everywhere (a tie for every target),
       * and the last drug is measured nowhere */
      for (c = 0; c < nc; c++)
        {
          obs[dup + nd * c] = obs[1 + nd * c];
          memcpy (y + g * (dup + nd * c), y + g * (1 + nd * c),
                  g * sizeof (double));
          obs[nd - 1 + nd * c] = 0;
        }
      for (i = 0; i < nd * nc; i++)
        if (!obs[i])
          for (d = 0; d < g; d++)
            y[d + g * i] = NAN;
      /* every profile is a target, measured or not */
      for (c = 0; c < nc; c++)
        for (d = 0; d < nd; d++)
          {
            td[nt] = d;
            tc[nt++] = c;
          }
      out = g_new (double, g * nt);
      ntkmc_dnpp_options_init (&opt);
      opt.k = k;
      g_assert_true (ntkmc_dnpp (ctx, &opt, g, nd, nc, y, obs, nt, td, tc,
                                 out, &rep, &error));
      g_assert_no_error (error);
      {
        size_t fb0 = st.fallbacks;
        for (t = 0; t < nt; t++)
          {
            brute_dnpp (g, nd, nc, y, obs, k, td[t], tc[t], want, &st);
            for (i = 0; i < g; i++)
              g_assert_cmpfloat_with_epsilon (out[i + g * t], want[i], 1e-10);
          }
        g_assert_cmpuint (rep.n_fallback, ==, st.fallbacks - fb0);
      }
      g_free (want);
      g_free (out);
      g_free (tc);
      g_free (td);
      g_free (obs);
      g_free (y);
    }
  /* the random cases did exercise clipping and the fallback */
  g_assert_cmpuint (st.clipped, >, 0);
  g_assert_cmpuint (st.fallbacks, >, 0);
  g_rand_free (rng);
}

/* --------------------------------------------------- errors, cancel */

static gboolean
cancel_now (double fraction, const char *message, gpointer data)
{
  (void) fraction;
  (void) message;
  (void) data;
  return FALSE;
}

static void
expect_error (NtkmcContext *ctx, const NtkmcDnppOptions *opt, size_t g,
              size_t d, size_t c, const double *y, const guint8 *obs,
              size_t drug, size_t cell, int code, const char *needle)
{
  double out[G] = { -7, -7, -7 };
  GError *error = NULL;

  g_assert_false (ntkmc_dnpp (ctx, opt, g, d, c, y, obs, 1, &drug, &cell, out,
                              NULL, &error));
  g_assert_error (error, NTKMC_ERROR, code);
  if (g_test_verbose ())
    g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, needle));
  g_assert_cmpfloat (out[0], ==, -7);
  g_assert_cmpfloat (out[2], ==, -7);
  g_clear_error (&error);
}

static void
test_errors (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  double y[G * D * C];
  guint8 obs[D * C], none[D * C] = { 0 };
  NtkmcDnppOptions opt;

  fill_example (y, obs);
  ntkmc_dnpp_options_init (&opt);
  g_assert_cmpuint (opt.k, ==, 10);
  expect_error (ctx, NULL, 0, D, C, y, obs, 0, 1, NTKMC_ERROR_INVALID,
                "at least one gene");
  expect_error (ctx, NULL, G, D, C, y, none, 0, 1, NTKMC_ERROR_INVALID,
                "no profile is measured");
  expect_error (ctx, NULL, G, D, C, y, obs, D, 1, NTKMC_ERROR_INVALID,
                "out of range");
  expect_error (ctx, NULL, G, D, C, y, obs, 0, C, NTKMC_ERROR_INVALID,
                "out of range");
  opt.k = 0;
  expect_error (ctx, &opt, G, D, C, y, obs, 0, 1, NTKMC_ERROR_INVALID,
                "k must be >= 1");
  AT (y, 1, 2, 1) = NAN;
  expect_error (ctx, NULL, G, D, C, y, obs, 0, 1, NTKMC_ERROR_INVALID,
                "drug 3 in cell line 2");
  AT (y, 1, 2, 1) = 5;
  /* a cell line whose only measured profile is the target's own */
  memset (obs + D, 0, D);
  obs[D + 2] = 1;
  expect_error (ctx, NULL, G, D, C, y, obs, 2, 1, NTKMC_ERROR_INVALID,
                "nothing to be predicted from");
  fill_example (y, obs);
  ntkmc_context_set_progress (ctx, cancel_now, NULL);
  expect_error (ctx, NULL, G, D, C, y, obs, 0, 1, NTKMC_ERROR_CANCELLED,
                "cancelled");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/dnpp/hand-example", test_hand_example);
  g_test_add_func ("/dnpp/brute-force", test_brute_force);
  g_test_add_func ("/dnpp/errors", test_errors);
  return g_test_run ();
}
