/* SPDX-License-Identifier: MIT */
/*
 * cmd-complete.c: "ntkmc complete": complete a TSV/CSV matrix with the NTK.
 */
#include "config.h"

#include "cli/cli.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static void
print_report (const NtkmcCompleteReport *rep, double seconds)
{
  fprintf (stderr,
           "ntkmc: predicted %zu missing entries from %zu observed ones "
           "(%zu observation pattern%s, largest system %zu, min rcond %.2g) "
           "in %.2f s\n",
           rep->n_missing, rep->n_observed, rep->n_patterns,
           rep->n_patterns == 1 ? "" : "s", rep->max_system,
           isfinite (rep->min_rcond) ? rep->min_rcond : 1.0, seconds);
}

/* Loads an FC kernel file for an n-column matrix. */
static NtkmcKernelFile *
open_fc_kernel (const char *path, size_t n, GError **error)
{
  NtkmcKernelFile *kf = ntkmc_kernelfile_open (path, error);
  uint64_t dims[NTKMC_KERNELFILE_MAX_DIMS];
  unsigned nd;

  if (kf == NULL)
    return NULL;
  nd = ntkmc_kernelfile_get_dims (kf, dims);
  if (ntkmc_kernelfile_get_kind (kf) != NTKMC_KERNEL_FC)
    g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH,
                 "%s is a convolutional kernel; 'complete' needs a fully "
                 "connected one (ntkmc kernel compute --prior ...)", path);
  else if (nd != 2 || dims[0] != n || dims[1] != n)
    g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH,
                 "%s holds a kernel over %" G_GUINT64_FORMAT " columns but the "
                 "matrix has %zu columns", path, dims[0], n);
  else
    return kf;
  ntkmc_kernelfile_close (kf);
  return NULL;
}

int
ntkmc_cli_complete (int argc, char **argv)
{
  char *prior_arg = NULL, *kernel_arg = NULL, *out_arg = NULL;
  NtkmcCliNetwork net = { NULL, -1, 0.0, 0 };
  double ridge = 0.0;
  gboolean quiet = FALSE, progress = FALSE;
  GOptionEntry entries[] = {
    { "prior", 0, 0, G_OPTION_ARG_FILENAME, &prior_arg,
      "feature prior: a TSV/CSV with one row per column of IN, or 'identity' "
      "(one-hot; default)", "FILE|identity" },
    { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &kernel_arg,
      "use a precomputed kernel file (from 'ntkmc kernel compute') instead of "
      "--prior/--activation/--depth", "FILE" },
    { "ridge", 0, 0, G_OPTION_ARG_DOUBLE, &ridge,
      "ridge lambda >= 0 added to the kernel diagonal (default 0)", "LAMBDA" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_arg,
      "output file ('-' = standard output); same layout as IN", "OUT" },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &progress,
      "show progress on standard error", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      "do not print the summary on standard error", NULL },
    { NULL }
  };
  GOptionContext *octx = g_option_context_new ("IN -o OUT");
  GError *error = NULL;
  NtkmcTable *in = NULL;
  NtkmcKernelFile *kf = NULL;
  NtkmcContext *ctx = NULL;
  NtkmcNtkOptions nopt;
  NtkmcCompleteOptions copt;
  NtkmcCompleteReport rep;
  double *z = NULL, *out = NULL, *kbuf = NULL, t0;
  size_t m, n, p = 0;
  int status = 1;
  gboolean ok;

  g_option_context_set_summary (octx,
    "Completes a matrix with missing values (NA, NaN or empty cells) by\n"
    "kernel regression with the neural tangent kernel of an infinitely wide\n"
    "fully connected network (Radhakrishnan et al., PNAS 2022, Theorem 1).\n"
    "Rows are completed independently; columns are related by the prior.");
  g_option_context_add_main_entries (octx, entries, NULL);
  ntkmc_cli_network_add_options (octx, &net);
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    {
      fprintf (stderr, "ntkmc complete: %s\n", error->message);
      g_clear_error (&error);
      status = 2;
      goto out;
    }
  if (argc != 2 || out_arg == NULL)
    {
      fprintf (stderr, "ntkmc complete: expected one input file and -o OUT "
                       "(see ntkmc complete --help)\n");
      status = 2;
      goto out;
    }
  ntkmc_complete_options_init (&copt);
  copt.ridge = ridge;
  if (kernel_arg != NULL && (prior_arg || ntkmc_cli_network_given (&net)))
    {
      fprintf (stderr, "ntkmc complete: --kernel already fixes the prior and "
                       "the network; drop --prior, --activation, --depth and "
                       "--identity-weight\n");
      status = 2;
      goto out;
    }
  if (!ntkmc_cli_network_resolve (&net, &nopt, &error))
    {
      ntkmc_cli_report_error ("complete", error);
      status = 2;
      goto out;
    }

  in = ntkmc_table_read (argv[1], &error);
  if (in == NULL)
    {
      ntkmc_cli_report_error ("complete", error);
      goto out;
    }
  m = ntkmc_table_get_n_rows (in);
  n = ntkmc_table_get_n_cols (in);
  if (prior_arg != NULL && strcmp (prior_arg, "identity") != 0)
    {
      z = ntkmc_cli_load_prior (prior_arg, in, &p, NULL, &error);
      if (z == NULL)
        {
          ntkmc_cli_report_error ("--prior", error);
          goto out;
        }
    }
  else
    p = n;

  ctx = ntkmc_context_new (net.threads);
  if (progress)
    ntkmc_context_set_progress (ctx, ntkmc_cli_print_progress, NULL);
  out = g_new (double, MAX (m * n, (size_t) 1));
  t0 = (double) g_get_monotonic_time ();
  if (kernel_arg != NULL)
    {
      const double *k;
      kf = open_fc_kernel (kernel_arg, n, &error);
      if (kf == NULL)
        {
          ntkmc_cli_report_error ("--kernel", error);
          goto out;
        }
      if (ntkmc_kernelfile_get_dtype (kf) == NTKMC_DTYPE_F64)
        k = ntkmc_kernelfile_peek_data (kf);
      else
        {
          kbuf = g_new (double, n * n);
          ntkmc_kernelfile_read_f64 (kf, kbuf);
          k = kbuf;
        }
      ok = ntkmc_complete (ctx, &copt, m, n, ntkmc_table_peek_values (in), m,
                           ntkmc_table_peek_mask (in), m, k, n, out, m, &rep,
                           &error);
    }
  else
    ok = ntkmc_ntk_complete (ctx, &nopt, &copt, p, n, z, p, m,
                             ntkmc_table_peek_values (in), m,
                             ntkmc_table_peek_mask (in), m, out, m, &rep,
                             &error);
  if (!ok)
    {
      if (progress)
        fputc ('\n', stderr);
      ntkmc_cli_report_error (argv[1], error);
      goto out;
    }
  if (!quiet)
    print_report (&rep, ((double) g_get_monotonic_time () - t0) * 1e-6);
  if (!ntkmc_table_write (out_arg, in, m, n, out, m, &error))
    {
      ntkmc_cli_report_error ("-o", error);
      goto out;
    }
  status = 0;

out:
  g_free (kbuf);
  ntkmc_kernelfile_close (kf);
  g_free (out);
  g_free (z);
  ntkmc_context_free (ctx);
  ntkmc_table_free (in);
  g_free (prior_arg);
  g_free (kernel_arg);
  ntkmc_cli_network_clear (&net);
  g_free (out_arg);
  g_option_context_free (octx);
  return status;
}
