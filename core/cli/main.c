/* SPDX-License-Identifier: MIT */
/*
 * main.c: the ntkmc command-line tool: dispatch to subcommands.
 */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char usage[] =
  "Usage: ntkmc COMMAND [OPTIONS]\n"
  "\n"
  "Matrix completion with the neural tangent kernel of infinitely wide networks.\n"
  "\n"
  "Commands:\n"
  "  complete   complete a matrix with missing values (TSV/CSV) with the NTK\n"
  "  inpaint    fill the masked pixels of an image with the convolutional NTK\n"
  "  kernel     compute, inspect and export kernel files (kernel --help)\n"
  "  gct        inspect, subset and convert CMap GCT / GCTX files (gct --help)\n"
  "  demo       run a small self-contained drug-screening completion demo\n"
  "\n"
  "Run 'ntkmc COMMAND --help' for the options of a command.\n";

void
ntkmc_cli_report_error (const char *context, GError *error)
{
  fprintf (stderr, "ntkmc: %s: %s\n", context,
           error != NULL ? error->message : "unknown error");
  g_clear_error (&error);
}

int
ntkmc_cli_run (NtkmcCliCommand cmd, int argc, char **argv)
{
  char *name = g_strdup_printf ("%s %s", argv[0], argv[1]);
  char *saved = argv[1];
  int status;

  argv[1] = name;
  status = cmd (argc - 1, argv + 1);
  argv[1] = saved;
  g_free (name);
  return status;
}

int
main (int argc, char **argv)
{
  if (argc < 2)
    {
      fputs (usage, stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0
      || strcmp (argv[1], "help") == 0)
    {
      fputs (usage, stdout);
      return 0;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("ntkmc %s\n", NTKMC_VERSION_STRING);
      return 0;
    }
  if (strcmp (argv[1], "complete") == 0)
    return ntkmc_cli_run (ntkmc_cli_complete, argc, argv);
  if (strcmp (argv[1], "kernel") == 0)
    return ntkmc_cli_run (ntkmc_cli_kernel, argc, argv);
  if (strcmp (argv[1], "inpaint") == 0)
    return ntkmc_cli_run (ntkmc_cli_inpaint, argc, argv);
  if (strcmp (argv[1], "gct") == 0)
    return ntkmc_cli_run (ntkmc_cli_gct, argc, argv);
  if (strcmp (argv[1], "demo") == 0)
    return ntkmc_cli_run (ntkmc_cli_demo, argc, argv);
  fprintf (stderr, "ntkmc: unknown command '%s'\n\n%s", argv[1], usage);
  return 2;
}
