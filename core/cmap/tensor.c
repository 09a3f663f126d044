/* SPDX-License-Identifier: MIT */
/*
 * tensor.c: input checks shared by the CMAP tensor baselines.
 */
#include "config.h"

#include "cmap/cmap-private.h"
#include "base/linalg.h"

#include <math.h>

gboolean
ntkmc_cmap_check_tensor (const char *who, size_t n_genes, size_t n_drugs,
                         size_t n_cells, const double *y,
                         const guint8 *observed, size_t *n_measured,
                         GError **error)
{
  size_t d, c, g, count = 0;

  if (n_genes == 0 || n_drugs == 0 || n_cells == 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "%s: the tensor must have at least one gene, drug and "
                   "cell line (got %zu x %zu x %zu)", who, n_genes, n_drugs,
                   n_cells);
      return FALSE;
    }
  if (n_drugs > G_MAXSIZE / n_cells
      || n_genes > G_MAXSIZE / sizeof (double) / (n_drugs * n_cells))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "%s: a %zu x %zu x %zu tensor does not fit in memory",
                   who, n_genes, n_drugs, n_cells);
      return FALSE;
    }
  if (!ntkmc_linalg_check_dim (n_genes * n_drugs, "genes x drugs", error)
      || !ntkmc_linalg_check_dim (n_drugs * n_cells, "drugs x cell lines",
                                  error))
    return FALSE;
  for (c = 0; c < n_cells; c++)
    for (d = 0; d < n_drugs; d++)
      {
        const double *f;

        if (!observed[d + n_drugs * c])
          continue;
        count++;
        f = NTKMC_FIBRE (y, n_genes, n_drugs, d, c);
        for (g = 0; g < n_genes; g++)
          if (!isfinite (f[g]))
            {
              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                           "%s: the measured profile of drug %zu in cell "
                           "line %zu (counted from 1) holds a non-finite "
                           "value at gene %zu", who, d + 1, c + 1, g + 1);
              return FALSE;
            }
      }
  if (count == 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "%s: no profile is measured: there is nothing to learn "
                   "from", who);
      return FALSE;
    }
  *n_measured = count;
  return TRUE;
}
