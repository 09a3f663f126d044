/* SPDX-License-Identifier: MIT */
/*
 * test-complete.c: NTK matrix completion against the paper's worked example
 * (Appendix B), Proposition 2, the Laplacian corollary, and a brute-force
 * solve of the full (block-diagonal) kernel system.
 */
#include "test-util.h"

static const NtkmcActivation relu = { NTKMC_ACT_RELU, 0 };

/* Appendix B: Y = [y11 .5 .3; .1 .2 y23; .4 y32 y33], Z = I. */
static void
test_appendix_b (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  double y[9] = { NAN, .1, .4,  .5, .2, NAN,  .3, NAN, NAN };   /* column-major */
  guint8 mask[9] = { 0, 1, 1,  1, 1, 0,  1, 0, 0 };
  double k[9], out[9], kap1, kap0, kfull[25], rhs[5], sol[5];
  /* observed entries, row-major as in the paper: (1,2) (1,3) (2,1) (2,2) (3,1) */
  const int obs_i[5] = { 0, 0, 1, 1, 2 }, obs_j[5] = { 1, 2, 0, 1, 0 };
  NtkmcNtkOptions opt;
  NtkmcCompleteReport rep;
  GError *error = NULL;
  int a, b;

  ntkmc_ntk_options_init (&opt);
  g_assert_true (ntkmc_ntk_gram (ctx, &opt, 3, 3, NULL, 0, k, 3, NULL, &error));
  kap1 = ntkmc_kappa (&relu, 1, 1.0);
  kap0 = ntkmc_kappa (&relu, 1, 0.0);

  /* The kernel over the observed entries is the paper's 5 x 5 block matrix:
   * kappa(1) on the diagonal, kappa(0) between two entries of the same row,
   * 0 across rows. */
  for (a = 0; a < 5; a++)
    for (b = 0; b < 5; b++)
      {
        double want = obs_i[a] != obs_i[b] ? 0 : (a == b ? kap1 : kap0);
        double got = obs_i[a] == obs_i[b] ? k[obs_j[a] + 3 * obs_j[b]] : 0;
        g_assert_cmpfloat_with_epsilon (got, want, 1e-15);
        kfull[a + 5 * b] = got;
      }

  g_assert_true (ntkmc_complete (ctx, NULL, 3, 3, y, 3, mask, 3, k, 3, out, 3,
                                 &rep, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rep.n_patterns, ==, 3);
  g_assert_cmpuint (rep.n_observed, ==, 5);
  g_assert_cmpuint (rep.n_missing, ==, 4);

  /* g(M) = [.5 .3 .1 .2 .4] K^-1 k(M), solved on the full 5 x 5 system. */
  for (a = 0; a < 5; a++)
    rhs[a] = y[obs_i[a] + 3 * obs_j[a]];
  memcpy (sol, rhs, sizeof sol);
  test_dense_solve (5, kfull, sol);   /* sol = K^-1 y */
  {
    const int miss_i[4] = { 0, 1, 2, 2 }, miss_j[4] = { 0, 2, 1, 2 };
    for (b = 0; b < 4; b++)
      {
        double pred = 0;
        for (a = 0; a < 5; a++)
          if (obs_i[a] == miss_i[b])
            pred += sol[a] * k[obs_j[a] + 3 * miss_j[b]];
        g_assert_cmpfloat_with_epsilon (out[miss_i[b] + 3 * miss_j[b]], pred,
                                        1e-14);
      }
  }
  /* Closed forms: y11 = (.5 + .3) k0 / (k1 + k0); y32 = y33 = .4 k0 / k1. */
  g_assert_cmpfloat_with_epsilon (out[0], 0.8 * kap0 / (kap1 + kap0), 1e-15);
  g_assert_cmpfloat_with_epsilon (out[7], 0.3 * kap0 / (kap1 + kap0), 1e-15);
  g_assert_cmpfloat_with_epsilon (out[5], 0.4 * kap0 / kap1, 1e-15);
  g_assert_cmpfloat_with_epsilon (out[8], 0.4 * kap0 / kap1, 1e-15);
  /* Observed entries are returned unchanged. */
  for (a = 0; a < 9; a++)
    if (mask[a])
      g_assert_cmpfloat (out[a], ==, y[a]);
}

/* Proposition 2 (corrected, reference-spec.md 1.5): one-hot prior, l observed
 * columns: every missing entry of row i is sum_j y_ij / (2 pi - 1 + l). */
static void
test_proposition_2 (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  GRand *rng = g_rand_new_with_seed (2022);
  size_t m = 7, n = 40, ls[] = { 1, 2, 5, 17, 39 }, t, i, j;

  for (t = 0; t < G_N_ELEMENTS (ls); t++)
    {
      size_t l = ls[t];
      double *y = test_random_matrix (rng, m, n);
      double *out = g_new (double, m * n);
      guint8 *mask = g_new0 (guint8, m * n);
      NtkmcNtkOptions opt;
      NtkmcCompleteReport rep;
      GError *error = NULL;
      size_t *cols = g_new (size_t, n);

      /* observe l random whole columns */
      for (j = 0; j < n; j++)
        cols[j] = j;
      for (j = 0; j < n; j++)
        {
          size_t r = j + (size_t) g_rand_int_range (rng, 0, (gint32) (n - j));
          size_t tmp = cols[j]; cols[j] = cols[r]; cols[r] = tmp;
        }
      for (j = 0; j < l; j++)
        for (i = 0; i < m; i++)
          mask[i + cols[j] * m] = 1;
      for (i = 0; i < m * n; i++)
        if (!mask[i])
          y[i] = NAN;

      ntkmc_ntk_options_init (&opt);
      g_assert_true (ntkmc_ntk_complete (ctx, &opt, NULL, n, n, NULL, 0, m, y,
                                         m, mask, m, out, m, &rep, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (rep.n_patterns, ==, 1);
      for (i = 0; i < m; i++)
        {
          double sum = 0, want;
          for (j = 0; j < n; j++)
            if (mask[i + j * m])
              sum += y[i + j * m];
          want = sum / (2 * G_PI - 1 + (double) l);
          for (j = 0; j < n; j++)
            if (!mask[i + j * m])
              g_assert_cmpfloat_with_epsilon (out[i + j * m], want, 1e-12);
        }
      g_free (cols);
      g_free (mask);
      g_free (out);
      g_free (y);
    }
  g_rand_free (rng);
}

/* The Laplacian corollary: with the identity activation kappa_1(xi) = 2 xi,
 * so kernel regression is (min-norm) least squares on the normalized prior:
 * predictions w Zn_U with w = argmin || y_S - w Zn_S ||. */
static void
test_linear_least_squares (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  GRand *rng = g_rand_new_with_seed (5);
  size_t p = 4, n = 9, i, j, r, c;
  double *z = test_random_matrix (rng, p, n);
  double *zn = g_new (double, p * n);
  double y[9], out[9];
  guint8 mask[9];
  NtkmcNtkOptions opt;
  NtkmcCompleteOptions copt;
  GError *error = NULL;
  double a[16], w[4];

  /* observe 3 <= p columns: exact interpolation, w is the min-norm fit */
  for (j = 0; j < n; j++)
    {
      double nrm = 0;
      for (r = 0; r < p; r++)
        nrm += z[r + j * p] * z[r + j * p];
      for (r = 0; r < p; r++)
        zn[r + j * p] = z[r + j * p] / sqrt (nrm);
      mask[j] = j < 3;
      y[j] = j < 3 ? g_rand_double_range (rng, -1, 1) : NAN;
    }
  ntkmc_ntk_options_init (&opt);
  opt.activation.kind = NTKMC_ACT_IDENTITY;
  g_assert_true (ntkmc_ntk_complete (ctx, &opt, NULL, p, n, z, p, 1, y, 1,
                                     mask, 1, out, 1, NULL, &error));
  g_assert_no_error (error);
  {
    /* min-norm: w = Zs (Zs^T Zs)^-1 y_S */
    double g[9], v[3];
    for (i = 0; i < 3; i++)
      for (j = 0; j < 3; j++)
        {
          double d = 0;
          for (r = 0; r < p; r++)
            d += zn[r + i * p] * zn[r + j * p];
          g[i + 3 * j] = d;
        }
    memcpy (v, y, sizeof v);
    test_dense_solve (3, g, v);
    for (r = 0; r < p; r++)
      {
        w[r] = 0;
        for (j = 0; j < 3; j++)
          w[r] += zn[r + j * p] * v[j];
      }
    for (j = 3; j < n; j++)
      {
        double pred = 0;
        for (r = 0; r < p; r++)
          pred += w[r] * zn[r + j * p];
        g_assert_cmpfloat_with_epsilon (out[j], pred, 1e-10);
      }
  }

  /* observe 7 > p columns: the kernel is singular (rank p) ... */
  for (j = 0; j < n; j++)
    {
      mask[j] = j < 7;
      y[j] = j < 7 ? g_rand_double_range (rng, -1, 1) : NAN;
    }
  g_assert_false (ntkmc_ntk_complete (ctx, &opt, NULL, p, n, z, p, 1, y, 1,
                                      mask, 1, out, 1, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_NOT_SPD);
  g_assert_nonnull (strstr (error->message, "ridge"));
  g_clear_error (&error);
  /* ... and with a vanishing ridge it tends to least squares on Zn. */
  ntkmc_complete_options_init (&copt);
  copt.ridge = 1e-10;
  g_assert_true (ntkmc_ntk_complete (ctx, &opt, &copt, p, n, z, p, 1, y, 1,
                                     mask, 1, out, 1, NULL, &error));
  g_assert_no_error (error);
  for (r = 0; r < p; r++)
    for (c = 0; c < p; c++)
      {
        double d = 0;
        for (j = 0; j < 7; j++)
          d += zn[r + j * p] * zn[c + j * p];
        a[r + c * p] = d;
      }
  for (r = 0; r < p; r++)
    {
      w[r] = 0;
      for (j = 0; j < 7; j++)
        w[r] += zn[r + j * p] * y[j];
    }
  test_dense_solve (p, a, w);   /* normal equations */
  for (j = 7; j < n; j++)
    {
      double pred = 0;
      for (r = 0; r < p; r++)
        pred += w[r] * zn[r + j * p];
      g_assert_cmpfloat_with_epsilon (out[j], pred, 1e-6);
    }
  g_free (zn);
  g_free (z);
  g_rand_free (rng);
}

/* Scattered patterns: every missing entry equals the brute-force solve of
 * its row's system; the one-call and two-call paths agree. */
static void
test_brute_force (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  GRand *rng = g_rand_new_with_seed (99);
  size_t m = 12, n = 15, p = 6, i, j, a, b;
  double *z = test_random_matrix (rng, p, n);
  double *y = test_random_matrix (rng, m, n);
  double *k = g_new (double, n * n);
  double *out1 = g_new (double, m * n), *out2 = g_new (double, m * n);
  guint8 *mask = g_new (guint8, m * n);
  NtkmcNtkOptions opt;
  NtkmcCompleteReport rep;
  GError *error = NULL;

  for (i = 0; i < m * n; i++)
    mask[i] = g_rand_double (rng) < 0.6;
  for (j = 0; j < n; j++)   /* rows 0..3 share a pattern; row 4 complete */
    {
      for (i = 1; i < 4; i++)
        mask[i + j * m] = mask[0 + j * m];
      mask[4 + j * m] = 1;
    }
  for (i = 0; i < m; i++)
    mask[i] = 1;   /* column 0 observed everywhere: no empty row */
  for (i = 0; i < m * n; i++)
    if (!mask[i])
      y[i] = NAN;
  ntkmc_ntk_options_init (&opt);
  opt.depth = 2;
  g_assert_true (ntkmc_ntk_gram (ctx, &opt, p, n, z, p, k, n, NULL, &error));
  g_assert_true (ntkmc_complete (ctx, NULL, m, n, y, m, mask, m, k, n, out1, m,
                                 &rep, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (rep.n_patterns, ==, m - 4);
  g_assert_true (ntkmc_ntk_complete (ctx, &opt, NULL, p, n, z, p, m, y, m, mask,
                                     m, out2, m, NULL, &error));
  g_assert_no_error (error);

  for (i = 0; i < m; i++)
    {
      size_t s_idx[15], s = 0;
      double ks[225], v[15];
      for (j = 0; j < n; j++)
        if (mask[i + j * m])
          s_idx[s++] = j;
      for (a = 0; a < s; a++)
        {
          v[a] = y[i + s_idx[a] * m];
          for (b = 0; b < s; b++)
            ks[a + b * s] = k[s_idx[a] + s_idx[b] * n];
        }
      test_dense_solve (s, ks, v);
      for (j = 0; j < n; j++)
        {
          double pred = 0;
          if (mask[i + j * m])
            {
              g_assert_cmpfloat (out1[i + j * m], ==, y[i + j * m]);
              g_assert_cmpfloat (out2[i + j * m], ==, y[i + j * m]);
              continue;
            }
          for (a = 0; a < s; a++)
            pred += k[j + s_idx[a] * n] * v[a];
          g_assert_cmpfloat_with_epsilon (out1[i + j * m], pred, 1e-10);
          g_assert_cmpfloat_with_epsilon (out2[i + j * m], pred, 1e-10);
        }
    }
  g_free (mask);
  g_free (out1);
  g_free (out2);
  g_free (k);
  g_free (y);
  g_free (z);
  g_rand_free (rng);
}

/* Whole missing columns (the drug-screening case): the one-pattern path
 * (K(S, S) and panels of K(U, S), never the full kernel) equals the gather
 * path on a precomputed kernel: few targets (one panel), and more targets
 * than observed columns (several panels of 256, the last one partial). */
static void
single_pattern_case (size_t n, double p_obs)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  GRand *rng = g_rand_new_with_seed (1234);
  size_t m = 30, p = 50, i, j;
  double *z = test_random_matrix (rng, p, n);
  double *y = test_random_matrix (rng, m, n);
  double *k = g_new (double, n * n);
  double *out1 = g_new (double, m * n), *out2 = g_new (double, m * n);
  guint8 *mask = g_new (guint8, m * n);
  NtkmcNtkOptions opt;
  NtkmcCompleteReport r1, r2;

  for (j = 0; j < n; j++)
    {
      gboolean obs = g_rand_double (rng) < p_obs;
      for (i = 0; i < m; i++)
        mask[i + j * m] = obs;
    }
  ntkmc_ntk_options_init (&opt);
  g_assert_true (ntkmc_ntk_gram (ctx, &opt, p, n, z, p, k, n, NULL, NULL));
  g_assert_true (ntkmc_complete (ctx, NULL, m, n, y, m, mask, m, k, n, out1, m,
                                 &r1, NULL));
  g_assert_true (ntkmc_ntk_complete (ctx, &opt, NULL, p, n, z, p, m, y, m, mask,
                                     m, out2, m, &r2, NULL));
  g_assert_cmpuint (r1.n_patterns, ==, 1);
  g_assert_cmpuint (r2.n_patterns, ==, 1);
  g_assert_cmpuint (r1.max_system, ==, r2.max_system);
  g_assert_cmpuint (r2.n_missing, ==, r1.n_missing);
  g_assert_cmpfloat (r2.min_rcond, >, 0);
  g_assert_cmpfloat (r2.flops_predict, ==, r1.flops_predict);
  for (i = 0; i < m * n; i++)
    g_assert_cmpfloat_with_epsilon (out1[i], out2[i], 1e-10);
  /* in place: out == y */
  g_assert_true (ntkmc_ntk_complete (ctx, &opt, NULL, p, n, z, p, m, y, m, mask,
                                     m, y, m, NULL, NULL));
  for (i = 0; i < m * n; i++)
    g_assert_cmpfloat (y[i], ==, out2[i]);
  g_free (mask);
  g_free (out1);
  g_free (out2);
  g_free (k);
  g_free (y);
  g_free (z);
  g_rand_free (rng);
}

static void
test_single_pattern_paths (void)
{
  single_pattern_case (200, 0.9);    /* about 20 targets */
  single_pattern_case (700, 0.2);    /* about 560 targets: 3 panels */
}

static gboolean
cancel_at_once (double fraction, const char *message, gpointer data)
{
  (void) fraction;
  (void) message;
  (*(int *) data)++;
  return FALSE;
}

/* Bad input is refused with a message and leaves the output untouched. */
static void
test_bad_input (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  double z[6] = { 1, 0, 1, 0, 0, 1 };   /* items 1 and 2 identical */
  double y[6] = { 1, 2, 3, 4, NAN, NAN };   /* 2 x 3 */
  guint8 mask[6] = { 1, 1, 1, 1, 0, 0 };
  double out[6], sentinel[6] = { -7, -7, -7, -7, -7, -7 };
  NtkmcNtkOptions opt;
  NtkmcCompleteOptions copt;
  GError *error = NULL;
  int calls = 0;

  ntkmc_ntk_options_init (&opt);
  ntkmc_complete_options_init (&copt);

  /* duplicate prior items: singular kernel, error suggests a ridge */
  memcpy (out, sentinel, sizeof out);
  g_assert_false (ntkmc_ntk_complete (ctx, &opt, &copt, 2, 3, z, 2, 2, y, 2,
                                      mask, 2, out, 2, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_NOT_SPD);
  g_assert_nonnull (strstr (error->message, "ridge"));
  g_assert_cmpmem (out, sizeof out, sentinel, sizeof sentinel);
  g_clear_error (&error);
  /* with a ridge it works and is finite */
  copt.ridge = 1e-3;
  g_assert_true (ntkmc_ntk_complete (ctx, &opt, &copt, 2, 3, z, 2, 2, y, 2,
                                     mask, 2, out, 2, NULL, &error));
  g_assert_true (isfinite (out[4]) && isfinite (out[5]));

  /* negative ridge */
  copt.ridge = -1;
  g_assert_false (ntkmc_ntk_complete (ctx, &opt, &copt, 2, 3, z, 2, 2, y, 2,
                                      mask, 2, out, 2, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  copt.ridge = 0;

  /* a row with no observed entry */
  {
    guint8 m2[6] = { 1, 0, 1, 0, 0, 0 };
    memcpy (out, sentinel, sizeof out);
    z[2] = 0.5;
    g_assert_false (ntkmc_ntk_complete (ctx, &opt, &copt, 2, 3, z, 2, 2, y, 2,
                                        m2, 2, out, 2, NULL, &error));
    g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "row 2"));
    g_assert_cmpmem (out, sizeof out, sentinel, sizeof sentinel);
    g_clear_error (&error);
  }
  /* an observed entry that is not finite */
  {
    double y2[6] = { 1, 2, INFINITY, 4, 0, 0 };
    g_assert_false (ntkmc_ntk_complete (ctx, &opt, &copt, 2, 3, z, 2, 2, y2, 2,
                                        mask, 2, out, 2, NULL, &error));
    g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "(1, 2)"));
    g_clear_error (&error);
  }
  /* cancellation */
  ntkmc_context_set_progress (ctx, cancel_at_once, &calls);
  memcpy (out, sentinel, sizeof out);
  g_assert_false (ntkmc_ntk_complete (ctx, &opt, &copt, 2, 3, z, 2, 2, y, 2,
                                      mask, 2, out, 2, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_CANCELLED);
  g_assert_cmpint (calls, ==, 1);
  g_assert_cmpmem (out, sizeof out, sentinel, sizeof sentinel);
  g_clear_error (&error);
}

typedef struct {
  double last;
  int calls;
  gboolean monotone;
  const char *cancel_on;   /* cancel when a message contains this */
} ProgressLog;

static gboolean
log_progress (double fraction, const char *message, gpointer data)
{
  ProgressLog *log = data;
  if (fraction < log->last || fraction < 0 || fraction > 1)
    log->monotone = FALSE;
  log->last = fraction;
  log->calls++;
  return !(log->cancel_on && message && strstr (message, log->cancel_on));
}

/* Progress goes from 0 to 1 without stepping back, on both paths; a cancel
 * in a late phase still leaves the output untouched. */
/* Whole missing columns: a missing column whose features are not finite or
 * have zero norm is refused, naming it, before any work (no progress
 * reported) and with the output untouched. */
static void
test_bad_target_features (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  double y[6] = { 1, 2, 3, 4, NAN, NAN };   /* 2 x 3, column 3 missing */
  guint8 mask[6] = { 1, 1, 1, 1, 0, 0 };
  double out[6], sentinel[6] = { -7, -7, -7, -7, -7, -7 };
  NtkmcNtkOptions opt;
  GError *error = NULL;
  int pass;

  ntkmc_ntk_options_init (&opt);
  for (pass = 0; pass < 2; pass++)
    {
      double z[6] = { 1, 0, 0, 1, pass == 0 ? NAN : 0, 0 };
      ProgressLog log = { 0, 0, TRUE, NULL };

      ntkmc_context_set_progress (ctx, log_progress, &log);
      memcpy (out, sentinel, sizeof out);
      g_assert_false (ntkmc_ntk_complete (ctx, &opt, NULL, 2, 3, z, 2, 2, y,
                                          2, mask, 2, out, 2, NULL, &error));
      g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "item 3"));
      g_assert_nonnull (strstr (error->message, pass == 0 ? "finite"
                                                          : "zero norm"));
      g_assert_cmpint (log.calls, ==, 0);
      g_assert_cmpmem (out, sizeof out, sentinel, sizeof sentinel);
      g_clear_error (&error);
    }
}

static void
test_progress (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  GRand *rng = g_rand_new_with_seed (8);
  size_t m = 6, n = 30, p = 8, i, j, pass;
  double *z = test_random_matrix (rng, p, n);
  double *y = test_random_matrix (rng, m, n);
  double *out = g_new (double, m * n), *sentinel = g_new (double, m * n);
  guint8 *mask = g_new (guint8, m * n);
  NtkmcNtkOptions opt;
  GError *error = NULL;

  ntkmc_ntk_options_init (&opt);
  for (pass = 0; pass < 2; pass++)
    {
      ProgressLog log = { 0, 0, TRUE, NULL };
      for (j = 0; j < n; j++)
        for (i = 0; i < m; i++)   /* pass 0: whole columns; 1: scattered */
          mask[i + j * m] = pass == 0 ? j % 4 != 0
                                      : (i + 2 * j) % 5 != 0;
      ntkmc_context_set_progress (ctx, log_progress, &log);
      g_assert_true (ntkmc_ntk_complete (ctx, &opt, NULL, p, n, z, p, m, y, m,
                                         mask, m, out, m, NULL, &error));
      g_assert_no_error (error);
      g_assert_true (log.monotone);
      g_assert_cmpfloat (log.last, ==, 1.0);
      g_assert_cmpint (log.calls, >=, 5);

      log = (ProgressLog) { 0, 0, TRUE, "predicting" };
      for (i = 0; i < m * n; i++)
        out[i] = sentinel[i] = -1.0 - (double) i;
      g_assert_false (ntkmc_ntk_complete (ctx, &opt, NULL, p, n, z, p, m, y, m,
                                          mask, m, out, m, NULL, &error));
      g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_CANCELLED);
      g_assert_nonnull (strstr (error->message, "predicting"));
      g_assert_cmpmem (out, m * n * sizeof (double), sentinel,
                       m * n * sizeof (double));
      g_clear_error (&error);
    }
  g_free (mask);
  g_free (sentinel);
  g_free (out);
  g_free (y);
  g_free (z);
  g_rand_free (rng);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/complete/appendix-b", test_appendix_b);
  g_test_add_func ("/complete/proposition-2", test_proposition_2);
  g_test_add_func ("/complete/linear-least-squares", test_linear_least_squares);
  g_test_add_func ("/complete/brute-force", test_brute_force);
  g_test_add_func ("/complete/single-pattern-paths", test_single_pattern_paths);
  g_test_add_func ("/complete/bad-input", test_bad_input);
  g_test_add_func ("/complete/bad-target-features", test_bad_target_features);
  g_test_add_func ("/complete/progress", test_progress);
  return g_test_run ();
}
