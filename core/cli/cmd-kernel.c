/* SPDX-License-Identifier: MIT */
/*
 * cmd-kernel.c: "ntkmc kernel compute|info|export": kernel files.
 */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char kernel_usage[] =
  "Usage: ntkmc kernel SUBCOMMAND [OPTIONS]\n"
  "\n"
  "Subcommands:\n"
  "  compute   compute a kernel and save it: fully connected over a feature\n"
  "            prior (--prior), or convolutional for images (--arch)\n"
  "  info      print the header of a kernel file (validates it completely)\n"
  "  export    write the kernel matrix of a fully connected file as TSV\n"
  "  row       print one pixel's row of a convolutional kernel as text\n"
  "  heatmap   draw one pixel's row of a convolutional kernel as a PNG\n"
  "\n"
  "Run 'ntkmc kernel SUBCOMMAND --help' for options.\n";

/* "identity:N" -> N, or 0 when @arg is not of that form. */
static size_t
parse_identity (const char *arg, GError **error)
{
  guint64 v;

  if (strncmp (arg, "identity:", 9) != 0)
    return 0;
  if (!g_ascii_string_to_unsigned (arg + 9, 10, 1, G_MAXINT32, &v, error))
    {
      g_prefix_error (error, "bad --prior '%s': ", arg);
      return (size_t) -1;
    }
  return (size_t) v;
}

static int
kernel_compute (int argc, char **argv)
{
  char *prior_arg = NULL, *out_arg = NULL, *dtype_arg = NULL;
  char *arch_arg = NULL, *size_arg = NULL;
  gboolean general = FALSE;
  NtkmcCliNetwork net = { NULL, -1, 0.0, 0 };
  GOptionEntry entries[] = {
    { "prior", 0, 0, G_OPTION_ARG_FILENAME, &prior_arg,
      "fully connected: a TSV/CSV with one row per item, or identity:N "
      "(one-hot over N items); convolutional: iid (default), iid:C1,C2, "
      "or, on the general path, identity (a one-hot channel per pixel), "
      "meshgrid (row and column coordinates) or a TSV/CSV with one row per "
      "pixel (row-major) and one column per channel", "FILE|identity:N|iid" },
    { "arch", 0, 0, G_OPTION_ARG_STRING, &arch_arg,
      "compute a convolutional kernel for this architecture: a preset "
      "(notebook, large-hole, recon2, recon3, recon5b, recon6) or layer "
      "tokens such as \"conv3 lrelu down conv3 lrelu up conv3\"", "SPEC" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size_arg,
      "convolutional: the image size", "WxH" },
    { "general", 0, 0, G_OPTION_ARG_NONE, &general,
      "convolutional: use the general (N^2) path even for the i.i.d. prior",
      NULL },
    { "dtype", 0, 0, G_OPTION_ARG_STRING, &dtype_arg,
      "element type stored: f64 (default) or f32", "TYPE" },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_arg,
      "the kernel file to write", "FILE" },
    { NULL }
  };
  GOptionContext *octx = g_option_context_new ("--prior FILE -o OUT");
  GError *error = NULL;
  NtkmcContext *ctx = NULL;
  NtkmcNtkOptions opt;
  NtkmcDType dtype = NTKMC_DTYPE_F64;
  double *z = NULL, *k = NULL;
  size_t n = 0, p = 0;
  int status = 1;
  GString *desc = NULL;
  char *act_text = NULL;

  g_option_context_set_summary (octx,
    "Computes a kernel and saves it as a kernel file, for reuse by every\n"
    "front end.  With --prior alone: the fully connected NTK Gram matrix\n"
    "kappa_d(Zn^T Zn) over the items of a feature prior.  With --arch and\n"
    "--size: the convolutional NTK of that network for images of that size\n"
    "(a compact form that also serves larger images when the network\n"
    "upsamples by nearest neighbour only).");
  g_option_context_add_main_entries (octx, entries, NULL);
  ntkmc_cli_network_add_options (octx, &net);
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    {
      fprintf (stderr, "ntkmc kernel compute: %s\n", error->message);
      g_clear_error (&error);
      status = 2;
      goto out;
    }
  if (arch_arg != NULL)
    {
      if (argc != 1 || size_arg == NULL || out_arg == NULL
          || ntkmc_cli_network_given (&net))
        {
          fprintf (stderr, "ntkmc kernel compute: --arch needs --size and -o; "
                           "--activation, --depth and --identity-weight are "
                           "for fully connected kernels (activations are "
                           "part of the architecture)\n");
          status = 2;
          goto out;
        }
      status = ntkmc_cli_cntk_compute (arch_arg, size_arg, prior_arg, general,
                                       dtype_arg, net.threads, out_arg);
      goto out;
    }
  if (argc != 1 || prior_arg == NULL || out_arg == NULL || size_arg || general)
    {
      fprintf (stderr, "ntkmc kernel compute: needs --prior and -o, or "
                       "--arch, --size and -o (see ntkmc kernel compute "
                       "--help)\n");
      status = 2;
      goto out;
    }
  if (!ntkmc_cli_network_resolve (&net, &opt, &error))
    {
      ntkmc_cli_report_error ("kernel compute", error);
      status = 2;
      goto out;
    }
  if (dtype_arg != NULL)
    {
      if (strcmp (dtype_arg, "f32") == 0)
        dtype = NTKMC_DTYPE_F32;
      else if (strcmp (dtype_arg, "f64") != 0)
        {
          fprintf (stderr, "ntkmc kernel compute: --dtype must be f32 or f64\n");
          status = 2;
          goto out;
        }
    }
  n = parse_identity (prior_arg, &error);
  if (n == (size_t) -1)
    {
      ntkmc_cli_report_error ("kernel compute", error);
      status = 2;
      goto out;
    }
  if (n == 0)
    {
      z = ntkmc_cli_load_prior (prior_arg, NULL, &p, &n, &error);
      if (z == NULL)
        {
          ntkmc_cli_report_error ("--prior", error);
          goto out;
        }
    }
  else
    p = n;

  k = g_try_malloc (MAX (n * n, (size_t) 1) * sizeof (double));
  if (k == NULL)
    {
      fprintf (stderr, "ntkmc kernel compute: cannot allocate %zu MiB for a "
                       "%zu x %zu kernel\n", (n * n * 8) >> 20, n, n);
      goto out;
    }
  ctx = ntkmc_context_new (net.threads);
  if (!ntkmc_ntk_gram (ctx, &opt, p, n, z, p, k, n, NULL, &error))
    {
      ntkmc_cli_report_error ("kernel compute", error);
      goto out;
    }

  act_text = ntkmc_activation_to_string (&opt.activation);
  desc = g_string_new ("kernel=fc\n");
  g_string_append_printf (desc, "activation=%s\ndepth=%d\n", act_text,
                          opt.depth);
  {
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    g_string_append_printf (desc, "identity_weight=%s\n",
                            g_ascii_formatd (buf, sizeof buf, "%.17g",
                                             opt.identity_weight));
  }
  if (z == NULL)
    g_string_append_printf (desc, "prior=identity\n");
  else
    {
      char *base = g_path_get_basename (prior_arg);
      char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                               (const guchar *) z,
                                               p * n * sizeof (double));
      g_string_append_printf (desc, "prior=file:%s\nprior_sha256=%s\n", base,
                              sum);
      g_free (sum);
      g_free (base);
    }
  g_string_append_printf (desc, "items=%zu\nfeatures=%zu\n", n, p);
  {
    uint64_t dims[2] = { n, n };
    if (!ntkmc_kernelfile_write (out_arg, NTKMC_KERNEL_FC, desc->str, dtype, 2,
                                 dims, k, &error))
      {
        ntkmc_cli_report_error (out_arg, error);
        goto out;
      }
  }
  status = 0;

out:
  if (desc != NULL)
    g_string_free (desc, TRUE);
  g_free (act_text);
  ntkmc_context_free (ctx);
  g_free (k);
  g_free (z);
  g_free (prior_arg);
  ntkmc_cli_network_clear (&net);
  g_free (out_arg);
  g_free (dtype_arg);
  g_free (arch_arg);
  g_free (size_arg);
  g_option_context_free (octx);
  return status;
}

static int
kernel_info (int argc, char **argv)
{
  GOptionContext *octx = g_option_context_new ("FILE");
  GError *error = NULL;
  NtkmcKernelFile *kf;
  char *text;

  g_option_context_set_summary (octx,
    "Validates a kernel file completely (magic, version, byte order, sizes,\n"
    "checksum) and prints its header and description.");
  if (!g_option_context_parse (octx, &argc, &argv, &error) || argc != 2)
    {
      fprintf (stderr, "ntkmc kernel info: %s\n",
               error ? error->message : "expected one kernel file");
      g_clear_error (&error);
      g_option_context_free (octx);
      return 2;
    }
  g_option_context_free (octx);
  kf = ntkmc_kernelfile_open (argv[1], &error);
  if (kf == NULL)
    {
      ntkmc_cli_report_error (argv[1], error);
      return 1;
    }
  text = ntkmc_kernelfile_describe (kf);
  fputs (text, stdout);
  if (text[0] != '\0' && text[strlen (text) - 1] != '\n')
    fputc ('\n', stdout);
  g_free (text);
  ntkmc_kernelfile_close (kf);
  return 0;
}

static int
kernel_export (int argc, char **argv)
{
  char *out_arg = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_arg,
      "output TSV ('-' or absent = standard output)", "OUT" },
    { NULL }
  };
  GOptionContext *octx = g_option_context_new ("FILE [-o OUT]");
  GError *error = NULL;
  NtkmcKernelFile *kf = NULL;
  uint64_t dims[NTKMC_KERNELFILE_MAX_DIMS];
  double *k = NULL;
  int status = 1;

  g_option_context_set_summary (octx,
    "Writes the n x n kernel matrix of a fully connected kernel file as\n"
    "tab-separated text (no header), 17 significant digits.");
  g_option_context_add_main_entries (octx, entries, NULL);
  if (!g_option_context_parse (octx, &argc, &argv, &error) || argc != 2)
    {
      fprintf (stderr, "ntkmc kernel export: %s\n",
               error ? error->message : "expected one kernel file");
      g_clear_error (&error);
      status = 2;
      goto out;
    }
  kf = ntkmc_kernelfile_open (argv[1], &error);
  if (kf == NULL)
    {
      ntkmc_cli_report_error (argv[1], error);
      goto out;
    }
  if (ntkmc_kernelfile_get_kind (kf) != NTKMC_KERNEL_FC
      || ntkmc_kernelfile_get_dims (kf, dims) != 2)
    {
      fprintf (stderr, "ntkmc kernel export: %s is not a fully connected "
                       "kernel matrix\n", argv[1]);
      goto out;
    }
  k = g_new (double, MAX (ntkmc_kernelfile_get_n_elements (kf), 1));
  ntkmc_kernelfile_read_f64 (kf, k);
  if (!ntkmc_table_write (out_arg ? out_arg : "-", NULL, (size_t) dims[0],
                          (size_t) dims[1], k, (size_t) dims[0], &error))
    {
      ntkmc_cli_report_error (out_arg ? out_arg : "stdout", error);
      goto out;
    }
  status = 0;

out:
  g_free (k);
  ntkmc_kernelfile_close (kf);
  g_free (out_arg);
  g_option_context_free (octx);
  return status;
}

int
ntkmc_cli_kernel (int argc, char **argv)
{
  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      fputs (kernel_usage, argc < 2 ? stderr : stdout);
      return argc < 2 ? 2 : 0;
    }
  {
    NtkmcCliCommand sub = NULL;
    if (strcmp (argv[1], "compute") == 0)
      sub = kernel_compute;
    else if (strcmp (argv[1], "info") == 0)
      sub = kernel_info;
    else if (strcmp (argv[1], "export") == 0)
      sub = kernel_export;
    else if (strcmp (argv[1], "row") == 0)
      sub = ntkmc_cli_kernel_row;
    else if (strcmp (argv[1], "heatmap") == 0)
      sub = ntkmc_cli_kernel_heatmap;
    if (sub != NULL)
      return ntkmc_cli_run (sub, argc, argv);
  }
  fprintf (stderr, "ntkmc kernel: unknown subcommand '%s'\n\n%s", argv[1],
           kernel_usage);
  return 2;
}
