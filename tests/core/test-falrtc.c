/* SPDX-License-Identifier: MIT */
/*
 * test-falrtc.c: FaLRTC recovers a low Tucker rank tensor with half of its
 * profiles missing, keeps the measured ones exactly, lowers its objective,
 * does better with per-cell-line offsets when it centres by cell line,
 * gives the same completion with single-precision products,
 * honours the iteration cap and cancellation, and rejects bad input.
 */
#include "test-util.h"

typedef struct {
  size_t g, d, c;
  double *y;      /* the full tensor */
  double *data;   /* y with the unmeasured profiles set to NaN */
  guint8 *obs;
} Problem;

/* Tucker rank (r, r, r): core r^3, factors g x r, d x r, c x r. */
static void
problem_init (Problem *p, GRand *rng, size_t g, size_t d, size_t c, size_t r,
              double missing)
{
  double *core = test_random_matrix (rng, r * r, r);
  double *a = test_random_matrix (rng, g, r), *b = test_random_matrix (rng, d, r);
  double *e = test_random_matrix (rng, c, r);
  size_t i, j, k, x, u, v, n = g * d * c;

  p->g = g;
  p->d = d;
  p->c = c;
  p->y = g_new0 (double, n);
  p->data = g_new (double, n);
  p->obs = g_new (guint8, d * c);
  for (k = 0; k < c; k++)
    for (j = 0; j < d; j++)
      for (i = 0; i < g; i++)
        {
          double s = 0;
          for (x = 0; x < r; x++)
            for (u = 0; u < r; u++)
              for (v = 0; v < r; v++)
                s += core[x + r * (u + r * v)] * a[i + g * x] * b[j + d * u]
                     * e[k + c * v];
          p->y[i + g * (j + d * k)] = s;
        }
  for (k = 0; k < d * c; k++)
    p->obs[k] = g_rand_double (rng) >= missing;
  for (k = 0; k < d * c; k++)
    for (i = 0; i < g; i++)
      p->data[i + g * k] = p->obs[k] ? p->y[i + g * k] : NAN;
  g_free (core);
  g_free (a);
  g_free (b);
  g_free (e);
}

static void
problem_clear (Problem *p)
{
  g_free (p->y);
  g_free (p->data);
  g_free (p->obs);
}

/* Relative error over the missing profiles. */
static double
missing_error (const Problem *p, const double *out)
{
  double num = 0, den = 0;
  size_t k, i;

  for (k = 0; k < p->d * p->c; k++)
    if (!p->obs[k])
      for (i = 0; i < p->g; i++)
        {
          double e = out[i + p->g * k] - p->y[i + p->g * k];
          num += e * e;
          den += p->y[i + p->g * k] * p->y[i + p->g * k];
        }
  return sqrt (num / den);
}

/* The smoothed objective at @x (every profile measured, no iteration). */
static double
objective_at (NtkmcContext *ctx, const Problem *p, const double *x)
{
  guint8 *all = g_new (guint8, p->d * p->c);
  double *out = g_new (double, p->g * p->d * p->c);
  NtkmcFalrtcOptions opt;
  NtkmcFalrtcReport rep;
  GError *error = NULL;

  memset (all, 1, p->d * p->c);
  ntkmc_falrtc_options_init (&opt);
  opt.max_iters = 0;
  g_assert_true (ntkmc_falrtc (ctx, &opt, p->g, p->d, p->c, x, all, out, &rep,
                               &error));
  g_assert_no_error (error);
  g_free (out);
  g_free (all);
  return rep.objective0;
}

/* Relative error over the missing profiles of the mean measured profile. */
static double
mean_fill_error (const Problem *p)
{
  double *fill = g_memdup2 (p->y, p->g * p->d * p->c * sizeof (double));
  double *mean = g_new0 (double, p->g), err;
  size_t k, i, n = 0;

  for (k = 0; k < p->d * p->c; k++)
    if (p->obs[k])
      {
        n++;
        for (i = 0; i < p->g; i++)
          mean[i] += p->y[i + p->g * k];
      }
  for (k = 0; k < p->d * p->c; k++)
    if (!p->obs[k])
      for (i = 0; i < p->g; i++)
        fill[i + p->g * k] = mean[i] / (double) n;
  err = missing_error (p, fill);
  g_free (mean);
  g_free (fill);
  return err;
}

/*
 * Tucker rank 2 and 3, half of the profiles missing: FaLRTC converges to a
 * point whose objective is no higher than the truth's (it solves its
 * problem), and far closer to the truth than the mean profile.  The sum of
 * trace norms shrinks whole missing fibres (the mode-1 unfolding loses
 * entire columns), so the recovery is not exact at this missing rate; with
 * 10 % missing it is.
 */
static void
test_recovery (void)
{
  GRand *rng = g_rand_new_with_seed (77);
  const struct {
    size_t rank;
    double missing, max_error;
  } cases[] = { { 2, 0.5, 0.35 }, { 3, 0.5, 0.35 }, { 2, 0.1, 1e-2 } };
  size_t t;

  /* thousands of iterations through the code the other cases cover; under
   * valgrind they would take most of the suite's time */
  if (g_getenv ("NTKMC_TEST_UNDER_VALGRIND") != NULL)
    {
      g_test_skip ("repeats covered paths; slow under valgrind");
      g_rand_free (rng);
      return;
    }

  for (t = 0; t < G_N_ELEMENTS (cases); t++)
    {
      g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
      Problem p;
      NtkmcFalrtcOptions opt;
      NtkmcFalrtcReport rep;
      GError *error = NULL;
      double *out, err, base, truth;
      size_t k;

      problem_init (&p, rng, 40, 30, 12, cases[t].rank, cases[t].missing);
      out = g_new (double, p.g * p.d * p.c);
      ntkmc_falrtc_options_init (&opt);
      opt.max_iters = 5000;
      opt.tol = 1e-7;
      g_assert_true (ntkmc_falrtc (ctx, &opt, p.g, p.d, p.c, p.data, p.obs,
                                   out, &rep, &error));
      g_assert_no_error (error);
      err = missing_error (&p, out);
      base = mean_fill_error (&p);
      truth = objective_at (ctx, &p, p.y);
      g_test_message ("rank %zu, %.0f %% missing: %d iterations, rel. change "
                      "%.2e, objective %.6g -> %.6g (truth %.6g), %d "
                      "rejected, L %.3g of %.3g, error %.3f (mean profile "
                      "%.3f)", cases[t].rank, 100 * cases[t].missing,
                      rep.iters, rep.rel_change, rep.objective0,
                      rep.objective, truth, rep.n_line_search, rep.lipschitz,
                      rep.lipschitz_max, err, base);
      g_assert_true (rep.converged);
      g_assert_cmpfloat (rep.objective, <, rep.objective0);
      g_assert_cmpfloat (rep.objective, <=, truth * (1 + 1e-9));
      g_assert_cmpfloat_with_epsilon (objective_at (ctx, &p, out),
                                      rep.objective,
                                      1e-9 * rep.objective);
      g_assert_cmpfloat (err, <, cases[t].max_error);
      g_assert_cmpfloat (err, <, 0.5 * base);
      /* default smoothing: 5 alpha_i / sqrt(I_i), alpha_i = 1/3 */
      g_assert_cmpfloat_with_epsilon (rep.mu[1], 5.0 / 3.0 / sqrt (30.0),
                                      1e-15);
      /* measured profiles bit for bit */
      for (k = 0; k < p.d * p.c; k++)
        if (p.obs[k])
          g_assert_cmpmem (out + p.g * k, p.g * sizeof (double),
                           p.data + p.g * k, p.g * sizeof (double));
      g_free (out);
      problem_clear (&p);
    }
  g_rand_free (rng);
}

/*
 * Single precision products: on rank-2 and rank-3 tensors (uncentred and
 * centred), both precisions converge to a relative change of 1e-6 and
 * agree to 3e-3 relative over the missing profiles (the distance such a
 * tolerance leaves to the optimum), recover the truth equally well, report
 * the same objective to 1e-6, and keep the measured profiles bit for bit.
 * (At 1e-7 the single-precision gradient's rounding keeps the relative
 * change from falling further.)
 */
static void
test_single_precision (void)
{
  GRand *rng = g_rand_new_with_seed (31);
  const struct {
    size_t g, d, c, rank;
    double missing;
    NtkmcFalrtcCenter center;
  } cases[] = { { 40, 30, 12, 2, 0.1, NTKMC_FALRTC_CENTER_NONE },
                { 40, 30, 12, 3, 0.2, NTKMC_FALRTC_CENTER_NONE },
                { 40, 30, 12, 2, 0.1, NTKMC_FALRTC_CENTER_CELL } };
  /* under valgrind the first case covers the code; the others repeat it */
  size_t t, n_cases = g_getenv ("NTKMC_TEST_UNDER_VALGRIND") != NULL
                          ? 1 : G_N_ELEMENTS (cases);

  for (t = 0; t < n_cases; t++)
    {
      g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
      Problem p;
      NtkmcFalrtcOptions opt;
      NtkmcFalrtcReport rd, rs;
      GError *error = NULL;
      double *od, *os, num = 0, den = 0, ed, es;
      size_t k, i, n;

      problem_init (&p, rng, cases[t].g, cases[t].d, cases[t].c,
                    cases[t].rank, cases[t].missing);
      n = p.g * p.d * p.c;
      od = g_new (double, n);
      os = g_new (double, n);
      ntkmc_falrtc_options_init (&opt);
      opt.max_iters = 2000;
      opt.tol = 1e-6;
      opt.center = cases[t].center;
      g_assert_true (ntkmc_falrtc (ctx, &opt, p.g, p.d, p.c, p.data, p.obs,
                                   od, &rd, &error));
      g_assert_no_error (error);
      opt.single_precision = TRUE;
      g_assert_true (ntkmc_falrtc (ctx, &opt, p.g, p.d, p.c, p.data, p.obs,
                                   os, &rs, &error));
      g_assert_no_error (error);
      for (k = 0; k < p.d * p.c; k++)
        for (i = 0; i < p.g; i++)
          {
            double a = od[i + p.g * k], b = os[i + p.g * k];
            if (p.obs[k])
              g_assert_true (memcmp (&b, p.data + i + p.g * k,
                                     sizeof b) == 0);
            else
              {
                num += (a - b) * (a - b);
                den += a * a;
              }
          }
      ed = missing_error (&p, od);
      es = missing_error (&p, os);
      g_test_message ("case %zu: double %d iterations, error %.4f; single %d "
                      "iterations, error %.4f; difference %.2e; objectives "
                      "%.8g / %.8g", t, rd.iters, ed, rs.iters, es,
                      sqrt (num / den), rd.objective, rs.objective);
      g_assert_true (rd.converged && rs.converged);
      g_assert_cmpfloat (sqrt (num / den), <, 3e-3);
      g_assert_cmpfloat (fabs (es - ed), <, 0.05 * ed);
      g_assert_cmpfloat_with_epsilon (rs.objective, rd.objective,
                                      1e-6 * rd.objective);
      g_free (od);
      g_free (os);
      problem_clear (&p);
    }
  g_rand_free (rng);
}

/*
 * A low-rank tensor plus a mean profile per cell line (drug-independent
 * offsets, as cell lines have in CMAP): completing the data minus each cell
 * line's mean profile (NTKMC_FALRTC_CENTER_CELL) recovers the missing
 * profiles better than completing the data as given, whose trace norms pull
 * the offsets of the missing profiles toward zero.  A cell line without
 * measured profiles gets the mean of all measured profiles as its offset.
 */
static void
test_center (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  GRand *rng = g_rand_new_with_seed (31);
  Problem p;
  NtkmcFalrtcOptions opt;
  NtkmcFalrtcReport plain, centred;
  GError *error = NULL;
  double *out, *out_c, err_plain, err_centred;
  size_t i, j, k, n;
  /* thousands of iterations: under valgrind a few cover the centred path */
  gboolean valgrind = g_getenv ("NTKMC_TEST_UNDER_VALGRIND") != NULL;

  problem_init (&p, rng, 30, 24, 10, 2, 0.4);
  n = p.g * p.d * p.c;
  for (k = 0; k < p.c; k++)
    for (i = 0; i < p.g; i++)
      {
        double o = 10.0 * (g_rand_double (rng) - 0.5);
        for (j = 0; j < p.d; j++)
          {
            p.y[i + p.g * (j + p.d * k)] += o;
            if (p.obs[j + p.d * k])
              p.data[i + p.g * (j + p.d * k)] += o;
          }
      }
  out = g_new (double, n);
  out_c = g_new (double, n);
  ntkmc_falrtc_options_init (&opt);
  g_assert_cmpint (opt.center, ==, NTKMC_FALRTC_CENTER_NONE);
  opt.max_iters = valgrind ? 10 : 5000;
  opt.tol = 1e-6;
  g_assert_true (ntkmc_falrtc (ctx, &opt, p.g, p.d, p.c, p.data, p.obs, out,
                               &plain, &error));
  g_assert_no_error (error);
  opt.center = NTKMC_FALRTC_CENTER_CELL;
  g_assert_true (ntkmc_falrtc (ctx, &opt, p.g, p.d, p.c, p.data, p.obs,
                               out_c, &centred, &error));
  g_assert_no_error (error);
  err_plain = missing_error (&p, out);
  err_centred = missing_error (&p, out_c);
  g_test_message ("per-cell offsets: error %.3f in %d iterations as given, "
                  "%.3f in %d iterations centred", err_plain, plain.iters,
                  err_centred, centred.iters);
  if (!valgrind)
    {
      g_assert_true (plain.converged);
      g_assert_true (centred.converged);
      g_assert_cmpfloat (err_centred, <, 0.6 * err_plain);
    }
  for (k = 0; k < p.d * p.c; k++)
    if (p.obs[k])
      g_assert_cmpmem (out_c + p.g * k, p.g * sizeof (double),
                       p.data + p.g * k, p.g * sizeof (double));

  /* the last cell line unmeasured: its profiles are finite; with no
   * iteration they are the mean of all measured profiles */
  memset (p.obs + p.d * (p.c - 1), 0, p.d);
  opt.max_iters = 0;
  g_assert_true (ntkmc_falrtc (ctx, &opt, p.g, p.d, p.c, p.data, p.obs,
                               out_c, &centred, &error));
  g_assert_no_error (error);
  for (i = 0; i < p.g; i++)
    {
      double mean = 0;
      size_t m = 0;
      for (k = 0; k < p.d * p.c; k++)
        if (p.obs[k])
          {
            mean += p.data[i + p.g * k];
            m++;
          }
      mean /= (double) m;
      for (j = 0; j < p.d; j++)
        g_assert_cmpfloat_with_epsilon (out_c[i + p.g * (j + p.d * (p.c - 1))],
                                        mean, 1e-12 * (1 + fabs (mean)));
    }
  g_free (out);
  g_free (out_c);
  problem_clear (&p);
  g_rand_free (rng);
}

static void
test_objective_and_cap (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  GRand *rng = g_rand_new_with_seed (5);
  const int caps[] = { 0, 1, 2, 4, 8, 16, 32, 64 };
  Problem p;
  NtkmcFalrtcOptions opt;
  NtkmcFalrtcReport rep;
  GError *error = NULL;
  double *out, prev = INFINITY, first = 0;
  size_t i;

  problem_init (&p, rng, 20, 15, 6, 2, 0.5);
  out = g_new (double, p.g * p.d * p.c);
  ntkmc_falrtc_options_init (&opt);
  opt.tol = 0;
  for (i = 0; i < G_N_ELEMENTS (caps); i++)
    {
      opt.max_iters = caps[i];
      g_assert_true (ntkmc_falrtc (ctx, &opt, p.g, p.d, p.c, p.data, p.obs,
                                   out, &rep, &error));
      g_assert_no_error (error);
      g_assert_cmpint (rep.iters, ==, caps[i]);
      g_assert_false (rep.converged);
      if (i == 0)
        {
          first = rep.objective;
          g_assert_cmpfloat (rep.objective, ==, rep.objective0);
        }
      /* accelerated gradient is not monotone step by step; over doubling
       * horizons the objective goes down */
      g_assert_cmpfloat (rep.objective, <=, prev * (1 + 1e-9));
      prev = rep.objective;
    }
  g_assert_cmpfloat (prev, <, 0.9 * first);
  g_free (out);
  problem_clear (&p);
  g_rand_free (rng);
}

static void
test_in_place_and_full (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  GRand *rng = g_rand_new_with_seed (9);
  Problem p;
  NtkmcFalrtcOptions opt;
  NtkmcFalrtcReport rep;
  GError *error = NULL;
  size_t n, k;
  double *copy, *out;

  problem_init (&p, rng, 10, 8, 4, 2, 0.4);
  n = p.g * p.d * p.c;
  ntkmc_falrtc_options_init (&opt);
  opt.max_iters = 20;
  out = g_new (double, n);
  g_assert_true (ntkmc_falrtc (ctx, &opt, p.g, p.d, p.c, p.data, p.obs, out,
                               NULL, &error));
  copy = g_memdup2 (p.data, n * sizeof (double));
  g_assert_true (ntkmc_falrtc (ctx, &opt, p.g, p.d, p.c, copy, p.obs, copy,
                               NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (copy, n * sizeof (double), out, n * sizeof (double));

  /* everything measured: the data back, no iteration */
  memset (p.obs, 1, p.d * p.c);
  g_assert_true (ntkmc_falrtc (ctx, &opt, p.g, p.d, p.c, p.y, p.obs, out,
                               &rep, &error));
  g_assert_cmpint (rep.iters, ==, 0);
  g_assert_true (rep.converged);
  g_assert_cmpmem (out, n * sizeof (double), p.y, n * sizeof (double));
  for (k = 0; k < n; k++)
    g_assert_true (isfinite (out[k]));
  g_free (copy);
  g_free (out);
  problem_clear (&p);
  g_rand_free (rng);
}

typedef struct {
  int calls, stop_at;
} Cancel;

static gboolean
cancel_after (double fraction, const char *message, gpointer data)
{
  Cancel *c = data;

  (void) fraction;
  (void) message;
  return ++c->calls < c->stop_at;
}

static void
expect_error (NtkmcContext *ctx, const NtkmcFalrtcOptions *opt, size_t g,
              size_t d, size_t c, const double *y, const guint8 *obs,
              int code, const char *needle)
{
  double out[64];
  GError *error = NULL;
  size_t i;

  for (i = 0; i < 64; i++)
    out[i] = -3;
  g_assert_false (ntkmc_falrtc (ctx, opt, g, d, c, y, obs, out, NULL,
                                &error));
  g_assert_error (error, NTKMC_ERROR, code);
  if (g_test_verbose ())
    g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, needle));
  for (i = 0; i < 64; i++)
    g_assert_cmpfloat (out[i], ==, -3);
  g_clear_error (&error);
}

static void
test_errors_and_cancel (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  GRand *rng = g_rand_new_with_seed (3);
  Problem p;
  NtkmcFalrtcOptions opt;
  guint8 none[16] = { 0 };
  Cancel cancel = { 0, 4 };

  problem_init (&p, rng, 4, 4, 4, 2, 0.5);   /* 64 entries */
  p.obs[0] = 1;
  p.obs[1] = 0;
  memcpy (p.data, p.y, 4 * sizeof (double));
  expect_error (ctx, NULL, 0, 4, 4, p.data, p.obs, NTKMC_ERROR_INVALID,
                "at least one gene");
  expect_error (ctx, NULL, 4, 4, 4, p.data, none, NTKMC_ERROR_INVALID,
                "no profile is measured");
  p.data[2] = NAN;
  expect_error (ctx, NULL, 4, 4, 4, p.data, p.obs, NTKMC_ERROR_INVALID,
                "drug 1 in cell line 1");
  p.data[2] = 1;
  ntkmc_falrtc_options_init (&opt);
  opt.alpha[0] = opt.alpha[1] = opt.alpha[2] = 0;
  expect_error (ctx, &opt, 4, 4, 4, p.data, p.obs, NTKMC_ERROR_INVALID,
                "alpha must be > 0");
  ntkmc_falrtc_options_init (&opt);
  opt.alpha[1] = -1;
  expect_error (ctx, &opt, 4, 4, 4, p.data, p.obs, NTKMC_ERROR_INVALID,
                "alpha[1]");
  ntkmc_falrtc_options_init (&opt);
  opt.mu[2] = NAN;
  expect_error (ctx, &opt, 4, 4, 4, p.data, p.obs, NTKMC_ERROR_INVALID,
                "mu[2]");
  ntkmc_falrtc_options_init (&opt);
  opt.lipschitz0 = 0;
  expect_error (ctx, &opt, 4, 4, 4, p.data, p.obs, NTKMC_ERROR_INVALID,
                "lipschitz0");
  ntkmc_falrtc_options_init (&opt);
  opt.max_iters = -1;
  expect_error (ctx, &opt, 4, 4, 4, p.data, p.obs, NTKMC_ERROR_INVALID,
                "max_iters");
  ntkmc_falrtc_options_init (&opt);
  opt.center = (NtkmcFalrtcCenter) 2;
  expect_error (ctx, &opt, 4, 4, 4, p.data, p.obs, NTKMC_ERROR_INVALID,
                "center must be");
  /* cancelled in the middle of the iterations */
  ntkmc_falrtc_options_init (&opt);
  opt.tol = 0;
  ntkmc_context_set_progress (ctx, cancel_after, &cancel);
  expect_error (ctx, &opt, 4, 4, 4, p.data, p.obs, NTKMC_ERROR_CANCELLED,
                "FaLRTC");
  g_assert_cmpint (cancel.calls, ==, 4);
  problem_clear (&p);
  g_rand_free (rng);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/falrtc/recovery", test_recovery);
  g_test_add_func ("/falrtc/center", test_center);
  g_test_add_func ("/falrtc/single-precision", test_single_precision);
  g_test_add_func ("/falrtc/objective-and-cap", test_objective_and_cap);
  g_test_add_func ("/falrtc/in-place-and-full", test_in_place_and_full);
  g_test_add_func ("/falrtc/errors-and-cancel", test_errors_and_cancel);
  return g_test_run ();
}
