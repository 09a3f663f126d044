/* SPDX-License-Identifier: MIT */
/* ntkmc_r.h: the .Call entry points (registered in init.c). */
#ifndef NTKMC_R_H
#define NTKMC_R_H

#include <Rinternals.h>

SEXP C_ntk_gram (SEXP z, SEXP n_items, SEXP activation, SEXP depth,
                 SEXP identity_weight, SEXP threads);
SEXP C_ntk_complete (SEXP y, SEXP z, SEXP k, SEXP activation, SEXP depth,
                     SEXP identity_weight, SEXP ridge, SEXP threads,
                     SEXP verbose);
SEXP C_kappa (SEXP xi, SEXP activation, SEXP depth);
SEXP C_kernel_write (SEXP path, SEXP k, SEXP description, SEXP dtype);
SEXP C_kernel_read (SEXP path);

#endif
