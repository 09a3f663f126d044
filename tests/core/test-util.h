/* SPDX-License-Identifier: MIT */
/*
 * test-util.h: small helpers shared by the C test suites (header-only).
 */
#ifndef NTKMC_TEST_UTIL_H
#define NTKMC_TEST_UTIL_H

#include <math.h>
#include <string.h>
#include <glib/gstdio.h>
#include <ntkmc/ntkmc.h>

/* A column-major matrix of N(0, 1)-ish values from a seeded GRand. */
static inline double *
test_random_matrix (GRand *rng, size_t rows, size_t cols)
{
  double *a = g_new (double, rows * cols);
  size_t i;
  for (i = 0; i < rows * cols; i++)
    {
      double u1 = g_rand_double_range (rng, 1e-12, 1.0);
      double u2 = g_rand_double (rng);
      a[i] = sqrt (-2 * log (u1)) * cos (2 * G_PI * u2);
    }
  return a;
}

/* Solves the n x n system A x = b in place by Gaussian elimination with
 * partial pivoting (A column-major, destroyed): an independent check of the
 * library's Cholesky path. */
static inline void
test_dense_solve (size_t n, double *a, double *b)
{
  size_t i, j, c;
  for (c = 0; c < n; c++)
    {
      size_t piv = c;
      for (i = c + 1; i < n; i++)
        if (fabs (a[i + c * n]) > fabs (a[piv + c * n]))
          piv = i;
      if (piv != c)
        {
          double t;
          for (j = 0; j < n; j++)
            {
              t = a[c + j * n]; a[c + j * n] = a[piv + j * n]; a[piv + j * n] = t;
            }
          t = b[c]; b[c] = b[piv]; b[piv] = t;
        }
      for (i = c + 1; i < n; i++)
        {
          double f = a[i + c * n] / a[c + c * n];
          for (j = c; j < n; j++)
            a[i + j * n] -= f * a[c + j * n];
          b[i] -= f * b[c];
        }
    }
  for (c = n; c-- > 0;)
    {
      double s = b[c];
      for (j = c + 1; j < n; j++)
        s -= a[c + j * n] * b[j];
      b[c] = s / a[c + c * n];
    }
}

/* A fresh temporary directory per test (g_test_add fixture), removed with
 * its files afterwards. */
typedef struct {
  char *dir;
} TestDir;

static inline void
test_dir_setup (TestDir *f, gconstpointer data)
{
  GError *error = NULL;

  (void) data;
  f->dir = g_dir_make_tmp ("ntkmc-test-XXXXXX", &error);
  g_assert_no_error (error);
}

static inline void
test_dir_teardown (TestDir *f, gconstpointer data)
{
  GDir *dir = g_dir_open (f->dir, 0, NULL);
  const char *name;

  (void) data;
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      char *path = g_build_filename (f->dir, name, NULL);
      g_assert_cmpint (g_unlink (path), ==, 0);
      g_free (path);
    }
  g_dir_close (dir);
  g_assert_cmpint (g_rmdir (f->dir), ==, 0);
  g_free (f->dir);
}

#endif
