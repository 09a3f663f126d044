/* SPDX-License-Identifier: MIT */
/*
 * init.c: registration of the .Call entry points (exact arities), no
 * dynamic symbol lookup, symbols only (WRE 5.4).  The names are
 * registered without the "C_" that NAMESPACE's useDynLib(.fixes = "C_")
 * puts in front: R code calls .Call(C_ntk_gram, ...).
 */
#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Rdynload.h>
#include <R_ext/Visibility.h>

#include "ntkmc_r.h"

/* DL_FUNC is R's generic function pointer; going through void (*) (void),
 * the type C compilers accept any function pointer cast to and from, keeps
 * -Wcast-function-type (in -Wextra) quiet about the deliberate cast. */
#define CALLDEF(name, fun, n) \
  { name, (DL_FUNC) (void (*) (void)) &fun, n }

static const R_CallMethodDef call_entries[] = {
  CALLDEF ("ntk_gram", C_ntk_gram, 6),
  CALLDEF ("ntk_complete", C_ntk_complete, 9),
  CALLDEF ("kappa", C_kappa, 3),
  CALLDEF ("kernel_write", C_kernel_write, 4),
  CALLDEF ("kernel_read", C_kernel_read, 1),
  CALLDEF ("dnpp", C_dnpp, 7),
  CALLDEF ("falrtc", C_falrtc, 10),
  CALLDEF ("gct_read", C_gct_read, 4),
  CALLDEF ("gct_write", C_gct_write, 7),
  { NULL, NULL, 0 }
};

void attribute_visible R_init_ntkmc (DllInfo *dll);

void attribute_visible
R_init_ntkmc (DllInfo *dll)
{
  R_registerRoutines (dll, NULL, call_entries, NULL, NULL);
  R_useDynamicSymbols (dll, FALSE);
  R_forceSymbols (dll, TRUE);
}
