/* SPDX-License-Identifier: MIT */
/*
 * cmap-private.h: what the CMAP tensor baselines (DNPP, FaLRTC) share: the
 * checks of a genes x drugs x cells tensor with a per-profile mask.
 */
#ifndef NTKMC_CMAP_PRIVATE_H
#define NTKMC_CMAP_PRIVATE_H

#include <ntkmc/ntkmc.h>

/* The profile (gene fibre) of drug d in cell line c. */
#define NTKMC_FIBRE(y, n_genes, n_drugs, d, c) \
  ((y) + (n_genes) * ((d) + (size_t) (n_drugs) * (c)))

/*
 * ntkmc_cmap_check_tensor: every dimension >= 1, the tensor's size
 * representable, at least one measured profile, every measured value finite.
 * @who names the caller in messages ("DNPP", "FaLRTC").  Sets *n_measured.
 */
gboolean ntkmc_cmap_check_tensor (const char *who, size_t n_genes,
                                  size_t n_drugs, size_t n_cells,
                                  const double *y, const guint8 *observed,
                                  size_t *n_measured, GError **error);

#endif
