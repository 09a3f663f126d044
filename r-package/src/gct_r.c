/* SPDX-License-Identifier: MIT */
/*
 * gct_r.c: .Call glue for CMap GCT / GCTX files (read_gct(), write_gct()).
 * The reading and writing are libntkmc's (core/cmap/); this file converts
 * between NtkmcGct and R vectors only.
 *
 * Strings: the core keeps the bytes of the file.  An R string gets the
 * encoding those bytes are in: ASCII as native, valid UTF-8 as UTF-8, and
 * anything else as Latin-1 (CMap metadata holds bytes such as 0xB5, "micro"
 * in Latin-1).  Writing takes the bytes R holds (CHAR()), so a Latin-1
 * string goes back to the file as it came.
 */
#define R_NO_REMAP
#include <R.h>
#include <Rinternals.h>

#include <ntkmc/ntkmc.h>

#include <limits.h>
#include <string.h>

#include "ntkmc_r.h"

static SEXP
mk_bytes (const char *s)
{
  const char *p;
  gboolean ascii = TRUE;

  if (s == NULL)
    return NA_STRING;
  for (p = s; *p != '\0' && ascii; p++)
    ascii = (guchar) *p < 0x80;
  if (ascii)
    return Rf_mkCharCE (s, CE_NATIVE);
  return Rf_mkCharCE (s, g_utf8_validate (s, -1, NULL) ? CE_UTF8
                                                       : CE_LATIN1);
}

static SEXP
mk_strings (const char *const *v, size_t n)
{
  SEXP out = PROTECT (Rf_allocVector (STRSXP, (R_xlen_t) n));
  size_t i;

  for (i = 0; i < n; i++)
    SET_STRING_ELT (out, (R_xlen_t) i, mk_bytes (v[i]));
  UNPROTECT (1);
  return out;
}

/* list(names = chr, values = list of chr, numeric = lgl) */
static SEXP
mk_fields (const NtkmcGct *g, gboolean rows)
{
  const char *names[] = { "names", "values", "numeric", "" };
  size_t nf = rows ? ntkmc_gct_get_n_row_meta (g)
                   : ntkmc_gct_get_n_col_meta (g);
  size_t n = rows ? ntkmc_gct_get_n_rows (g) : ntkmc_gct_get_n_cols (g);
  SEXP res = PROTECT (Rf_mkNamed (VECSXP, names));
  SEXP fnames = PROTECT (Rf_allocVector (STRSXP, (R_xlen_t) nf));
  SEXP values = PROTECT (Rf_allocVector (VECSXP, (R_xlen_t) nf));
  SEXP numeric = PROTECT (Rf_allocVector (LGLSXP, (R_xlen_t) nf));
  size_t f;

  for (f = 0; f < nf; f++)
    {
      SET_STRING_ELT (fnames, (R_xlen_t) f,
                      mk_bytes (rows ? ntkmc_gct_get_row_meta_name (g, f)
                                     : ntkmc_gct_get_col_meta_name (g, f)));
      SET_VECTOR_ELT (values, (R_xlen_t) f,
                      mk_strings (rows ? ntkmc_gct_peek_row_meta (g, f)
                                       : ntkmc_gct_peek_col_meta (g, f), n));
      LOGICAL (numeric)[f] = rows ? ntkmc_gct_row_meta_is_numeric (g, f)
                                  : ntkmc_gct_col_meta_is_numeric (g, f);
    }
  SET_VECTOR_ELT (res, 0, fnames);
  SET_VECTOR_ELT (res, 1, values);
  SET_VECTOR_ELT (res, 2, numeric);
  UNPROTECT (4);
  return res;
}

/* A character vector of ids (NULL = all): the CHAR() pointers, valid as
 * long as @x is protected by the caller. */
static const char **
ids_arg (SEXP x, const char *name, size_t *n)
{
  const char **ids;
  R_xlen_t i;

  *n = 0;
  if (Rf_isNull (x))
    return NULL;
  if (!Rf_isString (x))
    Rf_error ("'%s' must be NULL or a character vector", name);
  for (i = 0; i < XLENGTH (x); i++)
    if (STRING_ELT (x, i) == NA_STRING)
      Rf_error ("'%s' holds NA", name);
  ids = (const char **) R_alloc ((size_t) XLENGTH (x) + 1, sizeof (char *));
  for (i = 0; i < XLENGTH (x); i++)
    ids[i] = CHAR (STRING_ELT (x, i));
  *n = (size_t) XLENGTH (x);
  return ids;
}

/*
 * C_gct_read(path, rid, cid, meta_only): list(mat = n_rows x n_cols double
 * matrix or NULL, row_ids, col_ids, rdesc, cdesc (see mk_fields), format).
 */
SEXP
C_gct_read (SEXP path, SEXP rid, SEXP cid, SEXP meta_only)
{
  const char *file = string_arg (path, "path");
  const char *names[] = { "mat", "row_ids", "col_ids", "rdesc", "cdesc",
                          "format", "" };
  NtkmcGctReadOptions opt;
  GError *error = NULL;
  NtkmcGct *g;
  SEXP holder, res, mat = R_NilValue;
  size_t nr, nc;

  ntkmc_gct_read_options_init (&opt);
  opt.row_ids = ids_arg (rid, "rid", &opt.n_row_ids);
  opt.col_ids = ids_arg (cid, "cid", &opt.n_col_ids);
  if (!Rf_isLogical (meta_only) || XLENGTH (meta_only) != 1
      || LOGICAL (meta_only)[0] == NA_LOGICAL)
    Rf_error ("'meta_only' must be TRUE or FALSE");
  opt.meta_only = LOGICAL (meta_only)[0];
  g = ntkmc_gct_read (R_ExpandFileName (file), &opt, &error);
  if (g == NULL)
    raise_gerror ("read_gct", error);
  /* the matrix object is freed by the finalizer if R fails to allocate */
  holder = PROTECT (R_MakeExternalPtr (g, R_NilValue, R_NilValue));
  nr = ntkmc_gct_get_n_rows (g);
  nc = ntkmc_gct_get_n_cols (g);
  if (nr > INT_MAX || nc > INT_MAX)
    {
      R_ClearExternalPtr (holder);
      ntkmc_gct_free (g);
      Rf_error ("read_gct: %zu x %zu is too large for an R matrix", nr, nc);
    }
  res = PROTECT (Rf_mkNamed (VECSXP, names));
  if (ntkmc_gct_peek_values (g) != NULL)
    {
      mat = Rf_allocMatrix (REALSXP, (int) nr, (int) nc);
      SET_VECTOR_ELT (res, 0, mat);
      if (nr * nc > 0)
        memcpy (REAL (mat), ntkmc_gct_peek_values (g),
                nr * nc * sizeof (double));
    }
  SET_VECTOR_ELT (res, 1, mk_strings (ntkmc_gct_peek_row_ids (g), nr));
  SET_VECTOR_ELT (res, 2, mk_strings (ntkmc_gct_peek_col_ids (g), nc));
  SET_VECTOR_ELT (res, 3, mk_fields (g, TRUE));
  SET_VECTOR_ELT (res, 4, mk_fields (g, FALSE));
  SET_VECTOR_ELT (res, 5, Rf_mkString (ntkmc_gct_format_to_string (
                                         ntkmc_gct_get_format (g))));
  R_ClearExternalPtr (holder);
  ntkmc_gct_free (g);
  UNPROTECT (2);
  return res;
}

/* Adds the fields of @desc (a named list of character vectors, NA =
 * missing) to @g; FALSE with @error. */
static gboolean
add_fields (NtkmcGct *g, SEXP desc, gboolean rows, size_t n, GError **error)
{
  SEXP names = Rf_getAttrib (desc, R_NamesSymbol);
  const char **vals = (const char **) R_alloc (n + 1, sizeof (char *));
  R_xlen_t f;
  size_t i;

  for (f = 0; f < XLENGTH (desc); f++)
    {
      SEXP v = VECTOR_ELT (desc, f);
      gboolean ok;

      for (i = 0; i < n; i++)
        vals[i] = STRING_ELT (v, (R_xlen_t) i) == NA_STRING
                    ? NULL : CHAR (STRING_ELT (v, (R_xlen_t) i));
      ok = rows ? ntkmc_gct_add_row_meta (g, CHAR (STRING_ELT (names, f)),
                                          vals, error)
                : ntkmc_gct_add_col_meta (g, CHAR (STRING_ELT (names, f)),
                                          vals, error);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static void
check_desc (SEXP desc, const char *name, size_t n)
{
  SEXP names = Rf_getAttrib (desc, R_NamesSymbol);
  R_xlen_t f;

  if (TYPEOF (desc) != VECSXP || (XLENGTH (desc) > 0 && Rf_isNull (names)))
    Rf_error ("'%s' must be a named list of character vectors", name);
  for (f = 0; f < XLENGTH (desc); f++)
    if (!Rf_isString (VECTOR_ELT (desc, f))
        || (size_t) XLENGTH (VECTOR_ELT (desc, f)) != n
        || STRING_ELT (names, f) == NA_STRING)
      Rf_error ("'%s' field %d must be a character vector of length %zu",
                name, (int) f + 1, n);
}

/*
 * C_gct_write(path, mat, row_ids, col_ids, rdesc, cdesc, format): writes
 * a double matrix with its ids and metadata (named lists of character
 * vectors); format "auto", "gct", "gct1.2" or "gctx".  Returns NULL.
 */
SEXP
C_gct_write (SEXP path, SEXP mat, SEXP row_ids, SEXP col_ids, SEXP rdesc,
             SEXP cdesc, SEXP format)
{
  const char *file = string_arg (path, "path");
  const char *fmt = string_arg (format, "format");
  NtkmcGctFormat f;
  GError *error = NULL;
  const char **rids, **cids;
  size_t nr, nc, n;
  NtkmcGct *g;
  gboolean ok;

  if (!Rf_isReal (mat) || !Rf_isMatrix (mat))
    Rf_error ("'mat' must be a double matrix");
  nr = (size_t) Rf_nrows (mat);
  nc = (size_t) Rf_ncols (mat);
  rids = ids_arg (row_ids, "row_ids", &n);
  if (rids == NULL || n != nr)
    Rf_error ("'row_ids' must hold one id per row");
  cids = ids_arg (col_ids, "col_ids", &n);
  if (cids == NULL || n != nc)
    Rf_error ("'col_ids' must hold one id per column");
  check_desc (rdesc, "rdesc", nr);
  check_desc (cdesc, "cdesc", nc);
  if (strcmp (fmt, "auto") == 0)
    f = NTKMC_GCT_FORMAT_AUTO;
  else if (strcmp (fmt, "gct") == 0)
    f = NTKMC_GCT_FORMAT_GCT13;
  else if (strcmp (fmt, "gct1.2") == 0)
    f = NTKMC_GCT_FORMAT_GCT12;
  else if (strcmp (fmt, "gctx") == 0)
    f = NTKMC_GCT_FORMAT_GCTX;
  else
    Rf_error ("'format' must be \"auto\", \"gct\", \"gct1.2\" or \"gctx\"");

  g = ntkmc_gct_new (nr, nc, REAL (mat), rids, cids, &error);
  ok = g != NULL && add_fields (g, rdesc, TRUE, nr, &error)
       && add_fields (g, cdesc, FALSE, nc, &error)
       && ntkmc_gct_write (g, R_ExpandFileName (file), f, &error);
  ntkmc_gct_free (g);
  if (!ok)
    raise_gerror ("write_gct", error);
  return R_NilValue;
}
