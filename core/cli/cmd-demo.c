/* SPDX-License-Identifier: MIT */
/*
 * cmd-demo.c: "ntkmc demo": a self-contained virtual drug screen.
 *
 * Simulates a small genes x (cell line, drug) expression matrix with the
 * structure of CMAP data (the cell line dominates a profile; drugs add a
 * smaller, partly shared, cell-scaled effect), hides some whole profiles,
 * and imputes them with the NTK and the paper's reference-cell prior, the
 * one-hot drug prior, and the mean over cell type.  The files it writes can
 * be fed back to "ntkmc complete".
 */
#include "config.h"

#include "cli/cli.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

typedef struct {
  size_t genes, cells, drugs, rank;
  double cell_scale, drug_scale, noise;
} DemoShape;

static double
gauss (GRand *rng)
{
  double u1 = g_rand_double_range (rng, 1e-300, 1.0), u2 = g_rand_double (rng);
  return sqrt (-2.0 * log (u1)) * cos (2.0 * G_PI * u2);
}

/* Pearson correlation of two vectors. */
static double
pearson (size_t len, const double *a, const double *b)
{
  double ma = 0, mb = 0, sab = 0, saa = 0, sbb = 0;
  size_t i;

  for (i = 0; i < len; i++)
    {
      ma += a[i];
      mb += b[i];
    }
  ma /= (double) len;
  mb /= (double) len;
  for (i = 0; i < len; i++)
    {
      sab += (a[i] - ma) * (b[i] - mb);
      saa += (a[i] - ma) * (a[i] - ma);
      sbb += (b[i] - mb) * (b[i] - mb);
    }
  return sab / sqrt (saa * sbb);
}

/* Pearson r over all held-out entries stacked, and the mean per-profile R^2
 * (as the paper's code computes them). */
static void
score (const DemoShape *sh, size_t n, const double *truth, const double *pred,
       const gboolean *held_out, double *r, double *r2)
{
  size_t g = sh->genes, j, i, len = 0, n_test = 0;
  double *a = g_new (double, g * n), *b = g_new (double, g * n), sum_r2 = 0;

  for (j = 0; j < n; j++)
    {
      double mean = 0, ss_tot = 0, ss_res = 0;
      if (!held_out[j])
        continue;
      for (i = 0; i < g; i++)
        {
          a[len] = truth[i + j * g];
          b[len++] = pred[i + j * g];
          mean += truth[i + j * g];
        }
      mean /= (double) g;
      for (i = 0; i < g; i++)
        {
          double t = truth[i + j * g], p = pred[i + j * g];
          ss_tot += (t - mean) * (t - mean);
          ss_res += (t - p) * (t - p);
        }
      sum_r2 += 1.0 - ss_res / ss_tot;
      n_test++;
    }
  *r = pearson (len, a, b);
  *r2 = sum_r2 / (double) n_test;
  g_free (a);
  g_free (b);
}

int
ntkmc_cli_demo (int argc, char **argv)
{
  char *dir = NULL, *program = NULL;
  int seed = 1, threads = 0;
  GOptionEntry entries[] = {
    { "output-dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir,
      "where to write input.tsv, prior.tsv, truth.tsv and completed.tsv "
      "(default: ntkmc-demo)", "DIR" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, "random seed (default 1)", "S" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads,
      "threads to use (default: all cores)", "N" },
    { NULL }
  };
  const DemoShape sh = { 978, 8, 60, 6, 1.0, 0.45, 0.15 };
  GOptionContext *octx = g_option_context_new (NULL);
  GError *error = NULL;
  GRand *rng = NULL;
  NtkmcContext *ctx = NULL;
  NtkmcNtkOptions nopt;
  size_t g = sh.genes, n = sh.cells * sh.drugs, c, d, i, j, r, p;
  double *base = NULL, *u = NULL, *v = NULL, *scale = NULL, *truth = NULL,
         *y = NULL, *z = NULL, *out_ref = NULL, *out_hot = NULL,
         *out_mean = NULL;
  guint8 *mask = NULL;
  gboolean *held = NULL, *train = NULL;
  char **col_names = NULL;
  int status = 1;
  double t0, t_ref;

  g_option_context_set_summary (octx,
    "Runs a small virtual drug screen on simulated data: 978 genes x (8 cell\n"
    "lines x 60 drugs).  Cell line 1 is the reference line, measured with\n"
    "every drug; the others saw 15-70% of the drugs.  10% of the measured\n"
    "profiles are hidden and imputed three ways; the scores are printed and\n"
    "the files written so that 'ntkmc complete' can be run on them.");
  g_option_context_add_main_entries (octx, entries, NULL);
  if (!g_option_context_parse (octx, &argc, &argv, &error) || argc != 1)
    {
      fprintf (stderr, "ntkmc demo: %s\n",
               error ? error->message : "unexpected argument");
      g_clear_error (&error);
      status = 2;
      goto out;
    }
  if (dir == NULL)
    dir = g_strdup ("ntkmc-demo");
  {
    /* argv[0] is "PROGRAM demo": the program, for the printed command line */
    const char *sp = strrchr (argv[0], ' ');
    program = sp ? g_strndup (argv[0], (gsize) (sp - argv[0])) : g_strdup ("ntkmc");
  }
  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      fprintf (stderr, "ntkmc demo: cannot create %s: %s\n", dir,
               g_strerror (errno));
      goto out;
    }

  /* ---- simulate: profile(c, d) = base_c + scale_c * U v_d + noise */
  rng = g_rand_new_with_seed ((guint32) seed);
  base = g_new (double, g * sh.cells);
  u = g_new (double, g * sh.rank);
  v = g_new (double, sh.rank * sh.drugs);
  scale = g_new (double, sh.cells);
  for (i = 0; i < g * sh.cells; i++)
    base[i] = sh.cell_scale * gauss (rng);
  for (i = 0; i < g * sh.rank; i++)
    u[i] = gauss (rng) / sqrt ((double) sh.rank);
  for (i = 0; i < sh.rank * sh.drugs; i++)
    v[i] = sh.drug_scale * gauss (rng);
  for (c = 0; c < sh.cells; c++)
    scale[c] = g_rand_double_range (rng, 0.5, 1.5);

  truth = g_new (double, g * n);
  y = g_new (double, g * n);
  mask = g_new0 (guint8, g * n);
  held = g_new0 (gboolean, n);
  train = g_new0 (gboolean, n);
  col_names = g_new0 (char *, n + 1);
  for (c = 0; c < sh.cells; c++)
    {
      /* the reference line saw every drug; the others 15% to 70% */
      double coverage = c == 0 ? 1.0 : 0.15 + 0.55 * (double) (c - 1)
                                               / (double) (sh.cells - 2);
      for (d = 0; d < sh.drugs; d++)
        {
          gboolean measured = c == 0 || g_rand_double (rng) < coverage;
          j = c * sh.drugs + d;
          col_names[j] = g_strdup_printf ("CELL%02zu:drug%03zu", c + 1, d + 1);
          for (i = 0; i < g; i++)
            {
              double effect = 0;
              for (r = 0; r < sh.rank; r++)
                effect += u[i + r * g] * v[r + d * sh.rank];
              truth[i + j * g] = base[i + c * g] + scale[c] * effect
                                 + sh.noise * gauss (rng);
            }
          /* hide 10% of the measured profiles of non-reference lines */
          held[j] = measured && c > 0 && g_rand_double (rng) < 0.10;
          train[j] = measured && !held[j];
          for (i = 0; i < g; i++)
            {
              mask[i + j * g] = train[j];
              y[i + j * g] = train[j] ? truth[i + j * g] : NAN;
            }
        }
    }

  /* ---- the reference-cell prior (paper, Appendix D): for column (c, d),
   * [1.25 |e_d| cell_c / |cell_c| , e_d] with e_d the reference line's
   * profile of drug d and cell_c the mean training profile of line c, then
   * 1.5 I appended (identity_weight) and each item normalized to unit norm. */
  p = 2 * g;
  z = g_new0 (double, p * n);
  {
    double *cell_mean = g_new0 (double, g * sh.cells);
    for (c = 0; c < sh.cells; c++)
      {
        size_t cnt = 0;
        for (d = 0; d < sh.drugs; d++)
          if (train[c * sh.drugs + d])
            {
              for (i = 0; i < g; i++)
                cell_mean[i + c * g] += y[i + (c * sh.drugs + d) * g];
              cnt++;
            }
        for (i = 0; i < g; i++)
          cell_mean[i + c * g] /= (double) MAX (cnt, (size_t) 1);
      }
    for (c = 0; c < sh.cells; c++)
      for (d = 0; d < sh.drugs; d++)
        {
          const double *drug = y + d * g;   /* reference line = block 0 */
          double nd = 0, nc = 0;
          j = c * sh.drugs + d;
          for (i = 0; i < g; i++)
            {
              nd += drug[i] * drug[i];
              nc += cell_mean[i + c * g] * cell_mean[i + c * g];
            }
          nd = sqrt (nd);
          nc = sqrt (nc);
          for (i = 0; i < g; i++)
            {
              z[i + j * p] = 1.25 * nd * cell_mean[i + c * g] / nc;
              z[g + i + j * p] = drug[i];
            }
        }
    g_free (cell_mean);
  }

  /* ---- impute three ways */
  ctx = ntkmc_context_new (threads);
  ntkmc_ntk_options_init (&nopt);
  nopt.identity_weight = 1.5;
  out_ref = g_new (double, g * n);
  out_hot = g_new (double, g * n);
  out_mean = g_new (double, g * n);
  t0 = (double) g_get_monotonic_time ();
  if (!ntkmc_ntk_complete (ctx, &nopt, NULL, p, n, z, p, g, y, g, mask, g,
                           out_ref, g, NULL, &error))
    {
      ntkmc_cli_report_error ("demo (reference prior)", error);
      goto out;
    }
  t_ref = ((double) g_get_monotonic_time () - t0) * 1e-6;
  /* the one-hot prior is block-wise per cell line in the paper (a shrunk
   * mean over cell type, Proposition 2): complete each line separately */
  memcpy (out_hot, y, g * n * sizeof (double));
  for (c = 0; c < sh.cells; c++)
    {
      size_t j0 = c * sh.drugs;
      if (!ntkmc_ntk_complete (ctx, &nopt, NULL, sh.drugs, sh.drugs, NULL, 0,
                               g, y + j0 * g, g, mask + j0 * g, g,
                               out_hot + j0 * g, g, NULL, &error))
        {
          ntkmc_cli_report_error ("demo (one-hot prior)", error);
          goto out;
        }
    }
  for (c = 0; c < sh.cells; c++)
    {
      size_t cnt = 0;
      double *mean = g_new0 (double, g);
      for (d = 0; d < sh.drugs; d++)
        if (train[c * sh.drugs + d])
          {
            for (i = 0; i < g; i++)
              mean[i] += y[i + (c * sh.drugs + d) * g];
            cnt++;
          }
      for (d = 0; d < sh.drugs; d++)
        for (i = 0; i < g; i++)
          {
            j = c * sh.drugs + d;
            out_mean[i + j * g] = train[j] ? y[i + j * g]
                                           : mean[i] / (double) cnt;
          }
      g_free (mean);
    }

  {
    double r_ref, r2_ref, r_hot, r2_hot, r_mean, r2_mean;
    size_t n_held = 0, n_train = 0;
    for (j = 0; j < n; j++)
      {
        n_held += held[j];
        n_train += train[j];
      }
    score (&sh, n, truth, out_ref, held, &r_ref, &r2_ref);
    score (&sh, n, truth, out_hot, held, &r_hot, &r2_hot);
    score (&sh, n, truth, out_mean, held, &r_mean, &r2_mean);
    printf ("ntkmc demo: virtual drug screen on simulated data (seed %d)\n"
            "  %zu genes x %zu cell lines x %zu drugs; %zu measured profiles "
            "used for training, %zu held out\n\n"
            "  %-36s %10s %10s\n"
            "  %-36s %10.4f %10.4f\n"
            "  %-36s %10.4f %10.4f\n"
            "  %-36s %10.4f %10.4f\n\n"
            "  NTK with the reference-cell prior took %.2f s "
            "(%d thread%s).\n",
            seed, g, sh.cells, sh.drugs, n_train, n_held,
            "held-out profiles", "Pearson r", "mean R^2",
            "NTK, reference-cell prior", r_ref, r2_ref,
            "NTK, one-hot drug prior", r_hot, r2_hot,
            "mean over cell type", r_mean, r2_mean, t_ref,
            ntkmc_context_get_n_threads (ctx),
            ntkmc_context_get_n_threads (ctx) == 1 ? "" : "s");
  }

  /* ---- files, for "ntkmc complete" */
  {
    char *in_path = g_build_filename (dir, "input.tsv", NULL);
    char *prior_path = g_build_filename (dir, "prior.tsv", NULL);
    char *truth_path = g_build_filename (dir, "truth.tsv", NULL);
    char *done_path = g_build_filename (dir, "completed.tsv", NULL);
    GString *text = g_string_new ("gene");
    NtkmcTable *like = NULL, *prior_like = NULL;
    gboolean ok;

    /* write the input by hand once (header + row names + NA), then use it as
     * the layout template for the other files */
    for (j = 0; j < n; j++)
      g_string_append_printf (text, "\t%s", col_names[j]);
    g_string_append_c (text, '\n');
    for (i = 0; i < g; i++)
      {
        g_string_append_printf (text, "gene%04zu", i + 1);
        for (j = 0; j < n; j++)
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            g_string_append_c (text, '\t');
            g_string_append (text, mask[i + j * g]
                             ? g_ascii_formatd (buf, sizeof buf, "%.6g",
                                                y[i + j * g]) : "NA");
          }
        g_string_append_c (text, '\n');
      }
    ok = g_file_set_contents (in_path, text->str, (gssize) text->len, &error);
    g_string_truncate (text, 0);
    g_string_append (text, "item");
    for (r = 0; r < p; r++)
      g_string_append_printf (text, "\tf%zu", r + 1);
    g_string_append_c (text, '\n');
    for (j = 0; j < n && ok; j++)
      {
        g_string_append (text, col_names[j]);
        for (r = 0; r < p; r++)
          {
            char buf[G_ASCII_DTOSTR_BUF_SIZE];
            g_string_append_c (text, '\t');
            g_string_append (text, g_ascii_formatd (buf, sizeof buf, "%.7g",
                                                    z[r + j * p]));
          }
        g_string_append_c (text, '\n');
      }
    if (ok)
      ok = g_file_set_contents (prior_path, text->str, (gssize) text->len,
                                &error);
    g_string_free (text, TRUE);
    if (ok)
      ok = (like = ntkmc_table_read (in_path, &error)) != NULL;
    /* the files carry fewer digits than the simulation: complete what the
     * user sees, exactly as "ntkmc complete" will */
    if (ok)
      ok = (prior_like = ntkmc_table_read (prior_path, &error)) != NULL;
    if (ok)
      {
        const double *pv = ntkmc_table_peek_values (prior_like);
        for (j = 0; j < n; j++)
          for (r = 0; r < p; r++)
            z[r + j * p] = pv[j + r * n];
        ok = ntkmc_table_write (truth_path, like, g, n, truth, g, &error)
             && ntkmc_ntk_complete (ctx, &nopt, NULL, p, n, z, p, g,
                                    ntkmc_table_peek_values (like), g,
                                    ntkmc_table_peek_mask (like), g, out_ref,
                                    g, NULL, &error)
             && ntkmc_table_write (done_path, like, g, n, out_ref, g, &error);
      }
    if (ok)
      printf ("\nFiles in %s/: input.tsv (NA = hidden or never measured), "
              "prior.tsv,\ntruth.tsv, completed.tsv.  The same completion "
              "from the command line:\n\n"
              "  %s complete --prior %s --identity-weight 1.5 %s -o %s\n",
              dir, program, prior_path, in_path, done_path);
    else
      ntkmc_cli_report_error (dir, error);
    ntkmc_table_free (prior_like);
    ntkmc_table_free (like);
    g_free (in_path);
    g_free (prior_path);
    g_free (truth_path);
    g_free (done_path);
    if (!ok)
      goto out;
  }
  status = 0;

out:
  g_strfreev (col_names);
  g_free (out_ref);
  g_free (out_hot);
  g_free (out_mean);
  ntkmc_context_free (ctx);
  g_free (z);
  g_free (held);
  g_free (train);
  g_free (mask);
  g_free (y);
  g_free (truth);
  g_free (scale);
  g_free (v);
  g_free (u);
  g_free (base);
  if (rng != NULL)
    g_rand_free (rng);
  g_free (dir);
  g_free (program);
  g_option_context_free (octx);
  return status;
}
