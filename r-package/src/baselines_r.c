/* SPDX-License-Identifier: MIT */
/*
 * baselines_r.c: the .Call entry points of the CMAP baselines, DNPP and
 * FaLRTC (libntkmc's core/cmap/).  Glue only, with the rules of ntkmc_r.c:
 * arguments checked and results allocated before the core runs, the
 * context freed before any R error, interrupts through the progress
 * callback.
 *
 * The tensor is an R array genes x drugs x cell lines (column-major, genes
 * fastest, as in libntkmc); `observed` is a logical drugs x cell lines
 * matrix.
 */
#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>

#include <ntkmc/ntkmc.h>

#include "ntkmc_r.h"

/* A double array of rank 3: sets dims[3]. */
static void
tensor_arg (SEXP y, size_t dims[3])
{
  SEXP d = Rf_getAttrib (y, R_DimSymbol);
  int i;

  if (!Rf_isReal (y) || Rf_isNull (d) || XLENGTH (d) != 3)
    Rf_error ("'y' must be a double array genes x drugs x cell lines");
  for (i = 0; i < 3; i++)
    dims[i] = (size_t) INTEGER (d)[i];
}

/* The logical n_drugs x n_cells matrix `observed` as bytes (R_alloc'd). */
static guint8 *
observed_arg (SEXP observed, const size_t dims[3])
{
  size_t n = dims[1] * dims[2], i;
  guint8 *obs;

  if (!Rf_isLogical (observed) || (size_t) XLENGTH (observed) != n)
    Rf_error ("'observed' must be a logical matrix of %zu drugs x %zu cell "
              "lines", dims[1], dims[2]);
  obs = (guint8 *) R_alloc (MAX (n, (size_t) 1), 1);
  for (i = 0; i < n; i++)
    obs[i] = LOGICAL (observed)[i] == TRUE;
  return obs;
}

/* A list of named doubles. */
static SEXP
named_reals (const char **names, const double *values)
{
  SEXP out = PROTECT (Rf_mkNamed (VECSXP, names));
  int i;

  for (i = 0; names[i][0] != '\0'; i++)
    SET_VECTOR_ELT (out, i, Rf_ScalarReal (values[i]));
  UNPROTECT (1);
  return out;
}

/*
 * C_dnpp(y, observed, drug, cell, k, threads, verbose): drug and cell are
 * integer vectors of the targets' indices (from 1).  Returns the genes x
 * targets predictions with attribute "report".
 */
SEXP
C_dnpp (SEXP y, SEXP observed, SEXP drug, SEXP cell, SEXP k, SEXP threads,
        SEXP verbose)
{
  NtkmcDnppOptions opt;
  NtkmcDnppReport rep;
  NtkmcContext *ctx;
  GError *error = NULL;
  Progress pr = { 0, 0.0, NULL };
  size_t dims[3], nt, t, *td, *tc;
  int kk = int_arg (k, "k"), nthreads = int_arg (threads, "threads");
  guint8 *obs;
  SEXP out;
  gboolean ok;
  const char *names[] = { "n_pairs", "n_fallback", "seconds_similarity",
                          "seconds_predict", "" };
  double values[4];

  tensor_arg (y, dims);
  obs = observed_arg (observed, dims);
  if (!Rf_isInteger (drug) || !Rf_isInteger (cell)
      || XLENGTH (drug) != XLENGTH (cell))
    Rf_error ("'drug' and 'cell' must be integer vectors of equal length");
  if (kk < 1)
    Rf_error ("'k' must be >= 1 (got %d)", kk);
  pr.verbose = Rf_asLogical (verbose) == TRUE;
  nt = (size_t) XLENGTH (drug);
  td = (size_t *) R_alloc (MAX (nt, (size_t) 1), sizeof (size_t));
  tc = (size_t *) R_alloc (MAX (nt, (size_t) 1), sizeof (size_t));
  for (t = 0; t < nt; t++)
    {
      int d = INTEGER (drug)[t], c = INTEGER (cell)[t];
      if (d == NA_INTEGER || c == NA_INTEGER || d < 1 || c < 1)
        Rf_error ("target %zu has a missing or non-positive index", t + 1);
      td[t] = (size_t) d - 1;
      tc[t] = (size_t) c - 1;
    }
  out = PROTECT (Rf_allocMatrix (REALSXP, (int) dims[0], (int) nt));
  ntkmc_dnpp_options_init (&opt);
  opt.k = (size_t) kk;
  ctx = ntkmc_context_new (nthreads);
  ntkmc_context_set_progress (ctx, on_progress, &pr);
  ok = ntkmc_dnpp (ctx, &opt, dims[0], dims[1], dims[2], REAL (y), obs, nt,
                   td, tc, REAL (out), &rep, &error);
  ntkmc_context_free (ctx);
  if (!ok)
    raise_gerror ("dnpp", error);
  values[0] = (double) rep.n_pairs;
  values[1] = (double) rep.n_fallback;
  values[2] = rep.seconds_similarity;
  values[3] = rep.seconds_predict;
  Rf_setAttrib (out, Rf_install ("report"), named_reals (names, values));
  UNPROTECT (1);
  return out;
}

/*
 * C_falrtc(y, observed, alpha, mu, max_iters, tol, center, single,
 * threads, verbose): alpha and mu are double vectors of length 3 (mu 0 =
 * default); center the NtkmcFalrtcCenter value (0 none, 1 by cell line);
 * single TRUE for single-precision products.  Returns
 * the completed tensor with attribute "report".
 */
SEXP
C_falrtc (SEXP y, SEXP observed, SEXP alpha, SEXP mu, SEXP max_iters,
          SEXP tol, SEXP center, SEXP single, SEXP threads, SEXP verbose)
{
  NtkmcFalrtcOptions opt;
  NtkmcFalrtcReport rep;
  NtkmcContext *ctx;
  GError *error = NULL;
  Progress pr = { 0, 0.0, NULL };
  size_t dims[3];
  int nthreads = int_arg (threads, "threads"), i;
  guint8 *obs;
  SEXP out;
  gboolean ok;
  const char *names[] = { "iterations", "objective", "objective0",
                          "rel_change", "converged", "rejected_steps",
                          "lipschitz", "lipschitz_max", "mu_genes",
                          "mu_drugs", "mu_cells", "seconds", "" };
  double values[12];

  tensor_arg (y, dims);
  obs = observed_arg (observed, dims);
  if (!Rf_isReal (alpha) || XLENGTH (alpha) != 3 || !Rf_isReal (mu)
      || XLENGTH (mu) != 3)
    Rf_error ("'alpha' and 'mu' must be double vectors of length 3");
  ntkmc_falrtc_options_init (&opt);
  for (i = 0; i < 3; i++)
    {
      opt.alpha[i] = REAL (alpha)[i];
      opt.mu[i] = REAL (mu)[i];
    }
  opt.max_iters = int_arg (max_iters, "max_iters");
  opt.tol = real_arg (tol, "tol");
  opt.center = (NtkmcFalrtcCenter) int_arg (center, "center");
  opt.single_precision = Rf_asLogical (single) == TRUE;
  pr.verbose = Rf_asLogical (verbose) == TRUE;
  out = PROTECT (Rf_allocVector (REALSXP, XLENGTH (y)));
  Rf_setAttrib (out, R_DimSymbol, Rf_getAttrib (y, R_DimSymbol));
  ctx = ntkmc_context_new (nthreads);
  ntkmc_context_set_progress (ctx, on_progress, &pr);
  ok = ntkmc_falrtc (ctx, &opt, dims[0], dims[1], dims[2], REAL (y), obs,
                     REAL (out), &rep, &error);
  ntkmc_context_free (ctx);
  if (!ok)
    raise_gerror ("falrtc", error);
  values[0] = rep.iters;
  values[1] = rep.objective;
  values[2] = rep.objective0;
  values[3] = rep.rel_change;
  values[4] = rep.converged ? 1 : 0;
  values[5] = rep.n_line_search;
  values[6] = rep.lipschitz;
  values[7] = rep.lipschitz_max;
  values[8] = rep.mu[0];
  values[9] = rep.mu[1];
  values[10] = rep.mu[2];
  values[11] = rep.seconds;
  Rf_setAttrib (out, Rf_install ("report"), named_reals (names, values));
  UNPROTECT (1);
  return out;
}
