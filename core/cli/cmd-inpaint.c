/* SPDX-License-Identifier: MIT */
/*
 * cmd-inpaint.c: "ntkmc inpaint": fill the masked pixels of an image with
 * the convolutional NTK; kernels are cached between runs.
 */
#include "config.h"

#include "cli/cli.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The kernel for @arch serving width x height, from the shared cache. */
static NtkmcCntk *
get_kernel (NtkmcContext *ctx, const NtkmcArch *arch, size_t width,
            size_t height, gboolean quiet, GError **error)
{
  NtkmcCacheReport rep;
  NtkmcCntk *k = ntkmc_cache_get (ctx, arch, width, height, NULL, &rep,
                                  error);

  if (k != NULL && rep.warning != NULL)
    fprintf (stderr, "ntkmc: warning: cannot cache the kernel: %s\n",
             rep.warning);
  else if (k != NULL && rep.computed && !quiet)
    fprintf (stderr, "ntkmc: computed the kernel in %.2f s; cached it in "
             "%s\n", rep.seconds, rep.path);
  ntkmc_cache_report_clear (&rep);
  return k;
}

int
ntkmc_cli_inpaint (int argc, char **argv)
{
  char *arch_arg = NULL, *kernel_arg = NULL, *out_arg = NULL;
  char *solver_arg = NULL;
  gboolean inverted = FALSE, quiet = FALSE, progress = FALSE;
  int threads = 0, radius = 0, max_system = 0, iters = 0;
  double ridge = -1, tol = 0;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &out_arg,
      "the completed image (PNG, JPEG or TIFF, by extension)", "OUT" },
    { "arch", 0, 0, G_OPTION_ARG_STRING, &arch_arg,
      "network: auto (default: chosen from the holes), a preset "
      "(large-hole, notebook, recon2, recon3, recon5b, recon6) or layer "
      "tokens", "SPEC" },
    { "kernel", 0, 0, G_OPTION_ARG_FILENAME, &kernel_arg,
      "use this kernel file (from 'ntkmc kernel compute --arch') instead of "
      "the cache", "FILE" },
    { "inverted-mask", 0, 0, G_OPTION_ARG_NONE, &inverted,
      "the mask is white where pixels are observed (255 = observed) instead "
      "of white where they are missing", NULL },
    { "ridge", 0, 0, G_OPTION_ARG_DOUBLE, &ridge,
      "ridge relative to the kernel's mean diagonal (default: direct 4e-5, "
      "cg and eigenpro 1e-3)", "R" },
    { "radius", 0, 0, G_OPTION_ARG_INT, &radius,
      "context: observed pixels within R of the hole (0 = automatic, -1 = "
      "all)", "R" },
    { "max-system", 0, 0, G_OPTION_ARG_INT, &max_system,
      "largest system for the automatic radius (default 12000)", "N" },
    { "solver", 0, 0, G_OPTION_ARG_STRING, &solver_arg,
      "auto (default) or direct: dense solve near the holes; cg: conjugate "
      "gradients over every observed pixel; eigenpro: the paper's solver",
      "NAME" },
    { "iters", 0, 0, G_OPTION_ARG_INT, &iters,
      "iterative solvers: at most N iterations (default: 200 cg, 100 eigenpro)", "N" },
    { "tol", 0, 0, G_OPTION_ARG_DOUBLE, &tol,
      "iterative solvers: relative residual to stop at (default 1e-2)",
      "T" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads,
      "threads to use (default: all cores)", "N" },
    { "progress", 0, 0, G_OPTION_ARG_NONE, &progress,
      "show progress on standard error", NULL },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet,
      "print nothing but errors", NULL },
    { NULL }
  };
  GOptionContext *octx = g_option_context_new ("IMAGE MASK -o OUT");
  GError *error = NULL;
  g_autoptr (NtkmcContext) ctx = NULL;
  g_autoptr (NtkmcArch) arch = NULL;
  g_autoptr (NtkmcCntk) k = NULL;
  g_autoptr (NtkmcImage) image = NULL;
  g_autoptr (NtkmcImage) done = NULL;
  guint8 *missing = NULL;
  NtkmcInpaintOptions opt;
  NtkmcInpaintReport rep;
  int status = 1;
  size_t w, h;
  double t0;

  g_option_context_set_summary (octx,
    "Fills the pixels that MASK marks as missing (by default: non-black\n"
    "pixels, as a GIMP selection saved as an image; --inverted-mask for\n"
    "masks that are white where pixels are observed) by kernel regression\n"
    "with the neural tangent kernel of an infinitely wide convolutional\n"
    "network.  Observed pixels are kept exactly.  Kernels are computed once\n"
    "per network and size and cached ($NTKMC_CACHE_DIR, else\n"
    "~/.cache/ntkmc/kernels).");
  g_option_context_add_main_entries (octx, entries, NULL);
  if (!g_option_context_parse (octx, &argc, &argv, &error) || argc != 3
      || out_arg == NULL)
    {
      fprintf (stderr, "ntkmc inpaint: %s\n",
               error ? error->message : "expected IMAGE, MASK and -o OUT "
                                        "(see ntkmc inpaint --help)");
      g_clear_error (&error);
      status = 2;
      goto out;
    }
  if (kernel_arg != NULL && arch_arg != NULL)
    {
      fprintf (stderr, "ntkmc inpaint: give --arch or --kernel, not both\n");
      status = 2;
      goto out;
    }
  ntkmc_inpaint_options_init (&opt);
  if (ridge >= 0)
    opt.ridge = opt.iterative_ridge = ridge;
  else if (ridge != -1)
    {
      fprintf (stderr, "ntkmc inpaint: --ridge must be >= 0\n");
      status = 2;
      goto out;
    }
  opt.radius = radius;
  if (max_system > 0)
    opt.max_system = (size_t) max_system;
  if (solver_arg != NULL && !ntkmc_solver_parse (solver_arg, &opt.solver,
                                                 &error))
    {
      ntkmc_cli_report_error ("--solver", error);
      status = 2;
      goto out;
    }
  if (iters < 0 || !(tol >= 0 && tol < 1))
    {
      fprintf (stderr, "ntkmc inpaint: --iters must be >= 0 and --tol in "
               "[0, 1)\n");
      status = 2;
      goto out;
    }
  opt.max_iters = (size_t) iters;
  opt.tol = tol;

  image = ntkmc_image_read (argv[1], &error);
  if (image == NULL)
    {
      ntkmc_cli_report_error (argv[1], error);
      goto out;
    }
  w = ntkmc_image_get_width (image);
  h = ntkmc_image_get_height (image);
  missing = ntkmc_image_read_mask (argv[2], inverted, w, h, &error);
  if (missing == NULL)
    {
      ntkmc_cli_report_error (argv[2], error);
      goto out;
    }
  ctx = ntkmc_context_new (threads);
  if (progress)
    ntkmc_context_set_progress (ctx, ntkmc_cli_print_progress, NULL);
  if (kernel_arg != NULL)
    k = ntkmc_cntk_open (kernel_arg, &error);
  else
    {
      const char *spec = arch_arg;
      if (spec == NULL || strcmp (spec, "auto") == 0)
        {
          size_t depth = 0;
          spec = ntkmc_inpaint_choose_arch (missing, w, h, &depth);
          if (!quiet)
            fprintf (stderr, "ntkmc: holes up to %zu px deep: network %s\n",
                     depth, spec);
        }
      arch = ntkmc_arch_parse (spec, &error);
      if (arch == NULL)
        {
          ntkmc_cli_report_error ("--arch", error);
          status = 2;
          goto out;
        }
      k = get_kernel (ctx, arch, w, h, quiet, &error);
    }
  if (k == NULL)
    {
      ntkmc_cli_report_error (kernel_arg ? kernel_arg : "kernel", error);
      goto out;
    }
  t0 = (double) g_get_monotonic_time ();
  done = ntkmc_inpaint (ctx, k, &opt, image, missing, &rep, &error);
  if (done == NULL)
    {
      if (progress)
        fputc ('\n', stderr);
      ntkmc_cli_report_error (argv[1], error);
      goto out;
    }
  if (!quiet)
    {
      double dt = ((double) g_get_monotonic_time () - t0) * 1e-6;
      const char *pad = rep.padded_width != w || rep.padded_height != h
                        ? ", padded" : "";
      if (rep.solver == NTKMC_SOLVER_CG || rep.solver == NTKMC_SOLVER_EIGENPRO)
        fprintf (stderr, "ntkmc: filled %zu pixels from all %zu observed "
                 "pixels%s by %s: %zu iterations, relative residual %.2e, "
                 "in %.2f s\n", rep.n_missing, rep.n_context, pad,
                 rep.solver == NTKMC_SOLVER_CG ? "conjugate gradients"
                                                : "EigenPro",
                 rep.iters, rep.residual, dt);
      else if (rep.n_tiles > 0)
        fprintf (stderr, "ntkmc: filled %zu pixels in %zu tiles, each from "
                 "at most %zu context pixels (radius %zu%s) in %.2f s\n",
                 rep.n_missing, rep.n_tiles, rep.n_context, rep.radius, pad,
                 dt);
      else if (rep.n_groups > 1)
        fprintf (stderr, "ntkmc: filled %zu pixels in %zu groups of holes, "
                 "each from at most %zu context pixels (radius %zu%s) in "
                 "%.2f s\n", rep.n_missing, rep.n_groups, rep.n_context,
                 rep.radius, pad, dt);
      else
        fprintf (stderr, "ntkmc: filled %zu pixels from %zu context pixels "
                 "(radius %zu%s) in %.2f s\n", rep.n_missing, rep.n_context,
                 rep.radius, pad, dt);
    }
  if (!ntkmc_image_write (done, out_arg, &error))
    {
      ntkmc_cli_report_error (out_arg, error);
      goto out;
    }
  status = 0;

out:
  g_free (missing);
  g_free (arch_arg);
  g_free (solver_arg);
  g_free (kernel_arg);
  g_free (out_arg);
  g_option_context_free (octx);
  return status;
}
