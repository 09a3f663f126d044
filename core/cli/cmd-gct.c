/* SPDX-License-Identifier: MIT */
/*
 * cmd-gct.c: "ntkmc gct": CMap GCT / GCTX files: "info" (shape, format,
 * metadata fields) and "convert" (subset by ids, change the format).
 */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static const char gct_usage[] =
  "Usage: ntkmc gct SUBCOMMAND [OPTION...]\n"
  "\n"
  "CMap expression matrices: GCT 1.2 / 1.3 text (also .gct.gz) and GCTX\n"
  "(HDF5).\n"
  "\n"
  "Subcommands:\n"
  "  info FILE        format, dimensions, ids and metadata fields\n"
  "  convert IN OUT   subset by row / column ids and convert (the format of\n"
  "                   OUT follows its name: .gctx = GCTX, else GCT 1.3)\n"
  "\n"
  "Run 'ntkmc gct SUBCOMMAND --help' for its options.\n";

/* Reads one id per line (blank lines skipped; CRLF allowed). */
static char **
read_ids (const char *path, size_t *n, GError **error)
{
  char *text = NULL, **lines, **ids;
  size_t i, k = 0;
  GError *local = NULL;

  if (!g_file_get_contents (path, &text, NULL, &local))
    {
      g_set_error_literal (error, NTKMC_ERROR, NTKMC_ERROR_IO,
                           local->message);
      g_error_free (local);
      return NULL;
    }
  lines = g_strsplit (text, "\n", -1);
  g_free (text);
  ids = g_new0 (char *, g_strv_length (lines) + 1);
  for (i = 0; lines[i] != NULL; i++)
    {
      size_t len = strlen (lines[i]);

      if (len > 0 && lines[i][len - 1] == '\r')
        lines[i][--len] = '\0';
      if (len > 0)
        ids[k++] = g_strdup (lines[i]);
    }
  g_strfreev (lines);
  *n = k;
  return ids;
}

/* Reads FILE with the ids of --rid-file / --cid-file (NULL = all). */
static NtkmcGct *
read_subset (const char *path, const char *rid_file, const char *cid_file,
             gboolean meta_only, GError **error)
{
  NtkmcGctReadOptions opt;
  char **rids = NULL, **cids = NULL;
  NtkmcGct *g = NULL;

  ntkmc_gct_read_options_init (&opt);
  opt.meta_only = meta_only;
  if (rid_file != NULL
      && (rids = read_ids (rid_file, &opt.n_row_ids, error)) == NULL)
    return NULL;
  if (cid_file != NULL
      && (cids = read_ids (cid_file, &opt.n_col_ids, error)) == NULL)
    {
      g_strfreev (rids);
      return NULL;
    }
  opt.row_ids = (const char *const *) rids;
  opt.col_ids = (const char *const *) cids;
  g = ntkmc_gct_read (path, &opt, error);
  g_strfreev (rids);
  g_strfreev (cids);
  return g;
}

static void
print_fields (const NtkmcGct *g, gboolean rows)
{
  size_t n = rows ? ntkmc_gct_get_n_row_meta (g) : ntkmc_gct_get_n_col_meta (g);
  size_t i;

  printf ("%s metadata: %zu field%s\n", rows ? "row" : "column", n,
          n == 1 ? "" : "s");
  for (i = 0; i < n; i++)
    {
      const char *name = rows ? ntkmc_gct_get_row_meta_name (g, i)
                              : ntkmc_gct_get_col_meta_name (g, i);
      gboolean num = rows ? ntkmc_gct_row_meta_is_numeric (g, i)
                          : ntkmc_gct_col_meta_is_numeric (g, i);

      printf ("  %s\t%s\n", name, num ? "numeric" : "text");
    }
}

static int
gct_info (int argc, char **argv)
{
  char *rid_file = NULL, *cid_file = NULL;
  GOptionEntry entries[] = {
    { "rid-file", 0, 0, G_OPTION_ARG_FILENAME, &rid_file,
      "only the rows with these ids (one per line)", "FILE" },
    { "cid-file", 0, 0, G_OPTION_ARG_FILENAME, &cid_file,
      "only the columns with these ids (one per line)", "FILE" },
    { NULL }
  };
  GOptionContext *octx = g_option_context_new ("FILE");
  GError *error = NULL;
  NtkmcGct *g = NULL;
  int status = 1;

  g_option_context_set_summary (octx,
    "Prints the format, the dimensions, the first ids and the metadata\n"
    "fields of a GCT or GCTX file (the values are not read).");
  g_option_context_add_main_entries (octx, entries, NULL);
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    {
      fprintf (stderr, "ntkmc gct info: %s\n", error->message);
      g_clear_error (&error);
      status = 2;
      goto out;
    }
  if (argc != 2)
    {
      fprintf (stderr, "ntkmc gct info: expected one FILE (see --help)\n");
      status = 2;
      goto out;
    }
  g = read_subset (argv[1], rid_file, cid_file, TRUE, &error);
  if (g == NULL)
    {
      ntkmc_cli_report_error ("gct info", error);
      goto out;
    }
  printf ("format: %s\nrows: %zu\ncolumns: %zu\n",
          ntkmc_gct_format_to_string (ntkmc_gct_get_format (g)),
          ntkmc_gct_get_n_rows (g), ntkmc_gct_get_n_cols (g));
  if (ntkmc_gct_get_n_rows (g) > 0)
    printf ("first row id: %s\n", ntkmc_gct_peek_row_ids (g)[0]);
  if (ntkmc_gct_get_n_cols (g) > 0)
    printf ("first column id: %s\n", ntkmc_gct_peek_col_ids (g)[0]);
  print_fields (g, TRUE);
  print_fields (g, FALSE);
  status = 0;
out:
  ntkmc_gct_free (g);
  g_free (rid_file);
  g_free (cid_file);
  g_option_context_free (octx);
  return status;
}

static int
gct_convert (int argc, char **argv)
{
  char *rid_file = NULL, *cid_file = NULL, *format = NULL;
  GOptionEntry entries[] = {
    { "rid-file", 0, 0, G_OPTION_ARG_FILENAME, &rid_file,
      "keep the rows with these ids, in this order (one per line)", "FILE" },
    { "cid-file", 0, 0, G_OPTION_ARG_FILENAME, &cid_file,
      "keep the columns with these ids, in this order", "FILE" },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format,
      "gct (1.3), gct1.2 or gctx (default: by the name of OUT)", "NAME" },
    { NULL }
  };
  GOptionContext *octx = g_option_context_new ("IN OUT");
  GError *error = NULL;
  NtkmcGct *g = NULL;
  NtkmcGctFormat fmt = NTKMC_GCT_FORMAT_AUTO;
  int status = 1;

  g_option_context_set_summary (octx,
    "Reads IN (GCT 1.2 / 1.3, .gct.gz or GCTX), keeps the requested rows and\n"
    "columns (only those are read from a GCTX file) and writes OUT.  Values\n"
    "are written exactly (float64 in GCTX; shortest round-trip decimals in\n"
    "GCT); missing values are NaN, missing metadata -666.");
  g_option_context_add_main_entries (octx, entries, NULL);
  if (!g_option_context_parse (octx, &argc, &argv, &error))
    {
      fprintf (stderr, "ntkmc gct convert: %s\n", error->message);
      g_clear_error (&error);
      status = 2;
      goto out;
    }
  if (format != NULL)
    {
      if (strcmp (format, "gct") == 0 || strcmp (format, "gct1.3") == 0)
        fmt = NTKMC_GCT_FORMAT_GCT13;
      else if (strcmp (format, "gct1.2") == 0)
        fmt = NTKMC_GCT_FORMAT_GCT12;
      else if (strcmp (format, "gctx") == 0)
        fmt = NTKMC_GCT_FORMAT_GCTX;
      else
        {
          fprintf (stderr, "ntkmc gct convert: unknown --format '%s' (gct, "
                           "gct1.2 or gctx)\n", format);
          status = 2;
          goto out;
        }
    }
  if (argc != 3)
    {
      fprintf (stderr, "ntkmc gct convert: expected IN and OUT (see --help)\n");
      status = 2;
      goto out;
    }
  g = read_subset (argv[1], rid_file, cid_file, FALSE, &error);
  if (g == NULL || !ntkmc_gct_write (g, argv[2], fmt, &error))
    {
      ntkmc_cli_report_error ("gct convert", error);
      goto out;
    }
  status = 0;
out:
  ntkmc_gct_free (g);
  g_free (rid_file);
  g_free (cid_file);
  g_free (format);
  g_option_context_free (octx);
  return status;
}

int
ntkmc_cli_gct (int argc, char **argv)
{
  if (argc < 2)
    {
      fputs (gct_usage, stderr);
      return 2;
    }
  if (strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0)
    {
      fputs (gct_usage, stdout);
      return 0;
    }
  if (strcmp (argv[1], "info") == 0)
    return ntkmc_cli_run (gct_info, argc, argv);
  if (strcmp (argv[1], "convert") == 0)
    return ntkmc_cli_run (gct_convert, argc, argv);
  fprintf (stderr, "ntkmc gct: unknown subcommand '%s'\n\n%s", argv[1],
           gct_usage);
  return 2;
}
