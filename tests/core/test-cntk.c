/* SPDX-License-Identifier: MIT */
/*
 * test-cntk.c: architectures, the fast (stationary) CNTK path against the
 * general N^2 path and against itself at larger sizes (Appendix M), and
 * convolutional kernel files.
 */
#include "test-util.h"

#include "cntk/cntk-private.h"
#include "cntk/operator.h"

#include <glib/gstdio.h>

static NtkmcArch *
arch (const char *text)
{
  GError *error = NULL;
  NtkmcArch *a = ntkmc_arch_parse (text, &error);
  g_assert_no_error (error);
  return a;
}

/* max |a - b| over all entries of two kernels for width x height images,
 * relative to max |b| */
static double
rel_diff (const NtkmcCntk *a, const NtkmcCntk *b, size_t w, size_t h)
{
  double diff = 0, scale = 0;
  size_t r, c, r2, c2;

  for (r = 0; r < h; r++)
    for (c = 0; c < w; c++)
      for (r2 = 0; r2 < h; r2++)
        for (c2 = 0; c2 < w; c2++)
          {
            double x = ntkmc_cntk_entry (a, w, h, r, c, r2, c2);
            double y = ntkmc_cntk_entry (b, w, h, r, c, r2, c2);
            diff = MAX (diff, fabs (x - y));
            scale = MAX (scale, fabs (y));
          }
  return diff / scale;
}

static void
test_arch_parse (void)
{
  const char *const *presets = ntkmc_arch_presets ();
  GError *error = NULL;
  guint i;
  struct { const char *text; const char *needle; } bad[] = {
    { "", "starts with a convolution" },
    { "relu conv3", "starts with a convolution" },
    { "conv3 down conv3", "followed by an activation" },
    { "conv3 relu", "ends with a convolution" },
    { "conv4 relu conv3", "not an odd number" },
    { "conv3 relu up conv3", "needs an earlier downsampling" },
    { "conv3 relu down conv3", "every downsampling needs an upsampling" },
    { "conv3 relu relu conv3", "must follow a convolution" },
    { "conv3 tanh conv3", "not a layer" },
    { "conv3 lrelu:x conv3", "slope" },
  };

  for (i = 0; presets[i] != NULL; i++)
    {
      g_autoptr (NtkmcArch) a = arch (presets[i]);
      char *text = ntkmc_arch_to_string (a);
      g_autoptr (NtkmcArch) b = arch (text);
      char *again = ntkmc_arch_to_string (b);
      g_assert_cmpstr (text, ==, again);
      g_assert_nonnull (ntkmc_arch_preset_summary (presets[i]));
      g_free (text);
      g_free (again);
    }
  {
    g_autoptr (NtkmcArch) a = arch ("notebook");
    char *text = ntkmc_arch_to_string (a);
    g_assert_cmpstr (text, ==, "conv3 lrelu down conv3 lrelu down conv3 lrelu "
                     "down conv3 lrelu up conv3 lrelu up conv3 lrelu up conv3");
    g_assert_cmpuint (ntkmc_arch_get_levels (a), ==, 3);
    g_assert_true (ntkmc_arch_check_size (a, 8, 24, NULL));
    g_assert_false (ntkmc_arch_check_size (a, 12, 16, &error));
    g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "multiples of 8"));
    g_clear_error (&error);
    g_free (text);
  }
  {
    g_autoptr (NtkmcArch) a = arch ("conv5 lrelu:0.2 down conv3 relu upb conv1");
    char *text = ntkmc_arch_to_string (a);
    g_assert_cmpstr (text, ==, "conv5 lrelu:0.2 down conv3 relu upb conv1");
    g_assert_false (ntkmc_arch_is_stationary (a));
    g_free (text);
  }
  for (i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      NtkmcArch *a = ntkmc_arch_parse (bad[i].text, &error);
      g_assert_null (a);
      g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
      if (strstr (error->message, bad[i].needle) == NULL)
        g_error ("'%s': message '%s' lacks '%s'", bad[i].text, error->message,
                 bad[i].needle);
      g_clear_error (&error);
    }
}

/* The fast path equals the general path with the i.i.d. covariance. */
static void
check_fast_vs_general (const char *spec, size_t w, size_t h)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  g_autoptr (NtkmcArch) a = arch (spec);
  GError *error = NULL;
  g_autoptr (NtkmcCntk) fast = ntkmc_cntk_compute (ctx, a, NULL, w, h, &error);
  g_autoptr (NtkmcCntk) gen = NULL;
  double d;

  g_assert_no_error (error);
  gen = ntkmc_cntk_compute_general (ctx, a, NULL, 0, NULL, w, h, &error);
  g_assert_no_error (error);
  d = rel_diff (fast, gen, w, h);
  if (!(d < 1e-10))
    g_error ("%s at %zu x %zu: fast vs general relative difference %g", spec,
             w, h, d);
}

static void
test_fast_vs_general (void)
{
  const char *specs[] = {
    "conv3 relu conv3",                                        /* s = 0 */
    "conv5 lrelu conv3 relu conv5",
    "conv3 relu down conv3 relu up conv3",                     /* s = 1 */
    "conv3 lrelu down conv5 lrelu upbc conv3",
    "conv5 relu down conv3 relu down conv3 relu up conv3 relu up conv5",
    "conv3 lrelu:0.2 down conv3 lrelu:0.2 down conv3 lrelu:0.2 upbc conv3 "
    "lrelu:0.2 upbc conv3",                                    /* s = 2 */
    "notebook",                                                /* s = 3 */
    "conv3 relu down conv3 relu down conv3 relu down conv3 relu upbc conv3 "
    "relu upbc conv3 relu upbc conv3",
    "conv3 relu down conv3 relu up conv3 relu down conv3 relu up conv3",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (specs); i++)
    {
      check_fast_vs_general (specs[i], 8, 8);
      if (i < 7)
        check_fast_vs_general (specs[i], 16, 16);
    }
  check_fast_vs_general ("conv3 relu down conv3 relu up conv3", 8, 4);
  check_fast_vs_general ("conv3 lrelu down conv3 lrelu upbc conv3", 4, 12);
}

/* Appendix M: for nearest upsampling, the kernel computed at 2^(s+1) per
 * side serves larger images exactly; computed directly at the larger size
 * it is the same. */
static void
test_compact_base_is_exact (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  struct { const char *spec; size_t w, h; } cases[] = {
    { "conv3 relu down conv3 relu up conv3", 16, 8 },
    { "conv5 lrelu down conv3 lrelu down conv3 lrelu up conv3 lrelu up conv5",
      32, 16 },
    { "notebook", 32, 32 },
    { "notebook", 48, 16 },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (NtkmcArch) a = arch (cases[i].spec);
      g_autoptr (NtkmcCntk) base = NULL, direct = NULL;
      size_t unit = (size_t) 2 << ntkmc_arch_get_levels (a);

      base = ntkmc_cntk_compute (ctx, a, NULL, cases[i].w, cases[i].h, NULL);
      direct = ntkmc_cntk_compute_stationary (ctx, a, NULL, cases[i].w,
                                              cases[i].h, FALSE, NULL);
      g_assert_nonnull (base);
      g_assert_nonnull (direct);
      g_assert_cmpuint (base->bw, ==, MIN (cases[i].w, unit));
      g_assert_cmpuint (direct->bw, ==, cases[i].w);
      g_assert_cmpfloat (rel_diff (base, direct, cases[i].w, cases[i].h), <,
                         1e-13);
    }
}

/* Theorem 2: without resampling the kernel depends only on the circular
 * displacement; every kernel is symmetric; the diagonal is L q^2 c1 for L
 * convolutions of size q (normalized activations, nearest resampling). */
static void
test_structure (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  g_autoptr (NtkmcArch) plain = arch ("conv3 relu conv3 relu conv3");
  g_autoptr (NtkmcArch) nb = arch ("notebook");
  g_autoptr (NtkmcCntk) k = ntkmc_cntk_compute (ctx, plain, NULL, 8, 8, NULL);
  g_autoptr (NtkmcCntk) kn = ntkmc_cntk_compute (ctx, nb, NULL, 64, 64, NULL);
  size_t r, c, r2, c2;

  for (r = 0; r < 8; r++)
    for (c = 0; c < 8; c++)
      for (r2 = 0; r2 < 8; r2++)
        for (c2 = 0; c2 < 8; c2++)
          {
            double v = ntkmc_cntk_entry (k, 8, 8, r, c, r2, c2);
            g_assert_cmpfloat (v, ==, ntkmc_cntk_entry (k, 8, 8, 0, 0,
                                                        (r2 + 8 - r) % 8,
                                                        (c2 + 8 - c) % 8));
          }
  for (r = 0; r < 64; r += 7)
    for (c = 0; c < 64; c += 5)
      {
        g_assert_cmpfloat_with_epsilon (ntkmc_cntk_entry (kn, 64, 64, r, c, r,
                                                          c),
                                        7 * 9 / 300.0, 1e-15);
        for (r2 = 0; r2 < 64; r2 += 3)
          for (c2 = 0; c2 < 64; c2 += 11)
            g_assert_cmpfloat_with_epsilon (
                ntkmc_cntk_entry (kn, 64, 64, r, c, r2, c2),
                ntkmc_cntk_entry (kn, 64, 64, r2, c2, r, c), 1e-15);
      }
}

/* Kernel files: bit-identical round trip (f64), float rounding (f32),
 * size checks, refusal of a fully connected file. */
static void
test_files (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  g_autoptr (NtkmcArch) a = arch ("notebook");
  g_autoptr (NtkmcCntk) k = ntkmc_cntk_compute (ctx, a, NULL, 32, 16, NULL);
  g_autoptr (NtkmcArch) b = arch ("conv3 lrelu down conv3 lrelu upb conv3");
  g_autoptr (NtkmcCntk) full = ntkmc_cntk_compute_general (ctx, b, NULL, 0,
                                                           NULL, 8, 4, NULL);
  char *dir = g_dir_make_tmp ("ntkmc-cntk-XXXXXX", NULL);
  char *p64 = g_build_filename (dir, "k64.nkf", NULL);
  char *p32 = g_build_filename (dir, "k32.nkf", NULL);
  char *pfull = g_build_filename (dir, "full.nkf", NULL);
  char *pfc = g_build_filename (dir, "fc.nkf", NULL);
  GError *error = NULL;

  g_assert_nonnull (k);
  g_assert_nonnull (full);
  g_assert_true (ntkmc_cntk_write (k, p64, NTKMC_DTYPE_F64, &error));
  g_assert_true (ntkmc_cntk_write (k, p32, NTKMC_DTYPE_F32, &error));
  g_assert_true (ntkmc_cntk_write (full, pfull, NTKMC_DTYPE_F64, &error));
  g_assert_no_error (error);
  {
    g_autoptr (NtkmcCntk) k64 = ntkmc_cntk_open (p64, &error);
    g_autoptr (NtkmcCntk) k32 = ntkmc_cntk_open (p32, &error);
    g_autoptr (NtkmcCntk) kf = ntkmc_cntk_open (pfull, &error);
    size_t n = (k->bw * k->bh + 1) * k->period * k->period;

    g_assert_no_error (error);
    g_assert_cmpmem (k64->table, n * sizeof (double), k->table,
                     n * sizeof (double));
    g_assert_cmpstr (ntkmc_cntk_peek_arch (k64), ==, ntkmc_cntk_peek_arch (k));
    g_assert_true (ntkmc_cntk_check_arch (k64, a, NULL));
    g_assert_false (ntkmc_cntk_check_arch (k64, b, &error));
    g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH);
    g_assert_nonnull (strstr (error->message, "upb"));
    g_clear_error (&error);
    g_assert_cmpfloat (rel_diff (k32, k, 64, 32), <, 1e-7);
    g_assert_cmpfloat (rel_diff (kf, full, 8, 4), ==, 0);
    /* sizes: the compact notebook kernel serves 64 x 32, not 20 x 16 */
    g_assert_true (ntkmc_cntk_check_size (k64, 64, 32, NULL));
    g_assert_false (ntkmc_cntk_check_size (k64, 20, 16, &error));
    g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH);
    g_assert_nonnull (strstr (error->message, "multiples of 8"));
    g_clear_error (&error);
    g_assert_false (ntkmc_cntk_check_size (kf, 8, 8, &error));
    g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH);
    g_assert_nonnull (strstr (error->message, "8 x 4"));
    g_clear_error (&error);
  }
  {
    double kk[4] = { 2, 0.5, 0.5, 2 };
    uint64_t dims[2] = { 2, 2 };
    g_assert_true (ntkmc_kernelfile_write (pfc, NTKMC_KERNEL_FC, "kernel=fc\n",
                                           NTKMC_DTYPE_F64, 2, dims, kk,
                                           NULL));
    g_assert_null (ntkmc_cntk_open (pfc, &error));
    g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH);
    g_clear_error (&error);
  }
  g_remove (p64);
  g_remove (p32);
  g_remove (pfull);
  g_remove (pfc);
  g_rmdir (dir);
  g_free (p64);
  g_free (p32);
  g_free (pfull);
  g_free (pfc);
  g_free (dir);
}

static void
test_errors (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (1);
  g_autoptr (NtkmcArch) upb = arch ("conv3 relu down conv3 relu upb conv3");
  g_autoptr (NtkmcArch) nb = arch ("notebook");
  NtkmcIidPrior bad = { -1, 0 };
  GError *error = NULL;

  g_assert_null (ntkmc_cntk_compute (ctx, upb, NULL, 8, 8, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "general path"));
  g_clear_error (&error);
  g_assert_null (ntkmc_cntk_compute (ctx, nb, NULL, 12, 8, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (ntkmc_cntk_compute (ctx, nb, &bad, 8, 8, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
}

/* The shared kernel cache: computed once, then served from the file (also
 * for a larger size the compact kernel covers); a damaged file is replaced;
 * a cache that cannot be written costs a warning, not the kernel. */
static void
test_cache (TestDir *f, gconstpointer data)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  g_autoptr (NtkmcArch) arch = ntkmc_arch_parse ("notebook", NULL);
  NtkmcCacheReport rep;
  NtkmcCntk *k1, *k2;
  GError *error = NULL;
  char *path, *blocker, *blocked;
  gchar *bytes;
  gsize len;

  (void) data;
  k1 = ntkmc_cache_get (ctx, arch, 20, 18, f->dir, &rep, &error);
  g_assert_no_error (error);
  g_assert_true (rep.computed);
  g_assert_null (rep.warning);
  g_assert_nonnull (rep.path);
  g_assert_true (g_str_has_prefix (rep.path, f->dir));
  g_assert_true (g_str_has_suffix (rep.path, "-24x24.nkf"));
  g_assert_true (ntkmc_cntk_check_size (k1, 24, 24, NULL));
  path = g_strdup (rep.path);
  ntkmc_cache_report_clear (&rep);
  g_assert_null (rep.path);

  /* a hit, for the same and for a larger size */
  k2 = ntkmc_cache_get (ctx, arch, 24, 24, f->dir, &rep, &error);
  g_assert_no_error (error);
  g_assert_false (rep.computed);
  g_assert_cmpstr (rep.path, ==, path);
  g_assert_cmpfloat (ntkmc_cntk_entry (k1, 24, 24, 3, 4, 5, 9), ==,
                     ntkmc_cntk_entry (k2, 24, 24, 3, 4, 5, 9));
  ntkmc_cache_report_clear (&rep);
  ntkmc_cntk_free (k2);
  k2 = ntkmc_cache_get (ctx, arch, 64, 40, f->dir, &rep, &error);
  g_assert_no_error (error);
  g_assert_false (rep.computed);
  g_assert_true (ntkmc_cntk_check_size (k2, 64, 40, NULL));
  ntkmc_cache_report_clear (&rep);
  ntkmc_cntk_free (k2);

  /* flip a byte of the payload: detected, recomputed, rewritten */
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  bytes[len - 5] ^= 0x40;
  g_assert_true (g_file_set_contents (path, bytes, (gssize) len, NULL));
  g_free (bytes);
  g_assert_null (ntkmc_cntk_open (path, NULL));
  k2 = ntkmc_cache_get (ctx, arch, 24, 24, f->dir, &rep, &error);
  g_assert_no_error (error);
  g_assert_true (rep.computed);
  g_assert_cmpstr (rep.path, ==, path);
  g_assert_cmpfloat (ntkmc_cntk_entry (k1, 24, 24, 3, 4, 5, 9), ==,
                     ntkmc_cntk_entry (k2, 24, 24, 3, 4, 5, 9));
  ntkmc_cache_report_clear (&rep);
  ntkmc_cntk_free (k2);

  /* a file under this network's name holding another network's kernel
   * (a renamed or hand-copied file) is not used */
  {
    g_autoptr (NtkmcArch) other = ntkmc_arch_parse ("conv3 relu down conv3 "
                                                    "relu up conv3", NULL);
    NtkmcCntk *ko = ntkmc_cntk_compute (ctx, other, NULL, 24, 24, &error);
    g_assert_no_error (error);
    g_assert_true (ntkmc_cntk_write (ko, path, NTKMC_DTYPE_F32, &error));
    g_assert_no_error (error);
    ntkmc_cntk_free (ko);
    k2 = ntkmc_cache_get (ctx, arch, 24, 24, f->dir, &rep, &error);
    g_assert_no_error (error);
    g_assert_true (rep.computed);
    g_assert_true (ntkmc_cntk_check_arch (k2, arch, NULL));
    ntkmc_cache_report_clear (&rep);
    ntkmc_cntk_free (k2);
  }

  /* a cache directory that cannot be made: the kernel, and a warning */
  blocker = g_build_filename (f->dir, "file", NULL);
  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  blocked = g_build_filename (blocker, "kernels", NULL);
  k2 = ntkmc_cache_get (ctx, arch, 24, 24, blocked, &rep, &error);
  g_assert_no_error (error);
  g_assert_nonnull (k2);
  g_assert_true (rep.computed);
  g_assert_null (rep.path);
  g_assert_nonnull (rep.warning);
  g_assert_nonnull (strstr (rep.warning, blocked));
  ntkmc_cache_report_clear (&rep);
  ntkmc_cntk_free (k2);

  /* an impossible size is an error */
  g_assert_null (ntkmc_cache_get (ctx, arch, 0, 24, f->dir, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);

  g_free (blocked);
  g_free (blocker);
  g_free (path);
  ntkmc_cntk_free (k1);
}

/* The kernel operator (y = K x, never forming K) against the kernel's
 * entries: compact kernels at their base size and expanded to larger and
 * non-square sizes, circular bilinear (window = whole image), and a kernel
 * of the general path. */
static void
check_operator (NtkmcCntk *k, size_t w, size_t h, unsigned nrhs)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  GRand *rng = g_rand_new_with_seed (7);
  size_t n = w * h, p, q;
  double *x = test_random_matrix (rng, n, nrhs);
  double *y = g_new (double, n * nrhs), *row = g_new (double, n);
  double scale = 0;
  GError *error = NULL;
  NtkmcCntkOp *op = ntkmc_cntk_op_new (ctx, k, w, h, nrhs, &error);
  unsigned j;

  g_assert_no_error (error);
  /* zero pixels stand for pixels outside the solve */
  for (p = 0; p < n; p += 3)
    x[p] = 0;
  ntkmc_cntk_op_apply (ctx, op, x, y);
  for (p = 0; p < n; p++)
    {
      ntkmc_cntk_row (k, w, h, p / w, p % w, row);
      g_assert_cmpfloat (ntkmc_cntk_op_diag (op, p), ==, row[p]);
      for (j = 0; j < nrhs; j++)
        {
          double s = 0;
          for (q = 0; q < n; q++)
            s += row[q] * x[q + j * n];
          scale = MAX (scale, fabs (s));
          g_assert_cmpfloat_with_epsilon (y[p + j * n], s,
                                          1e-12 * (1 + fabs (s)) * n);
        }
    }
  g_assert_cmpfloat (scale, >, 0);
  ntkmc_cntk_op_free (op);

  /* the pixel-major rows give the same blocks as the kernel's own gather */
  {
    NtkmcCntkRows *rw = ntkmc_cntk_rows_new (ctx, k, w, h, &error);
    size_t nr = MIN (n, (size_t) 37), nc2 = MIN (n, (size_t) 23);
    size_t *ri = g_new (size_t, nr), *ci = g_new (size_t, nc2);
    double *a = g_new (double, nr * nc2), *b = g_new (double, nr * nc2);

    g_assert_no_error (error);
    if (k->form == NTKMC_CNTK_FULL)
      g_assert_null (rw);
    else
      {
        g_assert_nonnull (rw);
        for (p = 0; p < nr; p++)
          ri[p] = (p * 7919) % n;
        for (p = 0; p < nc2; p++)
          ci[p] = (p * 104729 + 3) % n;
        ntkmc_cntk_gather (ctx, k, w, h, nr, ri, nc2, ci, a, nr);
        ntkmc_cntk_rows_gather (ctx, rw, nr, ri, nc2, ci, b, nr);
        for (p = 0; p < nr * nc2; p++)
          g_assert_cmpfloat_with_epsilon (a[p], b[p], 1e-14);
      }
    ntkmc_cntk_rows_free (rw);
    g_free (b);
    g_free (a);
    g_free (ci);
    g_free (ri);
  }
  g_free (row);
  g_free (y);
  g_free (x);
  g_rand_free (rng);
}

static void
test_operator (void)
{
  g_autoptr (NtkmcContext) ctx = ntkmc_context_new (2);
  struct { const char *spec; size_t cw, ch, w, h; gboolean general; } cases[] = {
    { "notebook", 16, 16, 16, 16, FALSE },
    { "notebook", 16, 16, 40, 24, FALSE },
    { "conv3 relu down conv3 relu up conv3", 4, 4, 12, 6, FALSE },
    { "conv3 lrelu down conv3 lrelu down conv3 lrelu upbc conv3 lrelu upbc "
      "conv3", 12, 8, 12, 8, FALSE },
    { "conv3 relu down conv3 relu upb conv3", 8, 6, 8, 6, TRUE },
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      GError *error = NULL;
      g_autoptr (NtkmcArch) arch = ntkmc_arch_parse (cases[i].spec, &error);
      g_autoptr (NtkmcCntk) k = NULL;

      g_assert_no_error (error);
      k = cases[i].general
          ? ntkmc_cntk_compute_general (ctx, arch, NULL, 0, NULL, cases[i].cw,
                                        cases[i].ch, &error)
          : ntkmc_cntk_compute (ctx, arch, NULL, cases[i].cw, cases[i].ch,
                                &error);
      g_assert_no_error (error);
      check_operator (k, cases[i].w, cases[i].h, 1 + i % 3);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cntk/arch-parse", test_arch_parse);
  g_test_add_func ("/cntk/fast-vs-general", test_fast_vs_general);
  g_test_add_func ("/cntk/compact-base-is-exact", test_compact_base_is_exact);
  g_test_add_func ("/cntk/structure", test_structure);
  g_test_add_func ("/cntk/files", test_files);
  g_test_add_func ("/cntk/errors", test_errors);
  g_test_add_func ("/cntk/operator", test_operator);
  g_test_add ("/cntk/cache", TestDir, NULL, test_dir_setup, test_cache,
              test_dir_teardown);
  return g_test_run ();
}
