/* SPDX-License-Identifier: MIT */
/*
 * test-gram.c: the NTK Gram matrix K = kappa_d(Zn^T Zn).
 */
#include "test-util.h"

static const NtkmcActivation relu = { NTKMC_ACT_RELU, 0 };

/* kappa applied to naively computed cosines of the columns of Z. */
static double *
naive_gram (const NtkmcActivation *act, int depth, size_t p, size_t n,
            const double *z)
{
  double *k = g_new (double, n * n);
  size_t i, j, r;
  for (i = 0; i < n; i++)
    for (j = 0; j < n; j++)
      {
        double dot = 0, ni = 0, nj = 0;
        for (r = 0; r < p; r++)
          {
            dot += z[r + i * p] * z[r + j * p];
            ni += z[r + i * p] * z[r + i * p];
            nj += z[r + j * p] * z[r + j * p];
          }
        k[i + j * n] = ntkmc_kappa (act, depth,
                                   i == j ? 1.0 : dot / sqrt (ni * nj));
      }
  return k;
}

static double
max_abs_diff (size_t len, const double *a, const double *b)
{
  double m = 0;
  size_t i;
  for (i = 0; i < len; i++)
    m = MAX (m, fabs (a[i] - b[i]));
  return m;
}

static void
check_against_naive (const NtkmcActivation *act, int depth, int threads)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (threads);
  GRand *rng = g_rand_new_with_seed (7);
  size_t p = 13, n = 57;
  double *z = test_random_matrix (rng, p, n);
  double *z_copy = g_memdup2 (z, p * n * sizeof (double));
  double *want = naive_gram (act, depth, p, n, z);
  double *k = g_new (double, (n + 3) * n);
  NtkmcNtkOptions opt;
  NtkmcNtkReport rep;
  GError *error = NULL;
  size_t i, j;

  ntkmc_ntk_options_init (&opt);
  opt.activation = *act;
  opt.depth = depth;
  g_assert_true (ntkmc_ntk_gram (ctx, &opt, p, n, z, p, k, n + 3, &rep,
                                 &error));
  g_assert_no_error (error);
  for (j = 0; j < n; j++)
    for (i = 0; i < n; i++)
      {
        g_assert_cmpfloat_with_epsilon (k[i + j * (n + 3)], want[i + j * n],
                                        1e-12);
        g_assert_cmpfloat (k[i + j * (n + 3)], ==, k[j + i * (n + 3)]);
      }
  /* Z is not modified. */
  g_assert_cmpmem (z, p * n * sizeof (double), z_copy, p * n * sizeof (double));
  g_assert_cmpfloat (rep.seconds_gram, >=, 0);
  g_free (k);
  g_free (want);
  g_free (z_copy);
  g_free (z);
  g_rand_free (rng);
}

static void
test_relu_depths (void)
{
  int d;
  for (d = 1; d <= 3; d++)
    check_against_naive (&relu, d, 1);
}

static void
test_leaky_and_identity (void)
{
  NtkmcActivation lrelu = { NTKMC_ACT_LEAKY_RELU, 0.2 };
  NtkmcActivation id = { NTKMC_ACT_IDENTITY, 1 };
  check_against_naive (&lrelu, 2, 2);
  check_against_naive (&id, 1, 2);
}

static void
test_threads_identical (void)
{
  GRand *rng = g_rand_new_with_seed (11);
  size_t p = 40, n = 300;
  double *z = test_random_matrix (rng, p, n);
  double *k1 = g_new (double, n * n), *k2 = g_new (double, n * n);
  NtkmcContext *c1 = ntkmc_context_new (1), *c2 = ntkmc_context_new (2);
  NtkmcNtkOptions opt;

  ntkmc_ntk_options_init (&opt);
  opt.depth = 2;
  g_assert_true (ntkmc_ntk_gram (c1, &opt, p, n, z, p, k1, n, NULL, NULL));
  g_assert_true (ntkmc_ntk_gram (c2, &opt, p, n, z, p, k2, n, NULL, NULL));
  g_assert_cmpfloat (max_abs_diff (n * n, k1, k2), <, 1e-14);
  ntkmc_context_free (c1);
  ntkmc_context_free (c2);
  g_free (k1);
  g_free (k2);
  g_free (z);
  g_rand_free (rng);
}

static void
test_scale_invariance (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  GRand *rng = g_rand_new_with_seed (3);
  size_t p = 5, n = 20, i;
  double *z = test_random_matrix (rng, p, n);
  double *k1 = g_new (double, n * n), *k2 = g_new (double, n * n);
  NtkmcNtkOptions opt;

  ntkmc_ntk_options_init (&opt);
  g_assert_true (ntkmc_ntk_gram (ctx, &opt, p, n, z, p, k1, n, NULL, NULL));
  for (i = 0; i < p * n; i++)
    z[i] *= (i / p) % 2 ? 1e150 : 3e-150;   /* extreme but representable */
  g_assert_true (ntkmc_ntk_gram (ctx, &opt, p, n, z, p, k2, n, NULL, NULL));
  g_assert_cmpfloat (max_abs_diff (n * n, k1, k2), <, 1e-13);
  g_free (k1);
  g_free (k2);
  g_free (z);
  g_rand_free (rng);
}

static void
test_identity_prior (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  size_t n = 9, i, j;
  double *eye = g_new0 (double, n * n);
  double *k1 = g_new (double, n * n), *k2 = g_new (double, n * n);
  NtkmcNtkOptions opt;

  for (i = 0; i < n; i++)
    eye[i + i * n] = 1;
  ntkmc_ntk_options_init (&opt);
  g_assert_true (ntkmc_ntk_gram (ctx, &opt, n, n, NULL, 0, k1, n, NULL, NULL));
  g_assert_true (ntkmc_ntk_gram (ctx, &opt, n, n, eye, n, k2, n, NULL, NULL));
  for (j = 0; j < n; j++)
    for (i = 0; i < n; i++)
      {
        g_assert_cmpfloat_with_epsilon (k1[i + j * n], i == j ? 2 : 1 / G_PI,
                                        1e-15);
        g_assert_cmpfloat_with_epsilon (k1[i + j * n], k2[i + j * n], 1e-15);
      }
  g_free (k1);
  g_free (k2);
  g_free (eye);
}

static void
test_bad_prior (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  double z[6] = { 1, 2, 0, 0, 3, 4 };   /* p = 2, n = 3; item 2 is zero */
  double k[9];
  NtkmcNtkOptions opt;
  GError *error = NULL;

  ntkmc_ntk_options_init (&opt);
  g_assert_false (ntkmc_ntk_gram (ctx, &opt, 2, 3, z, 2, k, 3, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "item 2"));
  g_assert_nonnull (strstr (error->message, "zero norm"));
  g_clear_error (&error);

  z[2] = NAN;
  g_assert_false (ntkmc_ntk_gram (ctx, &opt, 2, 3, z, 2, k, 3, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not a finite number"));
  g_clear_error (&error);

  z[2] = 1;
  opt.depth = 0;
  g_assert_false (ntkmc_ntk_gram (ctx, &opt, 2, 3, z, 2, k, 3, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "depth"));
  g_clear_error (&error);

  opt.depth = 1;
  g_assert_false (ntkmc_ntk_gram (ctx, &opt, 2, 3, NULL, 0, k, 3, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
}

/* identity_weight c equals concatenating c I_n to the prior explicitly; a
 * zero item is then allowed. */
static void
test_identity_weight (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  GRand *rng = g_rand_new_with_seed (21);
  size_t p = 4, n = 11, i, j;
  double *z = test_random_matrix (rng, p, n);
  double *zc = g_new0 (double, (p + n) * n);
  double *k1 = g_new (double, n * n), *k2 = g_new (double, n * n);
  NtkmcNtkOptions opt;
  GError *error = NULL;

  for (i = 0; i < p; i++)
    z[i + 3 * p] = 0;   /* item 4 is zero */
  for (j = 0; j < n; j++)
    {
      for (i = 0; i < p; i++)
        zc[i + j * (p + n)] = z[i + j * p];
      zc[p + j + j * (p + n)] = 1.5;
    }
  ntkmc_ntk_options_init (&opt);
  opt.identity_weight = 1.5;
  g_assert_true (ntkmc_ntk_gram (ctx, &opt, p, n, z, p, k1, n, NULL, &error));
  g_assert_no_error (error);
  opt.identity_weight = 0;
  g_assert_true (ntkmc_ntk_gram (ctx, &opt, p + n, n, zc, p + n, k2, n, NULL,
                                 &error));
  g_assert_no_error (error);
  g_assert_cmpfloat (max_abs_diff (n * n, k1, k2), <, 1e-14);
  opt.identity_weight = -1;
  g_assert_false (ntkmc_ntk_gram (ctx, &opt, p, n, z, p, k1, n, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  g_free (k1);
  g_free (k2);
  g_free (zc);
  g_free (z);
  g_rand_free (rng);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gram/relu-depths", test_relu_depths);
  g_test_add_func ("/gram/leaky-and-identity", test_leaky_and_identity);
  g_test_add_func ("/gram/threads-identical", test_threads_identical);
  g_test_add_func ("/gram/scale-invariance", test_scale_invariance);
  g_test_add_func ("/gram/identity-prior", test_identity_prior);
  g_test_add_func ("/gram/bad-prior", test_bad_prior);
  g_test_add_func ("/gram/identity-weight", test_identity_weight);
  return g_test_run ();
}
