/* SPDX-License-Identifier: MIT */
/*
 * gct.c: NtkmcGct, a CMap matrix with ids and metadata: the object, the
 * format sniffing behind ntkmc_gct_read() (GCTX is recognized by its HDF5
 * signature, never by its name; gzip is undone here), id selections, and
 * the atomic replace both writers use.  The text and HDF5 codecs live in
 * gct-text.c and gctx.c.
 */
#include "config.h"

#include "cmap/gct-private.h"
#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <zlib.h>

static const guint8 hdf5_signature[8] = { 0x89, 'H', 'D', 'F', '\r', '\n',
                                          0x1a, '\n' };

/* Decompressed text is held in a GByteArray (guint length): 2 GiB at most
 * (GCTX is the format for larger matrices). */
#define MAX_TEXT_SIZE ((guint) G_MAXINT32)

static void
meta_free (gpointer p)
{
  GctMeta *m = p;

  g_free (m->name);
  g_free (m);
}

NtkmcGct *
ntkmc_gct_alloc (NtkmcGctFormat format, size_t n_rows, size_t n_cols)
{
  NtkmcGct *g = g_new0 (NtkmcGct, 1);

  g->format = format;
  g->n_rows = n_rows;
  g->n_cols = n_cols;
  g->row_ids = g_new0 (char *, n_rows + 1);
  g->col_ids = g_new0 (char *, n_cols + 1);
  g->row_meta = g_ptr_array_new ();
  g->col_meta = g_ptr_array_new ();
  return g;
}

gboolean
ntkmc_gct_alloc_values (NtkmcGct *g, const char *name, GError **error)
{
  size_t n;

  if (!g_size_checked_mul (&n, g->n_rows, g->n_cols)
      || n > G_MAXSIZE / sizeof (double) - 1
      || (g->values = g_try_new (double, MAX (n, (size_t) 1))) == NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "%s: cannot allocate a matrix of %zu x %zu values", name,
                   g->n_rows, g->n_cols);
      return FALSE;
    }
  return TRUE;
}

void
ntkmc_gct_take_meta (GPtrArray *fields, char *name, char **values,
                     gboolean numeric)
{
  GctMeta *m = g_new (GctMeta, 1);

  m->name = name;
  m->values = values;
  m->numeric = numeric;
  g_ptr_array_add (fields, m);
}

/* The values of a field hold NULL entries, so g_strfreev() would stop at
 * the first: free them with the count. */
static void
fields_free (GPtrArray *fields, size_t n)
{
  guint f;
  size_t i;

  if (fields == NULL)
    return;
  for (f = 0; f < fields->len; f++)
    {
      GctMeta *m = g_ptr_array_index (fields, f);

      for (i = 0; i < n; i++)
        g_free (m->values[i]);
      g_free (m->values);
      meta_free (m);
    }
  g_ptr_array_free (fields, TRUE);
}

void
ntkmc_gct_free (NtkmcGct *g)
{
  if (g == NULL)
    return;
  g_free (g->values);
  g_strfreev (g->row_ids);
  g_strfreev (g->col_ids);
  fields_free (g->row_meta, g->n_rows);
  fields_free (g->col_meta, g->n_cols);
  g_free (g);
}

gboolean
ntkmc_gct_is_missing (const char *s, size_t len, gboolean meta)
{
  static const char *const tokens[] = {
    "NA", "na", "N/A", "#N/A", "#NA", "NULL", "None", "NaN", "nan", "-NaN",
    "-nan"
  };
  size_t k;

  if (len == 0)
    return TRUE;
  if (meta && ((len == 4 && memcmp (s, "-666", 4) == 0)
               || (len == 6 && memcmp (s, "-666.0", 6) == 0)))
    return TRUE;
  for (k = 0; k < G_N_ELEMENTS (tokens); k++)
    if (strlen (tokens[k]) == len && memcmp (s, tokens[k], len) == 0)
      return TRUE;
  return FALSE;
}

gboolean
ntkmc_gct_values_numeric (char *const *values, size_t n)
{
  gboolean any = FALSE;
  size_t i;

  for (i = 0; i < n; i++)
    {
      char *end;
      double v;

      if (values[i] == NULL)
        continue;
      v = g_ascii_strtod (values[i], &end);
      if (end == values[i] || *end != '\0' || !isfinite (v))
        return FALSE;
      any = TRUE;
    }
  return any;
}

void
ntkmc_gct_format_double (char *buf, double v)
{
  static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
  unsigned f;

  for (f = 0; f < G_N_ELEMENTS (formats); f++)
    {
      g_ascii_formatd (buf, G_ASCII_DTOSTR_BUF_SIZE, formats[f], v);
      if (g_ascii_strtod (buf, NULL) == v)
        return;
    }
}

gboolean
ntkmc_gct_check_unique (const char *name, const char *what, char *const *ids,
                        size_t n, int code, GError **error)
{
  GHashTable *seen = g_hash_table_new (g_str_hash, g_str_equal);
  gboolean ok = TRUE;
  size_t i;

  for (i = 0; i < n && ok; i++)
    {
      gpointer first;

      if (g_hash_table_lookup_extended (seen, ids[i], NULL, &first))
        {
          char *shown = g_utf8_make_valid (ids[i], -1);

          g_set_error (error, NTKMC_ERROR, code,
                       "%s: duplicate %s id '%s' (%ss %zu and %zu)", name,
                       what, shown, what, GPOINTER_TO_SIZE (first) + 1,
                       i + 1);
          g_free (shown);
          ok = FALSE;
        }
      else
        g_hash_table_insert (seen, ids[i], GSIZE_TO_POINTER (i));
    }
  g_hash_table_unref (seen);
  return ok;
}

gboolean
ntkmc_gct_select (const char *name, const char *what, char *const *file_ids,
                  size_t n_file, const char *const *want, size_t n_want,
                  gboolean all, GctSelection *sel, GError **error)
{
  GHashTable *pos, *asked;
  size_t k;

  sel->index = NULL;
  sel->n = 0;
  if (all)
    {
      sel->n = n_file;
      sel->index = g_new (size_t, MAX (n_file, (size_t) 1));
      for (k = 0; k < n_file; k++)
        sel->index[k] = k;
      return TRUE;
    }
  pos = g_hash_table_new (g_str_hash, g_str_equal);
  for (k = 0; k < n_file; k++)
    g_hash_table_insert (pos, file_ids[k], GSIZE_TO_POINTER (k));
  asked = g_hash_table_new (g_str_hash, g_str_equal);
  sel->index = g_new (size_t, MAX (n_want, (size_t) 1));
  for (k = 0; k < n_want; k++)
    {
      gpointer at;
      const char *problem = NULL;

      if (want[k] == NULL)
        problem = "NULL";
      else if (g_hash_table_contains (asked, want[k]))
        problem = "requested twice";
      else if (!g_hash_table_lookup_extended (pos, want[k], NULL, &at))
        problem = "not found";
      if (problem != NULL)
        {
          char *shown = want[k] ? g_utf8_make_valid (want[k], -1) : NULL;

          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "%s: %s id '%s' %s", name, what,
                       shown ? shown : "(null)", problem);
          g_free (shown);
          g_hash_table_unref (pos);
          g_hash_table_unref (asked);
          ntkmc_gct_selection_clear (sel);
          return FALSE;
        }
      g_hash_table_add (asked, (gpointer) want[k]);
      sel->index[k] = GPOINTER_TO_SIZE (at);
    }
  sel->n = n_want;
  g_hash_table_unref (pos);
  g_hash_table_unref (asked);
  return TRUE;
}

void
ntkmc_gct_selection_clear (GctSelection *sel)
{
  g_clear_pointer (&sel->index, g_free);
  sel->n = 0;
}

/* ------------------------------------------------------------------ reading */

void
ntkmc_gct_read_options_init (NtkmcGctReadOptions *opt)
{
  g_return_if_fail (opt != NULL);
  memset (opt, 0, sizeof *opt);
}

/* TRUE when the HDF5 signature is at offset 0, 512, 1024, 2048... */
static gboolean
sniff_hdf5 (const char *path, gboolean *is_hdf5, GError **error)
{
  FILE *fp = g_fopen (path, "rb");
  guint8 sig[8];
  long long off;
  gboolean found = FALSE;

  if (fp == NULL)
    {
      int saved = errno;
      char *shown = g_filename_display_name (path);

      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO,
                   "cannot open '%s': %s", shown, g_strerror (saved));
      g_free (shown);
      return FALSE;
    }
  for (off = 0; !found; off = off == 0 ? 512 : off * 2)
    {
      if (fseeko (fp, (off_t) off, SEEK_SET) != 0
          || fread (sig, 1, sizeof sig, fp) != sizeof sig)
        break;
      found = memcmp (sig, hdf5_signature, sizeof sig) == 0;
      if (off > ((long long) 1 << 40))
        break;
    }
  fclose (fp);
  *is_hdf5 = found;
  return TRUE;
}

/* Inflates gzip data (every member, as gunzip does) into a NUL-terminated
 * buffer. */
static gboolean
gunzip (const char *name, const guint8 *in, size_t in_len, char **out,
        size_t *out_len, GError **error)
{
  GByteArray *buf = g_byte_array_sized_new ((guint) MIN (in_len * 4,
                                                         (size_t) 1 << 28));
  z_stream zs;
  guint8 chunk[1 << 16];
  int rc = Z_OK;
  const char *problem = NULL;

  memset (&zs, 0, sizeof zs);
  if (inflateInit2 (&zs, 16 + MAX_WBITS) != Z_OK)
    problem = "cannot start zlib";
  zs.next_in = (Bytef *) in;
  while (problem == NULL)
    {
      size_t avail = in_len - (size_t) ((const guint8 *) zs.next_in - in);

      zs.avail_in = (uInt) MIN (avail, (size_t) G_MAXUINT32);
      zs.next_out = chunk;
      zs.avail_out = sizeof chunk;
      rc = inflate (&zs, Z_NO_FLUSH);
      g_byte_array_append (buf, chunk, (guint) (sizeof chunk - zs.avail_out));
      if (buf->len > MAX_TEXT_SIZE)
        problem = "too large once decompressed";
      else if (rc == Z_STREAM_END)
        {
          /* another gzip member may follow */
          if ((const guint8 *) zs.next_in - in == (ptrdiff_t) in_len)
            break;
          if (inflateReset (&zs) != Z_OK)
            problem = "corrupt gzip data";
        }
      else if (rc == Z_BUF_ERROR && zs.avail_in == 0)
        problem = "truncated gzip data";
      else if (rc != Z_OK)
        problem = zs.msg != NULL ? zs.msg : "corrupt gzip data";
    }
  inflateEnd (&zs);
  if (problem != NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT, "%s: %s", name,
                   problem);
      g_byte_array_free (buf, TRUE);
      return FALSE;
    }
  *out_len = buf->len;
  g_byte_array_append (buf, (const guint8 *) "", 1);
  *out = (char *) g_byte_array_free (buf, FALSE);
  return TRUE;
}

NtkmcGct *
ntkmc_gct_read (const char *path, const NtkmcGctReadOptions *opt,
                GError **error)
{
  NtkmcGctReadOptions defaults;
  GError *local = NULL;
  gboolean is_hdf5 = FALSE;
  char *contents = NULL, *name;
  gsize length = 0;
  NtkmcGct *g = NULL;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (opt == NULL)
    {
      ntkmc_gct_read_options_init (&defaults);
      opt = &defaults;
    }
  g_return_val_if_fail (opt->row_ids != NULL || opt->n_row_ids == 0, NULL);
  g_return_val_if_fail (opt->col_ids != NULL || opt->n_col_ids == 0, NULL);

  if (!sniff_hdf5 (path, &is_hdf5, error))
    return NULL;
  name = g_filename_display_name (path);
  if (is_hdf5)
    {
      g = ntkmc_gctx_read (path, name, opt, error);
      g_free (name);
      return g;
    }
  if (!g_file_get_contents (path, &contents, &length, &local))
    {
      g_set_error_literal (error, NTKMC_ERROR, NTKMC_ERROR_IO,
                           local->message);
      g_error_free (local);
      g_free (name);
      return NULL;
    }
  if (length >= 2 && (guint8) contents[0] == 0x1f
      && (guint8) contents[1] == 0x8b)
    {
      char *plain = NULL;
      size_t plain_len = 0;

      if (!gunzip (name, (const guint8 *) contents, length, &plain,
                   &plain_len, error))
        {
          g_free (contents);
          g_free (name);
          return NULL;
        }
      g_free (contents);
      contents = plain;
      length = plain_len;
    }
  g = ntkmc_gct_text_parse (name, contents, length, opt, error);
  g_free (contents);
  g_free (name);
  return g;
}

/* ------------------------------------------------------------ construction */

static gboolean
check_ids (const char *what, const char *const *ids, size_t n,
           GError **error)
{
  size_t i;

  for (i = 0; i < n; i++)
    if (ids[i] == NULL)
      {
        g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                     "%s id %zu is NULL", what, i + 1);
        return FALSE;
      }
  return ntkmc_gct_check_unique ("matrix", what, (char *const *) ids, n,
                                 NTKMC_ERROR_INVALID, error);
}

NtkmcGct *
ntkmc_gct_new (size_t n_rows, size_t n_cols, const double *values,
               const char *const *row_ids, const char *const *col_ids,
               GError **error)
{
  NtkmcGct *g;
  size_t i;

  g_return_val_if_fail (row_ids != NULL || n_rows == 0, NULL);
  g_return_val_if_fail (col_ids != NULL || n_cols == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!check_ids ("row", row_ids, n_rows, error)
      || !check_ids ("column", col_ids, n_cols, error))
    return NULL;
  g = ntkmc_gct_alloc (NTKMC_GCT_FORMAT_AUTO, n_rows, n_cols);
  if (!ntkmc_gct_alloc_values (g, "matrix", error))
    {
      ntkmc_gct_free (g);
      return NULL;
    }
  for (i = 0; i < n_rows * n_cols; i++)
    g->values[i] = values != NULL ? values[i] : NAN;
  for (i = 0; i < n_rows; i++)
    g->row_ids[i] = g_strdup (row_ids[i]);
  for (i = 0; i < n_cols; i++)
    g->col_ids[i] = g_strdup (col_ids[i]);
  return g;
}

static gboolean
add_meta (GPtrArray *fields, size_t n, const char *name,
          const char *const *values, GError **error)
{
  char **copy;
  guint f;
  size_t i;

  if (name[0] == '\0')
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "a metadata field cannot be named '%s'", name);
      return FALSE;
    }
  for (f = 0; f < fields->len; f++)
    if (strcmp (((GctMeta *) g_ptr_array_index (fields, f))->name, name) == 0)
      {
        g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                     "there already is a metadata field '%s'", name);
        return FALSE;
      }
  copy = g_new0 (char *, n + 1);
  for (i = 0; i < n; i++)
    copy[i] = g_strdup (values[i]);
  ntkmc_gct_take_meta (fields, g_strdup (name), copy,
                       ntkmc_gct_values_numeric (copy, n));
  return TRUE;
}

gboolean
ntkmc_gct_add_row_meta (NtkmcGct *g, const char *name,
                        const char *const *values, GError **error)
{
  g_return_val_if_fail (g != NULL && name != NULL, FALSE);
  g_return_val_if_fail (values != NULL || g->n_rows == 0, FALSE);
  return add_meta (g->row_meta, g->n_rows, name, values, error);
}

gboolean
ntkmc_gct_add_col_meta (NtkmcGct *g, const char *name,
                        const char *const *values, GError **error)
{
  g_return_val_if_fail (g != NULL && name != NULL, FALSE);
  g_return_val_if_fail (values != NULL || g->n_cols == 0, FALSE);
  return add_meta (g->col_meta, g->n_cols, name, values, error);
}

/* ------------------------------------------------------------------ writing */

/* "cannot write '@path': @saved" */
static void
set_write_error (GError **error, const char *path, int saved)
{
  char *shown = g_filename_display_name (path);

  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO, "cannot write '%s': %s",
               shown, g_strerror (saved));
  g_free (shown);
}

char *
ntkmc_gct_temp_path (const char *path, GError **error)
{
  char *tmp;
  int fd = ntkmc_file_replace_begin (path, O_WRONLY, &tmp);

  if (fd < 0)
    {
      set_write_error (error, path, errno);
      return NULL;
    }
  close (fd);
  return tmp;
}

gboolean
ntkmc_gct_commit (char *tmp, const char *path, gboolean ok, GError **error)
{
  int result = ntkmc_file_replace_end (tmp, path, ok);

  if (result > 0)
    set_write_error (error, path, result);
  return result == 0;
}

gboolean
ntkmc_gct_write (const NtkmcGct *g, const char *path, NtkmcGctFormat format,
                 GError **error)
{
  g_return_val_if_fail (g != NULL && path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (format == NTKMC_GCT_FORMAT_AUTO)
    format = g_str_has_suffix (path, ".gctx") ? NTKMC_GCT_FORMAT_GCTX
                                              : NTKMC_GCT_FORMAT_GCT13;
  if (format == NTKMC_GCT_FORMAT_GCTX)
    return ntkmc_gctx_write (g, path, error);
  return ntkmc_gct_text_write (g, path, format, error);
}

/* ---------------------------------------------------------------- accessors */

const char *
ntkmc_gct_format_to_string (NtkmcGctFormat format)
{
  switch (format)
    {
    case NTKMC_GCT_FORMAT_GCT12: return "gct1.2";
    case NTKMC_GCT_FORMAT_GCT13: return "gct1.3";
    case NTKMC_GCT_FORMAT_GCTX: return "gctx";
    case NTKMC_GCT_FORMAT_AUTO:
    default: return "auto";
    }
}

NtkmcGctFormat
ntkmc_gct_get_format (const NtkmcGct *g)
{
  g_return_val_if_fail (g != NULL, NTKMC_GCT_FORMAT_AUTO);
  return g->format;
}

size_t
ntkmc_gct_get_n_rows (const NtkmcGct *g)
{
  g_return_val_if_fail (g != NULL, 0);
  return g->n_rows;
}

size_t
ntkmc_gct_get_n_cols (const NtkmcGct *g)
{
  g_return_val_if_fail (g != NULL, 0);
  return g->n_cols;
}

const double *
ntkmc_gct_peek_values (const NtkmcGct *g)
{
  g_return_val_if_fail (g != NULL, NULL);
  return g->values;
}

const char *const *
ntkmc_gct_peek_row_ids (const NtkmcGct *g)
{
  g_return_val_if_fail (g != NULL, NULL);
  return (const char *const *) g->row_ids;
}

const char *const *
ntkmc_gct_peek_col_ids (const NtkmcGct *g)
{
  g_return_val_if_fail (g != NULL, NULL);
  return (const char *const *) g->col_ids;
}

size_t
ntkmc_gct_get_n_row_meta (const NtkmcGct *g)
{
  g_return_val_if_fail (g != NULL, 0);
  return g->row_meta->len;
}

size_t
ntkmc_gct_get_n_col_meta (const NtkmcGct *g)
{
  g_return_val_if_fail (g != NULL, 0);
  return g->col_meta->len;
}

static const GctMeta *
field (const GPtrArray *fields, size_t i)
{
  g_return_val_if_fail (i < fields->len, NULL);
  return g_ptr_array_index ((GPtrArray *) fields, (guint) i);
}

const char *
ntkmc_gct_get_row_meta_name (const NtkmcGct *g, size_t i)
{
  const GctMeta *m;

  g_return_val_if_fail (g != NULL, NULL);
  m = field (g->row_meta, i);
  return m ? m->name : NULL;
}

const char *
ntkmc_gct_get_col_meta_name (const NtkmcGct *g, size_t i)
{
  const GctMeta *m;

  g_return_val_if_fail (g != NULL, NULL);
  m = field (g->col_meta, i);
  return m ? m->name : NULL;
}

const char *const *
ntkmc_gct_peek_row_meta (const NtkmcGct *g, size_t i)
{
  const GctMeta *m;

  g_return_val_if_fail (g != NULL, NULL);
  m = field (g->row_meta, i);
  return m ? (const char *const *) m->values : NULL;
}

const char *const *
ntkmc_gct_peek_col_meta (const NtkmcGct *g, size_t i)
{
  const GctMeta *m;

  g_return_val_if_fail (g != NULL, NULL);
  m = field (g->col_meta, i);
  return m ? (const char *const *) m->values : NULL;
}

gboolean
ntkmc_gct_row_meta_is_numeric (const NtkmcGct *g, size_t i)
{
  const GctMeta *m;

  g_return_val_if_fail (g != NULL, FALSE);
  m = field (g->row_meta, i);
  return m ? m->numeric : FALSE;
}

gboolean
ntkmc_gct_col_meta_is_numeric (const NtkmcGct *g, size_t i)
{
  const GctMeta *m;

  g_return_val_if_fail (g != NULL, FALSE);
  m = field (g->col_meta, i);
  return m ? m->numeric : FALSE;
}
