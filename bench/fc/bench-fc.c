/* SPDX-License-Identifier: MIT */
/*
 * bench-fc.c: end-to-end NTK completion of a drug-screening-sized problem,
 * against this machine's DGEMM rate measured in the same run, and against the
 * reference approach in NumPy (bench/fc/reference-numpy.py), if available.
 *
 *   bench-fc [--genes 978] [--columns 15000] [--missing 0.10] [--features 978]
 *            [--threads 0] [--repeats 3] [--numpy PYTHON] [--output FILE]
 *
 * The table goes to stdout and, with --output, replaces the section between
 * "<!-- bench-fc:begin -->" and "<!-- bench-fc:end -->" of FILE.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include <glib/gstdio.h>
#include <ntkmc/ntkmc.h>

#include "common/markdown.h"

extern void dgemm_ (const char *ta, const char *tb, const int *m, const int *n,
                    const int *k, const double *alpha, const double *a,
                    const int *lda, const double *b, const int *ldb,
                    const double *beta, double *c, const int *ldc, size_t,
                    size_t);
extern void openblas_set_num_threads (int n) __attribute__ ((weak));
extern char *openblas_get_config (void) __attribute__ ((weak));
extern char *openblas_get_corename (void) __attribute__ ((weak));

static double
now (void)
{
  return (double) g_get_monotonic_time () * 1e-6;
}

/* Best-of-3 DGEMM rate (GFLOP/s) on square matrices of order @n. */
static double
dgemm_rate (int n)
{
  double *a = g_new (double, (size_t) n * n), *b = g_new (double, (size_t) n * n),
         *c = g_new0 (double, (size_t) n * n), best = 0, one = 1, zero = 0;
  size_t i;
  int rep;

  for (i = 0; i < (size_t) n * n; i++)
    {
      a[i] = (double) (i % 7) - 3;
      b[i] = (double) (i % 5) - 2;
    }
  for (rep = 0; rep < 3; rep++)
    {
      double t0 = now (), dt;
      dgemm_ ("N", "N", &n, &n, &n, &one, a, &n, b, &n, &zero, c, &n, 1, 1);
      dt = now () - t0;
      best = MAX (best, 2.0 * (double) n * n * n / dt * 1e-9);
    }
  g_free (a);
  g_free (b);
  g_free (c);
  return best;
}

static double
gauss (GRand *rng)
{
  double u1 = g_rand_double_range (rng, 1e-300, 1.0), u2 = g_rand_double (rng);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

static double
peak_rss_mib (void)
{
  struct rusage ru;
  getrusage (RUSAGE_SELF, &ru);
  return (double) ru.ru_maxrss / 1024.0;
}

/* Runs the NumPy reference on the same data; returns its seconds (or -1) and
 * the max relative difference of its predictions to ours. */
static double
run_numpy (const char *python, const char *script, const char *dir, size_t m,
           size_t n, size_t p, size_t n_miss, const double *ours,
           const size_t *miss_cols, double *max_rel, double *numpy_rss)
{
  char *argv[16];
  char sm[32], sn[32], sp[32], smiss[32];
  char *out = NULL, *err = NULL, *pred_path;
  int status = 0;
  double seconds = -1;
  GError *error = NULL;

  g_snprintf (sm, sizeof sm, "%zu", m);
  g_snprintf (sn, sizeof sn, "%zu", n);
  g_snprintf (sp, sizeof sp, "%zu", p);
  g_snprintf (smiss, sizeof smiss, "%zu", n_miss);
  argv[0] = (char *) python;
  argv[1] = (char *) script;
  argv[2] = (char *) dir;
  argv[3] = sm;
  argv[4] = sn;
  argv[5] = sp;
  argv[6] = smiss;
  argv[7] = NULL;
  if (!g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                     &status, &error)
      || !g_spawn_check_wait_status (status, &error))
    {
      fprintf (stderr, "bench-fc: numpy reference failed: %s\n%s\n",
               error ? error->message : "", err ? err : "");
      g_clear_error (&error);
      g_free (out);
      g_free (err);
      return -1;
    }
  sscanf (out, "seconds %lf rss_mib %lf", &seconds, numpy_rss);
  pred_path = g_build_filename (dir, "pred_numpy.bin", NULL);
  {
    gchar *buf = NULL;
    gsize len = 0;
    *max_rel = NAN;
    if (g_file_get_contents (pred_path, &buf, &len, NULL)
        && len == n_miss * m * sizeof (double))
      {
        const double *pred = (const double *) buf;   /* n_miss x m, C order */
        double worst = 0, scale = 0;
        size_t i, a;
        for (a = 0; a < n_miss; a++)
          for (i = 0; i < m; i++)
            {
              double o = ours[i + miss_cols[a] * m];
              worst = MAX (worst, fabs (o - pred[a * m + i]));
              scale = MAX (scale, fabs (o));
            }
        *max_rel = worst / scale;
      }
    g_free (buf);
  }
  g_free (pred_path);
  g_free (out);
  g_free (err);
  return seconds;
}

int
main (int argc, char **argv)
{
  int genes = 978, columns = 15000, features = 978, threads = 0, repeats = 3;
  double missing = 0.10;
  char *output = NULL, *python = NULL;
  GOptionEntry entries[] = {
    { "genes", 0, 0, G_OPTION_ARG_INT, &genes, "rows of Y", "M" },
    { "columns", 0, 0, G_OPTION_ARG_INT, &columns, "columns of Y", "N" },
    { "missing", 0, 0, G_OPTION_ARG_DOUBLE, &missing,
      "fraction of whole columns missing", "F" },
    { "features", 0, 0, G_OPTION_ARG_INT, &features, "prior dimension", "P" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, "threads (0 = all)", "T" },
    { "repeats", 0, 0, G_OPTION_ARG_INT, &repeats,
      "runs of the NTK completion (the best is reported)", "R" },
    { "numpy", 0, 0, G_OPTION_ARG_FILENAME, &python,
      "Python with NumPy for the reference run (default: /usr/bin/python3 "
      "if it has NumPy; 'none' to skip)", "PYTHON" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output,
      "Markdown file whose bench-fc section is replaced", "FILE" },
    { NULL }
  };
  GOptionContext *octx = g_option_context_new (NULL);
  GError *error = NULL;
  size_t m, n, p, i, j, n_miss = 0;
  double *y, *z, *out, rate, best_total = INFINITY, rss_ours, numpy_seconds = -1,
         numpy_rel = NAN, numpy_rss = NAN;
  guint8 *mask;
  size_t *miss_cols;
  GRand *rng;
  NtkmcContext *ctx;
  NtkmcNtkOptions opt;
  NtkmcCompleteReport rep, best = { 0 };
  GString *md;
  struct utsname un;
  int r;

  g_option_context_add_main_entries (octx, entries, NULL);
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-fc: %s\n", error->message);
      return 2;
    }
  m = (size_t) genes;
  n = (size_t) columns;
  p = (size_t) features;

  ctx = ntkmc_context_new (threads);
  if (openblas_set_num_threads != NULL)
    openblas_set_num_threads (ntkmc_context_get_n_threads (ctx));
  fprintf (stderr, "bench-fc: measuring DGEMM...\n");
  rate = dgemm_rate (4000);

  /* data: Y = random low-rank-ish values, whole columns missing; random prior */
  rng = g_rand_new_with_seed (20221);
  y = g_new (double, m * n);
  z = g_new (double, p * n);
  out = g_new (double, m * n);
  mask = g_new (guint8, m * n);
  miss_cols = g_new (size_t, n);
  for (j = 0; j < n; j++)
    {
      gboolean obs = g_rand_double (rng) >= missing;
      if (!obs)
        miss_cols[n_miss++] = j;
      for (i = 0; i < m; i++)
        {
          mask[i + j * m] = obs;
          y[i + j * m] = obs ? gauss (rng) : NAN;
        }
    }
  for (i = 0; i < p * n; i++)
    z[i] = gauss (rng);

  ntkmc_ntk_options_init (&opt);
  opt.identity_weight = 1.5;
  for (r = 0; r < repeats; r++)
    {
      double t0 = now (), total;
      fprintf (stderr, "bench-fc: NTK completion %d/%d...\n", r + 1, repeats);
      if (!ntkmc_ntk_complete (ctx, &opt, NULL, p, n, z, p, m, y, m, mask, m,
                               out, m, &rep, &error))
        {
          fprintf (stderr, "bench-fc: %s\n", error->message);
          return 1;
        }
      total = now () - t0;
      if (total < best_total)
        {
          best_total = total;
          best = rep;
        }
    }
  rss_ours = peak_rss_mib ();

  /* the NumPy reference on the same data */
  if (python == NULL)
    python = g_strdup ("/usr/bin/python3");
  if (strcmp (python, "none") != 0 && g_file_test (python, G_FILE_TEST_IS_EXECUTABLE))
    {
      char *dir = g_dir_make_tmp ("bench-fc-XXXXXX", NULL);
      char *script = g_build_filename (g_getenv ("BENCH_SRCDIR")
                                       ? g_getenv ("BENCH_SRCDIR") : ".",
                                       "bench", "fc", "reference-numpy.py",
                                       NULL);
      char *py = g_build_filename (dir, "y.bin", NULL);
      char *pz = g_build_filename (dir, "z.bin", NULL);
      char *pm = g_build_filename (dir, "miss.bin", NULL);
      guint64 *mc = g_new (guint64, MAX (n_miss, 1));
      for (i = 0; i < n_miss; i++)
        mc[i] = miss_cols[i];
      /* Y is written as given (column-major m x n = C-order n x m); missing
       * columns hold NaN, which the reference zeroes */
      if (g_file_set_contents (py, (const char *) y, (gssize) (m * n * 8), NULL)
          && g_file_set_contents (pz, (const char *) z, (gssize) (p * n * 8), NULL)
          && g_file_set_contents (pm, (const char *) mc, (gssize) (n_miss * 8), NULL))
        {
          fprintf (stderr, "bench-fc: NumPy reference...\n");
          numpy_seconds = run_numpy (python, script, dir, m, n, p, n_miss, out,
                                     miss_cols, &numpy_rel, &numpy_rss);
        }
      g_remove (py);
      g_remove (pz);
      g_remove (pm);
      {
        char *pp = g_build_filename (dir, "pred_numpy.bin", NULL);
        g_remove (pp);
        g_free (pp);
      }
      g_rmdir (dir);
      g_free (mc);
      g_free (py);
      g_free (pz);
      g_free (pm);
      g_free (script);
      g_free (dir);
    }

  {
    double flops = best.flops_gram + best.flops_factor + best.flops_solve
                   + best.flops_predict;
    double bound = flops / (rate * 1e9);
    double t_gram = best.ntk.seconds_gram, t_map = best.ntk.seconds_map;
    double t_other = best_total - t_gram - t_map - best.seconds_factor
                     - best.seconds_solve - best.seconds_predict;
    uname (&un);
    md = g_string_new (NULL);
    g_string_append_printf (md,
      "## Fully connected NTK completion (bench/fc)\n\n"
      "Y: %zu genes x %zu columns, %zu whole columns missing (%.0f%%); random "
      "Gaussian prior of dimension %zu with the paper's 1.5 I; ReLU, depth 1. "
      "Machine: %s %s, %d threads, %s%s. Best of %d runs; DGEMM measured in the "
      "same run (order 4000, best of 3).\n\n",
      m, n, n_miss, 100.0 * (double) n_miss / (double) n, p, un.sysname,
      un.machine, ntkmc_context_get_n_threads (ctx),
      openblas_get_config ? openblas_get_config () : "BLAS",
      openblas_get_corename ? g_strdup_printf (" (core %s)", openblas_get_corename ()) : "",
      repeats);
    g_string_append_printf (md,
      "| phase | seconds | GFLOP | GFLOP/s | share of total |\n"
      "|---|---:|---:|---:|---:|\n");
#define ROW(name, sec, fl)                                                    \
    g_string_append_printf (md, "| %s | %.3f | %s | %s | %.1f%% |\n", name,   \
                            sec, (fl) > 0 ? g_strdup_printf ("%.1f", (fl) * 1e-9) : "-", \
                            (fl) > 0 ? g_strdup_printf ("%.1f", (fl) * 1e-9 / (sec)) : "-", \
                            100.0 * (sec) / best_total)
    ROW ("prior Gram Zn^T Zn (dgemm panels)", t_gram, best.flops_gram);
    ROW ("kernel map kappa(xi)", t_map, 0.0);
    ROW ("factorization (dpotrf)", best.seconds_factor, best.flops_factor);
    ROW ("solve (2 x dtrsm, one right-hand side per gene)", best.seconds_solve, best.flops_solve);
    ROW ("prediction (dgemm)", best.seconds_predict, best.flops_predict);
    ROW ("other (checks, grouping, copies)", t_other, 0.0);
#undef ROW
    g_string_append_printf (md,
      "| **end to end** | **%.3f** | %.1f | %.1f | 100%% |\n\n"
      "DGEMM rate on this machine in this run: **%.1f GFLOP/s**. BLAS-bound "
      "lower limit = total flops / DGEMM rate = %.3f s; **end-to-end / lower "
      "limit = %.2f** (goal <= 1.5). Kernel map share: **%.1f%%** (goal < 10%%). "
      "Peak resident memory: %.0f MiB (the n x n kernel alone is %.0f MiB).\n\n",
      best_total, flops * 1e-9, flops * 1e-9 / best_total, rate, bound,
      best_total / bound, 100.0 * t_map / best_total, rss_ours,
      (double) n * n * 8 / 1048576.0);
    if (numpy_seconds > 0)
      g_string_append_printf (md,
        "Against what a user of the reference code runs (bench/fc/"
        "reference-numpy.py: NumPy, the full kernel matrix, `numpy.linalg."
        "solve`, as in the authors' `ntk.py`), same data, same BLAS, same "
        "threads:\n\n"
        "| implementation | seconds | time / ntkmc's | peak memory (MiB) |\n"
        "|---|---:|---:|---:|\n"
        "| ntkmc | %.2f | 1.00 | %.0f |\n"
        "| NumPy reference | %.2f | %.2f | %.0f |\n\n"
        "Largest difference of the predictions: %.1e relative to the largest "
        "prediction.\n\n",
        best_total, rss_ours, numpy_seconds, numpy_seconds / best_total,
        numpy_rss, numpy_rel);
    else
      g_string_append (md, "(NumPy reference not run: no /usr/bin/python3 "
                           "with NumPy.)\n\n");
    fputs (md->str, stdout);
    if (output != NULL && !bench_write_section (output, "bench-fc", md->str, &error))
      {
        fprintf (stderr, "bench-fc: %s\n", error->message);
        return 1;
      }
  }
  return 0;
}
