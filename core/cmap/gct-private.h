/* SPDX-License-Identifier: MIT */
/*
 * gct-private.h: what the GCT text (gct-text.c) and GCTX (gctx.c) readers
 * and writers share with the common object (gct.c).
 */
#ifndef NTKMC_CMAP_GCT_PRIVATE_H
#define NTKMC_CMAP_GCT_PRIVATE_H

#include <ntkmc/ntkmc.h>

/* One metadata field: @n values (a NULL entry is missing). */
typedef struct
{
  char *name;
  char **values;
  gboolean numeric;
} GctMeta;

struct _NtkmcGct
{
  NtkmcGctFormat format;
  size_t n_rows;
  size_t n_cols;
  double *values;     /* n_rows x n_cols, column-major; NULL if meta only */
  char **row_ids;     /* n_rows ids and a NULL */
  char **col_ids;     /* n_cols ids and a NULL */
  GPtrArray *row_meta; /* of GctMeta */
  GPtrArray *col_meta;
};

/* An empty matrix object (no ids, no values) of the given shape. */
NtkmcGct *ntkmc_gct_alloc (NtkmcGctFormat format, size_t n_rows,
                           size_t n_cols);
/* Allocates g->values (NaN-free, uninitialized); FALSE with TOO_LARGE. */
gboolean ntkmc_gct_alloc_values (NtkmcGct *g, const char *name,
                                 GError **error);
/* Appends a field and takes @name and @values (n entries). */
void ntkmc_gct_take_meta (GPtrArray *fields, char *name, char **values,
                          gboolean numeric);

/* The metadata missing tokens (see ntkmc_gct_read()); @meta adds -666. */
gboolean ntkmc_gct_is_missing (const char *s, size_t len, gboolean meta);
/* TRUE when every non-missing value of @n is a finite number, and one is. */
gboolean ntkmc_gct_values_numeric (char *const *values, size_t n);

/*
 * A selection of ids: for a requested list, the file index of every
 * requested position; NULL request = everything.  Built by
 * ntkmc_gct_select() from the file's ids; @what is "row" or "column".
 * @index[k] = file position of output k; @n = outputs.
 */
typedef struct
{
  size_t n;
  size_t *index;
} GctSelection;

gboolean ntkmc_gct_select (const char *name, const char *what,
                           char *const *file_ids, size_t n_file,
                           const char *const *want, size_t n_want,
                           gboolean all, GctSelection *sel, GError **error);
void ntkmc_gct_selection_clear (GctSelection *sel);

/* Checks @ids (n) for duplicates: FALSE with @code naming the first. */
gboolean ntkmc_gct_check_unique (const char *name, const char *what,
                                 char *const *ids, size_t n, int code,
                                 GError **error);

/* A temporary file beside @path for an atomic replace: the name is
 * returned (g_free), the file exists, empty; NULL with NTKMC_ERROR_IO. */
char *ntkmc_gct_temp_path (const char *path, GError **error);
/* Renames @tmp over @path (or removes @tmp when !@ok); frees @tmp. */
gboolean ntkmc_gct_commit (char *tmp, const char *path, gboolean ok,
                           GError **error);

/* Text: GCT 1.2 / 1.3 (gct-text.c).  @data/@len is the whole
 * (decompressed) file, NUL-terminated at data[len]. */
NtkmcGct *ntkmc_gct_text_parse (const char *name, const char *data,
                                size_t len, const NtkmcGctReadOptions *opt,
                                GError **error);
gboolean ntkmc_gct_text_write (const NtkmcGct *g, const char *path,
                               NtkmcGctFormat format, GError **error);

/* GCTX (gctx.c); without HDF5 they fail with NTKMC_ERROR_FORMAT. */
NtkmcGct *ntkmc_gctx_read (const char *path, const char *name,
                           const NtkmcGctReadOptions *opt, GError **error);
gboolean ntkmc_gctx_write (const NtkmcGct *g, const char *path,
                           GError **error);

/* Shortest C-locale text (15-17 significant digits) that reads back as
 * @v bit-identical; @buf holds G_ASCII_DTOSTR_BUF_SIZE bytes. */
void ntkmc_gct_format_double (char *buf, double v);

#endif
