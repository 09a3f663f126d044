/* SPDX-License-Identifier: MIT */
/*
 * common.c: what several subcommands share: the network options, reading
 * feature priors, printing progress.
 */
#include "config.h"

#include "cli/cli.h"

#include <stdio.h>

/* Reads a prior table and returns Z (p x n, column-major, one column per
 * column of the matrix), matching rows to the matrix's columns by name when
 * both files carry names. */
static double *
prior_from_table (const NtkmcTable *prior, const char *path,
                  const NtkmcTable *in, size_t *p_out, GError **error)
{
  size_t rows = ntkmc_table_get_n_rows (prior);
  size_t n = in ? ntkmc_table_get_n_cols (in) : rows;
  size_t p = ntkmc_table_get_n_cols (prior), j, r;
  const char *const *pnames = ntkmc_table_peek_row_names (prior);
  const char *const *cnames = in ? ntkmc_table_peek_col_names (in) : NULL;
  const double *pv = ntkmc_table_peek_values (prior);
  size_t *row_of = g_new (size_t, MAX (n, (size_t) 1));
  double *z;

  if (!ntkmc_table_is_complete (prior))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "%s: the feature prior has missing values", path);
      g_free (row_of);
      return NULL;
    }
  if (pnames != NULL && cnames != NULL)
    {
      GHashTable *index = g_hash_table_new (g_str_hash, g_str_equal);
      for (r = 0; r < rows; r++)
        if (!g_hash_table_contains (index, pnames[r]))
          g_hash_table_insert (index, (gpointer) pnames[r],
                               GSIZE_TO_POINTER (r + 1));
      for (j = 0; j < n; j++)
        {
          gpointer hit = g_hash_table_lookup (index, cnames[j]);
          if (hit == NULL)
            {
              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                           "%s: no prior row is named '%s' (column %zu of "
                           "the matrix); the prior needs one row per column, "
                           "matched by name", path, cnames[j], j + 1);
              g_hash_table_unref (index);
              g_free (row_of);
              return NULL;
            }
          row_of[j] = GPOINTER_TO_SIZE (hit) - 1;
        }
      g_hash_table_unref (index);
    }
  else
    {
      if (rows != n)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "%s: the feature prior has %zu rows but the matrix has "
                       "%zu columns; the prior needs one row per column",
                       path, rows, n);
          g_free (row_of);
          return NULL;
        }
      for (j = 0; j < n; j++)
        row_of[j] = j;
    }
  z = g_new (double, MAX (p * n, (size_t) 1));
  for (j = 0; j < n; j++)
    for (r = 0; r < p; r++)
      z[r + j * p] = pv[row_of[j] + r * rows];
  g_free (row_of);
  *p_out = p;
  return z;
}

double *
ntkmc_cli_load_prior (const char *path, const NtkmcTable *in, size_t *p,
                      size_t *n, GError **error)
{
  NtkmcTable *prior = ntkmc_table_read (path, error);
  double *z;

  if (prior == NULL)
    return NULL;
  z = prior_from_table (prior, path, in, p, error);
  if (z != NULL && n != NULL)
    *n = in ? ntkmc_table_get_n_cols (in) : ntkmc_table_get_n_rows (prior);
  ntkmc_table_free (prior);
  return z;
}

gboolean
ntkmc_cli_print_progress (double fraction, const char *message, gpointer data)
{
  (void) data;
  fprintf (stderr, "\rntkmc: %3.0f%% %-40s", 100 * fraction,
           message ? message : "");
  if (fraction >= 1.0)
    fputc ('\n', stderr);
  fflush (stderr);
  return TRUE;
}

void
ntkmc_cli_network_add_options (GOptionContext *octx, NtkmcCliNetwork *net)
{
  const GOptionEntry entries[] = {
    { "activation", 0, 0, G_OPTION_ARG_STRING, &net->activation,
      "relu (default), lrelu[:SLOPE] (slope 0.01 if omitted) or identity",
      "NAME" },
    { "depth", 0, 0, G_OPTION_ARG_INT, &net->depth,
      "number of hidden layers (default 1)", "D" },
    { "identity-weight", 0, 0, G_OPTION_ARG_DOUBLE, &net->identity_weight,
      "append C times the identity to the prior before normalizing (the "
      "paper's drug-screening priors use 1.5; default 0)", "C" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &net->threads,
      "threads to use (default: all cores)", "N" },
    { NULL }
  };

  g_option_context_add_main_entries (octx, entries, NULL);
}

gboolean
ntkmc_cli_network_given (const NtkmcCliNetwork *net)
{
  return net->activation != NULL || net->depth != -1
         || net->identity_weight != 0.0;
}

gboolean
ntkmc_cli_network_resolve (const NtkmcCliNetwork *net, NtkmcNtkOptions *opt,
                           GError **error)
{
  ntkmc_ntk_options_init (opt);
  if (net->activation != NULL
      && !ntkmc_activation_parse (net->activation, &opt->activation, error))
    return FALSE;
  if (net->depth != -1)
    opt->depth = net->depth;
  opt->identity_weight = net->identity_weight;
  return TRUE;
}

void
ntkmc_cli_network_clear (NtkmcCliNetwork *net)
{
  g_clear_pointer (&net->activation, g_free);
}
