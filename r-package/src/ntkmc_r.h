/* SPDX-License-Identifier: MIT */
/* ntkmc_r.h: the .Call entry points (registered in init.c). */
#ifndef NTKMC_R_H
#define NTKMC_R_H

#include <Rinternals.h>
#include <R_ext/Error.h>
#include <ntkmc/ntkmc.h>

/* Helpers of ntkmc_r.c shared by the other glue files. */
typedef struct {
  int verbose;
  double last_fraction;
  const char *last_message;
} Progress;

/* The progress callback: prints when verbose, polls interrupts. */
gboolean on_progress (double fraction, const char *message, gpointer data);
/* Raises @error as an R error naming @what; frees it; does not return. */
void NORET raise_gerror (const char *what, GError *error);
const char *string_arg (SEXP x, const char *name);
double real_arg (SEXP x, const char *name);
int int_arg (SEXP x, const char *name);

SEXP C_ntk_gram (SEXP z, SEXP n_items, SEXP activation, SEXP depth,
                 SEXP identity_weight, SEXP threads);
SEXP C_ntk_complete (SEXP y, SEXP z, SEXP k, SEXP activation, SEXP depth,
                     SEXP identity_weight, SEXP ridge, SEXP threads,
                     SEXP verbose);
SEXP C_kappa (SEXP xi, SEXP activation, SEXP depth);
SEXP C_kernel_write (SEXP path, SEXP k, SEXP description, SEXP dtype);
SEXP C_kernel_read (SEXP path);
SEXP C_dnpp (SEXP y, SEXP observed, SEXP drug, SEXP cell, SEXP k,
             SEXP threads, SEXP verbose);
SEXP C_falrtc (SEXP y, SEXP observed, SEXP alpha, SEXP mu, SEXP max_iters,
               SEXP tol, SEXP center, SEXP single, SEXP threads, SEXP verbose);
SEXP C_gct_read (SEXP path, SEXP rid, SEXP cid, SEXP meta_only);
SEXP C_gct_write (SEXP path, SEXP mat, SEXP row_ids, SEXP col_ids,
                  SEXP rdesc, SEXP cdesc, SEXP format);

#endif
