/* SPDX-License-Identifier: MIT */
/*
 * ntkmc_r.c: the .Call entry points of the R package.  Glue only: argument
 * conversion, progress and interrupts, GError -> R error.  The numerics are
 * libntkmc's (src/core/, generated from the project's core/ at build time).
 *
 * Rules (Writing R Extensions 5.9, 6.13):
 *  - every argument is checked and every result allocated before the core
 *    is called, so that nothing R-allocated can fail half way;
 *  - C resources (context, GError, kernel file) are released before
 *    Rf_error(), which does not return;
 *  - interrupts are polled from the core's progress callback, which the core
 *    calls from this (R's main) thread only, through R_ToplevelExec so that
 *    a pending interrupt cancels the core (which frees its memory) instead
 *    of jumping over it; the call then ends with an R error.
 *
 * Matrices are R's: column-major, ld = number of rows, as in libntkmc.
 */
#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>
#include <R_ext/Utils.h>

#include <ntkmc/ntkmc.h>

#include <math.h>
#include <string.h>

#include "ntkmc_r.h"

/* ------------------------------------------------------------ helpers */

static void
check_interrupt (void *unused)
{
  (void) unused;
  R_CheckUserInterrupt ();
}

/* TRUE when the user pressed Ctrl-C (or Esc): R_ToplevelExec returns FALSE
 * when the function it ran jumped. */
static int
interrupt_pending (void)
{
  return !R_ToplevelExec (check_interrupt, NULL);
}

gboolean
on_progress (double fraction, const char *message, gpointer data)
{
  Progress *pr = data;

  if (pr->verbose
      && (fraction - pr->last_fraction >= 0.05 || fraction >= 1.0
          || (message != NULL && pr->last_message != message)))
    {
      REprintf ("ntkmc: %3.0f%% %s\n", 100.0 * fraction,
                message != NULL ? message : "");
      pr->last_fraction = fraction;
      pr->last_message = message;
    }
  return !interrupt_pending ();
}

/* Raises @error as an R error.  When the core was cancelled from the
 * progress callback, the interrupt has been consumed by R_ToplevelExec, so
 * it is reported as the error "interrupted by the user".  Frees @error;
 * does not return. */
void NORET
raise_gerror (const char *what, GError *error)
{
  char buf[2048];
  gboolean cancelled = g_error_matches (error, NTKMC_ERROR,
                                        NTKMC_ERROR_CANCELLED);

  g_snprintf (buf, sizeof buf, "%s", error->message);
  g_error_free (error);
  if (cancelled)
    Rf_error ("%s: interrupted by the user", what);
  Rf_error ("%s: %s", what, buf);
}

const char *
string_arg (SEXP x, const char *name)
{
  if (!Rf_isString (x) || XLENGTH (x) != 1 || STRING_ELT (x, 0) == NA_STRING)
    Rf_error ("'%s' must be a single string", name);
  return Rf_translateCharUTF8 (STRING_ELT (x, 0));
}

double
real_arg (SEXP x, const char *name)
{
  if (!Rf_isReal (x) || XLENGTH (x) != 1 || ISNAN (REAL (x)[0]))
    Rf_error ("'%s' must be a single number", name);
  return REAL (x)[0];
}

int
int_arg (SEXP x, const char *name)
{
  if (!Rf_isInteger (x) || XLENGTH (x) != 1 || INTEGER (x)[0] == NA_INTEGER)
    Rf_error ("'%s' must be a single integer", name);
  return INTEGER (x)[0];
}

/* A double matrix: sets *nrow, *ncol. */
static void
matrix_arg (SEXP x, const char *name, size_t *nrow, size_t *ncol)
{
  if (!Rf_isReal (x) || !Rf_isMatrix (x))
    Rf_error ("'%s' must be a double matrix", name);
  *nrow = (size_t) Rf_nrows (x);
  *ncol = (size_t) Rf_ncols (x);
}

static void
ntk_options_arg (SEXP activation, SEXP depth, SEXP identity_weight,
                 NtkmcNtkOptions *opt)
{
  GError *error = NULL;
  const char *act = string_arg (activation, "activation");

  ntkmc_ntk_options_init (opt);
  if (!ntkmc_activation_parse (act, &opt->activation, &error))
    raise_gerror ("activation", error);
  opt->depth = int_arg (depth, "depth");
  if (opt->depth < 1)
    Rf_error ("'depth' must be >= 1 (got %d)", opt->depth);
  opt->identity_weight = real_arg (identity_weight, "identity_weight");
  if (!(opt->identity_weight >= 0) || !isfinite (opt->identity_weight))
    Rf_error ("'identity_weight' must be a finite number >= 0");
}

/* The report of a completion as a named list. */
static SEXP
report_list (const NtkmcCompleteReport *rep)
{
  const char *names[] = { "n_patterns", "n_observed", "n_missing",
                          "max_system", "min_rcond", "seconds_gram",
                          "seconds_factor", "seconds_solve",
                          "seconds_predict", "" };
  SEXP out = PROTECT (Rf_mkNamed (VECSXP, names));

  SET_VECTOR_ELT (out, 0, Rf_ScalarReal ((double) rep->n_patterns));
  SET_VECTOR_ELT (out, 1, Rf_ScalarReal ((double) rep->n_observed));
  SET_VECTOR_ELT (out, 2, Rf_ScalarReal ((double) rep->n_missing));
  SET_VECTOR_ELT (out, 3, Rf_ScalarReal ((double) rep->max_system));
  SET_VECTOR_ELT (out, 4, Rf_ScalarReal (rep->min_rcond));
  SET_VECTOR_ELT (out, 5, Rf_ScalarReal (rep->ntk.seconds_gram
                                         + rep->ntk.seconds_map));
  SET_VECTOR_ELT (out, 6, Rf_ScalarReal (rep->seconds_factor));
  SET_VECTOR_ELT (out, 7, Rf_ScalarReal (rep->seconds_solve));
  SET_VECTOR_ELT (out, 8, Rf_ScalarReal (rep->seconds_predict));
  UNPROTECT (1);
  return out;
}

/* The observation mask of @y (m x n): 1 where the value is not NA/NaN.
 * R_alloc'd: freed by R at the end of the .Call, also on error. */
static guint8 *
mask_of (SEXP y, size_t m, size_t n)
{
  const double *v = REAL (y);
  guint8 *mask = (guint8 *) R_alloc (MAX (m * n, (size_t) 1), 1);
  size_t i;

  for (i = 0; i < m * n; i++)
    {
      if (!ISNAN (v[i]) && !isfinite (v[i]))
        Rf_error ("'y' holds an infinite value at row %zu, column %zu",
                  i % m + 1, i / m + 1);
      mask[i] = !ISNAN (v[i]);
    }
  return mask;
}

/* ------------------------------------------------------- entry points */

/*
 * C_ntk_gram(z, n, activation, depth, identity_weight, threads):
 * z: NULL (one-hot prior over n items) or a p x n double matrix (the prior,
 * one column per item).  Returns the n x n kernel with attribute
 * "prior_sha256" (SHA-256 of z's doubles, as the CLI records it; absent for
 * the one-hot prior).
 */
SEXP
C_ntk_gram (SEXP z, SEXP n_items, SEXP activation, SEXP depth,
            SEXP identity_weight, SEXP threads)
{
  NtkmcNtkOptions opt;
  NtkmcContext *ctx;
  GError *error = NULL;
  Progress pr = { 0, 0.0, NULL };
  size_t p, n;
  int nthreads = int_arg (threads, "threads");
  SEXP k;
  gboolean ok;

  ntk_options_arg (activation, depth, identity_weight, &opt);
  if (Rf_isNull (z))
    {
      int ni = int_arg (n_items, "n");
      if (ni < 1)
        Rf_error ("'n' must be >= 1");
      p = n = (size_t) ni;
    }
  else
    matrix_arg (z, "prior", &p, &n);
  if (n == 0)
    Rf_error ("the prior has no items");
  k = PROTECT (Rf_allocMatrix (REALSXP, (int) n, (int) n));
  ctx = ntkmc_context_new (nthreads);
  ntkmc_context_set_progress (ctx, on_progress, &pr);
  ok = ntkmc_ntk_gram (ctx, &opt, p, n, Rf_isNull (z) ? NULL : REAL (z), p,
                       REAL (k), n, NULL, &error);
  ntkmc_context_free (ctx);
  if (!ok)
    raise_gerror ("ntk_kernel", error);
  {
    /* the description the CLI's "kernel compute" writes, so that a kernel
     * saved from R says how it was made in the same words */
    char *act = ntkmc_activation_to_string (&opt.activation);
    char buf[G_ASCII_DTOSTR_BUF_SIZE];
    GString *desc = g_string_new ("kernel=fc\n");
    SEXP s;

    g_string_append_printf (desc, "activation=%s\ndepth=%d\n", act,
                            opt.depth);
    g_string_append_printf (desc, "identity_weight=%s\n",
                            g_ascii_formatd (buf, sizeof buf, "%.17g",
                                             opt.identity_weight));
    if (Rf_isNull (z))
      g_string_append (desc, "prior=identity\n");
    else
      {
        char *sum = g_compute_checksum_for_data (G_CHECKSUM_SHA256,
                                                 (const guchar *) REAL (z),
                                                 p * n * sizeof (double));
        g_string_append_printf (desc, "prior=given:%s\nprior_sha256=%s\n",
                                sum, sum);
        g_free (sum);
      }
    g_string_append_printf (desc, "items=%zu\nfeatures=%zu\n", n, p);
    g_free (act);
    /* mkString copies; on its (unlikely) failure the GString leaks */
    s = PROTECT (Rf_mkString (desc->str));
    g_string_free (desc, TRUE);
    Rf_setAttrib (k, Rf_install ("description"), s);
    UNPROTECT (1);
  }
  UNPROTECT (1);
  return k;
}

/*
 * C_ntk_complete(y, z, k, activation, depth, identity_weight, ridge,
 * threads, verbose): y is m x n with NA for missing entries.  With k NULL,
 * the kernel comes from the prior z (NULL = one-hot, or p x n) and the
 * NTK options (ntkmc_ntk_complete: one n x n matrix at the peak for whole
 * missing columns); otherwise k is a given n x n kernel (ntkmc_complete, the
 * lower triangle is read).  Returns the completed m x n matrix with y's
 * dimnames and the report as its "report" attribute (set here: in R they
 * would copy the matrix).
 */
SEXP
C_ntk_complete (SEXP y, SEXP z, SEXP k, SEXP activation, SEXP depth,
                SEXP identity_weight, SEXP ridge, SEXP threads, SEXP verbose)
{
  NtkmcNtkOptions opt;
  NtkmcCompleteOptions copt;
  NtkmcCompleteReport rep;
  NtkmcContext *ctx;
  GError *error = NULL;
  Progress pr = { 0, 0.0, NULL };
  size_t m, n, p = 0, kn, kn2;
  int nthreads = int_arg (threads, "threads");
  guint8 *mask;
  SEXP out;
  gboolean ok;

  ntkmc_complete_options_init (&copt);
  copt.ridge = real_arg (ridge, "ridge");
  pr.verbose = Rf_asLogical (verbose) == TRUE;
  matrix_arg (y, "y", &m, &n);
  if (!Rf_isNull (k))
    {
      matrix_arg (k, "kernel", &kn, &kn2);
      if (kn != n || kn2 != n)
        Rf_error ("'kernel' is %zu x %zu but 'y' has %zu columns", kn, kn2,
                  n);
    }
  else
    {
      ntk_options_arg (activation, depth, identity_weight, &opt);
      p = n;
      if (!Rf_isNull (z))
        {
          matrix_arg (z, "prior", &p, &kn);
          if (kn != n)
            Rf_error ("the prior has %zu items but 'y' has %zu columns", kn,
                      n);
        }
    }
  mask = mask_of (y, m, n);
  out = PROTECT (Rf_allocMatrix (REALSXP, (int) m, (int) n));
  ctx = ntkmc_context_new (nthreads);
  ntkmc_context_set_progress (ctx, on_progress, &pr);
  if (!Rf_isNull (k))
    ok = ntkmc_complete (ctx, &copt, m, n, REAL (y), m, mask, m, REAL (k), n,
                         REAL (out), m, &rep, &error);
  else
    ok = ntkmc_ntk_complete (ctx, &opt, &copt, p, n,
                             Rf_isNull (z) ? NULL : REAL (z), p, m, REAL (y),
                             m, mask, m, REAL (out), m, &rep, &error);
  ntkmc_context_free (ctx);
  if (!ok)
    raise_gerror ("ntk_complete", error);
  Rf_setAttrib (out, R_DimNamesSymbol,
                Rf_getAttrib (y, R_DimNamesSymbol));
  Rf_setAttrib (out, Rf_install ("report"), PROTECT (report_list (&rep)));
  UNPROTECT (2);
  return out;
}

/* C_kappa(xi, activation, depth): kappa_d at every element of xi. */
SEXP
C_kappa (SEXP xi, SEXP activation, SEXP depth)
{
  NtkmcNtkOptions opt;
  SEXP out;
  R_xlen_t i, len;
  SEXP zero = PROTECT (Rf_ScalarReal (0.0));

  ntk_options_arg (activation, depth, zero, &opt);
  if (!Rf_isReal (xi))
    Rf_error ("'xi' must be a double vector");
  len = XLENGTH (xi);
  out = PROTECT (Rf_allocVector (REALSXP, len));
  for (i = 0; i < len; i++)
    REAL (out)[i] = ISNAN (REAL (xi)[i]) ? NA_REAL
                    : ntkmc_kappa (&opt.activation, opt.depth, REAL (xi)[i]);
  UNPROTECT (2);
  return out;
}

/*
 * C_kernel_write(path, k, description, dtype): writes an n x n kernel as a
 * fully connected kernel file (docs/kernel-format.md).  dtype "double" or
 * "float".
 */
SEXP
C_kernel_write (SEXP path, SEXP k, SEXP description, SEXP dtype)
{
  const char *file = string_arg (path, "path");
  const char *desc = string_arg (description, "description");
  const char *dt = string_arg (dtype, "dtype");
  GError *error = NULL;
  size_t n, n2;
  uint64_t dims[2];
  NtkmcDType type;

  matrix_arg (k, "kernel", &n, &n2);
  if (n != n2 || n == 0)
    Rf_error ("'kernel' must be a non-empty square matrix (got %zu x %zu)",
              n, n2);
  if (strcmp (dt, "double") == 0)
    type = NTKMC_DTYPE_F64;
  else if (strcmp (dt, "float") == 0)
    type = NTKMC_DTYPE_F32;
  else
    Rf_error ("'dtype' must be \"double\" or \"float\" (got \"%s\")", dt);
  dims[0] = dims[1] = n;
  if (!ntkmc_kernelfile_write (R_ExpandFileName (file), NTKMC_KERNEL_FC,
                               desc, type, 2, dims, REAL (k), &error))
    raise_gerror ("ntk_kernel_write", error);
  return R_NilValue;
}

static void
kernelfile_finalize (SEXP ptr)
{
  NtkmcKernelFile *kf = R_ExternalPtrAddr (ptr);

  if (kf != NULL)
    ntkmc_kernelfile_close (kf);
  R_ClearExternalPtr (ptr);
}

/*
 * C_kernel_read(path): list(kernel = n x n matrix, description = string,
 * dtype = "double" | "float").  Refuses convolutional kernels.  The open
 * file is held by an external pointer while R allocates, so that an
 * allocation error cannot leak the mapping (its finalizer closes it).
 */
SEXP
C_kernel_read (SEXP path)
{
  const char *file = string_arg (path, "path");
  GError *error = NULL;
  NtkmcKernelFile *kf;
  uint64_t dims[NTKMC_KERNELFILE_MAX_DIMS];
  unsigned nd;
  const char *names[] = { "kernel", "description", "dtype", "" };
  SEXP holder, res, k;

  kf = ntkmc_kernelfile_open (R_ExpandFileName (file), &error);
  if (kf == NULL)
    raise_gerror ("ntk_kernel_read", error);
  nd = ntkmc_kernelfile_get_dims (kf, dims);
  if (ntkmc_kernelfile_get_kind (kf) != NTKMC_KERNEL_FC || nd != 2
      || dims[0] != dims[1] || dims[0] > (uint64_t) INT_MAX)
    {
      ntkmc_kernelfile_close (kf);
      Rf_error ("ntk_kernel_read: %s is not a fully connected kernel (it "
                "holds a convolutional kernel or an unsupported shape)",
                file);
    }
  holder = PROTECT (R_MakeExternalPtr (kf, R_NilValue, R_NilValue));
  R_RegisterCFinalizerEx (holder, kernelfile_finalize, TRUE);
  k = PROTECT (Rf_allocMatrix (REALSXP, (int) dims[0], (int) dims[1]));
  ntkmc_kernelfile_read_f64 (kf, REAL (k));
  res = PROTECT (Rf_mkNamed (VECSXP, names));
  SET_VECTOR_ELT (res, 0, k);
  SET_VECTOR_ELT (res, 1,
                  Rf_mkString (ntkmc_kernelfile_peek_description (kf)));
  SET_VECTOR_ELT (res, 2, Rf_mkString (ntkmc_kernelfile_get_dtype (kf)
                                       == NTKMC_DTYPE_F32 ? "float"
                                                          : "double"));
  kernelfile_finalize (holder);
  UNPROTECT (3);
  return res;
}
