/* SPDX-License-Identifier: MIT */
/*
 * gct-text.c: GCT 1.2 and 1.3 text, the CMap / GenePattern expression
 * formats: a version line, a dimensions line, a header of ids (and, in 1.3,
 * row-metadata names), in 1.3 one line per column-metadata field, then one
 * line per row: id, row metadata (1.2: a description), values.
 *
 * The reader works on the whole (decompressed) text in one pass, line by
 * line; only the requested columns of the requested rows are converted.
 * Bytes are kept as they are (metadata is often Latin-1); a '\r' before the
 * '\n' is dropped.
 */
#include "config.h"

#include "cmap/gct-private.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>

/* A line of the text, without its line end. */
typedef struct
{
  const char *p;
  const char *end;
  size_t number;      /* 1-based */
} Line;

typedef struct
{
  const char *name;
  const char *pos;
  const char *end;
  size_t number;
} Reader;

static gboolean
next_line (Reader *r, Line *line)
{
  const char *nl;

  if (r->pos >= r->end)
    return FALSE;
  nl = memchr (r->pos, '\n', (size_t) (r->end - r->pos));
  line->p = r->pos;
  line->end = nl != NULL ? nl : r->end;
  if (line->end > line->p && line->end[-1] == '\r')
    line->end--;
  line->number = ++r->number;
  r->pos = nl != NULL ? nl + 1 : r->end;
  return TRUE;
}

/* The lines left that are not blank (spaces, tabs, a '\r'). */
static size_t
count_lines (const Reader *r)
{
  const char *p = r->pos;
  size_t n = 0;
  gboolean blank = TRUE;

  for (; p < r->end; p++)
    {
      if (*p == '\n')
        {
          n += !blank;
          blank = TRUE;
        }
      else if (*p != ' ' && *p != '\t' && *p != '\r')
        blank = FALSE;
    }
  return n + !blank;
}

/* Splits a line at its tabs into @cells (pairs of start and end pointers);
 * returns the number of cells. */
static size_t
split (const Line *line, GArray *cells)
{
  const char *p = line->p;

  g_array_set_size (cells, 0);
  for (;;)
    {
      const char *tab = memchr (p, '\t', (size_t) (line->end - p));
      const char *e = tab != NULL ? tab : line->end;

      g_array_append_val (cells, p);
      g_array_append_val (cells, e);
      if (tab == NULL)
        break;
      p = tab + 1;
    }
  return cells->len / 2;
}

#define CELL_START(cells, k) g_array_index (cells, const char *, 2 * (k))
#define CELL_END(cells, k) g_array_index (cells, const char *, 2 * (k) + 1)

static char *
cell_dup (GArray *cells, size_t k)
{
  const char *s = CELL_START (cells, k);

  return g_strndup (s, (gsize) (CELL_END (cells, k) - s));
}

/* A metadata value: NULL when missing. */
static char *
meta_dup (GArray *cells, size_t k)
{
  const char *s = CELL_START (cells, k);
  size_t len = (size_t) (CELL_END (cells, k) - s);

  return ntkmc_gct_is_missing (s, len, TRUE) ? NULL : g_strndup (s, len);
}

/* Cell text for an error message: valid UTF-8, cut at 40 bytes. */
static char *
cell_show (GArray *cells, size_t k)
{
  const char *s = CELL_START (cells, k);
  size_t len = (size_t) (CELL_END (cells, k) - s);

  return g_utf8_make_valid (s, (gssize) MIN (len, (size_t) 40));
}

static void
line_error (GError **error, const Reader *r, size_t line, const char *fmt,
            ...) G_GNUC_PRINTF (4, 5);

static void
line_error (GError **error, const Reader *r, size_t line, const char *fmt,
            ...)
{
  va_list ap;
  char *what;

  va_start (ap, fmt);
  what = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT, "%s: line %zu: %s",
               r->name, line, what);
  g_free (what);
}

static gboolean
parse_count (GArray *cells, size_t k, size_t *out)
{
  const char *s = CELL_START (cells, k);
  char *text = g_strndup (s, (gsize) (CELL_END (cells, k) - s));
  guint64 v;
  gboolean ok = g_ascii_string_to_unsigned (text, 10, 0, G_MAXSIZE / 2, &v,
                                            NULL);

  g_free (text);
  *out = (size_t) v;
  return ok;
}

/* Parses a value cell; FALSE when it is neither a number nor missing. */
static gboolean
parse_value (const char *s, const char *e, double *v)
{
  char buf[64];
  char *end;
  size_t len = (size_t) (e - s);

  if (ntkmc_gct_is_missing (s, len, FALSE))
    {
      *v = NAN;
      return TRUE;
    }
  if (len >= sizeof buf)
    return FALSE;
  memcpy (buf, s, len);
  buf[len] = '\0';
  *v = g_ascii_strtod (buf, &end);
  if (end != buf + len)
    return FALSE;
  if (isnan (*v))
    *v = NAN;
  return TRUE;
}

/* Cells a line must have: every line after the dimensions has as many as
 * the header, but trailing empty cells are tolerated on lines 1 and 2. */
static gboolean
check_cells (const Reader *r, const Line *line, size_t got, size_t want,
             GError **error)
{
  if (got == want)
    return TRUE;
  line_error (error, r, line->number, "%zu cells, expected %zu (%s)", got,
              want, got < want ? "a short line" : "a long line");
  return FALSE;
}

NtkmcGct *
ntkmc_gct_text_parse (const char *name, const char *data, size_t len,
                      const NtkmcGctReadOptions *opt, GError **error)
{
  Reader r = { name, data, data + len, 0 };
  Line line;
  GArray *cells = g_array_new (FALSE, FALSE, sizeof (const char *));
  NtkmcGctFormat format;
  size_t n_rows = 0, n_cols = 0, n_rmeta = 0, n_cmeta = 0, n_head, first;
  size_t i, j, k, nc;
  char **file_col_ids = NULL, **rmeta_names = NULL;
  GctSelection csel = { 0, NULL };
  GHashTable *row_want = NULL, *row_seen = NULL;
  char ***rmeta_vals = NULL;   /* [field][output row] */
  NtkmcGct *g = NULL;
  gboolean ok = FALSE;
  size_t found = 0;

  if (memchr (data, '\0', len) != NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                   "%s: not a GCT or GCTX file (binary data)", name);
      goto out;
    }
  /* line 1: the version */
  if (!next_line (&r, &line))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                   "%s: empty file (not GCT)", name);
      goto out;
    }
  if (line.end - line.p >= 3 && memcmp (line.p, "\xEF\xBB\xBF", 3) == 0)
    line.p += 3;
  while (line.end > line.p && (line.end[-1] == '\t' || line.end[-1] == ' '))
    line.end--;
  if (line.end - line.p == 4 && memcmp (line.p, "#1.2", 4) == 0)
    format = NTKMC_GCT_FORMAT_GCT12;
  else if (line.end - line.p == 4 && memcmp (line.p, "#1.3", 4) == 0)
    format = NTKMC_GCT_FORMAT_GCT13;
  else
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                   "%s: line 1: not a GCT file (expected #1.2 or #1.3)",
                   name);
      goto out;
    }

  /* line 2: the dimensions */
  if (!next_line (&r, &line))
    {
      line_error (error, &r, 2, "missing (the dimensions line)");
      goto out;
    }
  nc = split (&line, cells);
  while (nc > 0 && CELL_START (cells, nc - 1) == CELL_END (cells, nc - 1))
    nc--;
  if (nc != (format == NTKMC_GCT_FORMAT_GCT12 ? 2u : 4u)
      || !parse_count (cells, 0, &n_rows) || !parse_count (cells, 1, &n_cols)
      || (format == NTKMC_GCT_FORMAT_GCT13
          && (!parse_count (cells, 2, &n_rmeta)
              || !parse_count (cells, 3, &n_cmeta))))
    {
      line_error (error, &r, line.number, "expected %s as the dimensions",
                  format == NTKMC_GCT_FORMAT_GCT12
                    ? "<rows> <columns>"
                    : "<rows> <columns> <row fields> <column fields>");
      goto out;
    }
  if (format == NTKMC_GCT_FORMAT_GCT12)
    n_rmeta = 1;
  first = 1 + n_rmeta;
  n_head = first + n_cols;

  /* line 3: ids and row-metadata names */
  if (!next_line (&r, &line))
    {
      line_error (error, &r, 3, "missing (the header line); truncated file?");
      goto out;
    }
  if (!check_cells (&r, &line, split (&line, cells), n_head, error))
    goto out;
  rmeta_names = g_new0 (char *, n_rmeta + 1);
  for (k = 0; k < n_rmeta; k++)
    rmeta_names[k] = format == NTKMC_GCT_FORMAT_GCT12
                       ? g_strdup ("Description")
                       : cell_dup (cells, 1 + k);
  file_col_ids = g_new0 (char *, n_cols + 1);
  for (j = 0; j < n_cols; j++)
    file_col_ids[j] = cell_dup (cells, first + j);
  if (!ntkmc_gct_check_unique (name, "column", file_col_ids, n_cols,
                               NTKMC_ERROR_FORMAT, error)
      || !ntkmc_gct_check_unique (name, "row metadata field", rmeta_names,
                                  n_rmeta, NTKMC_ERROR_FORMAT, error)
      || !ntkmc_gct_select (name, "column", file_col_ids, n_cols,
                            opt->col_ids, opt->n_col_ids,
                            opt->col_ids == NULL, &csel, error))
    goto out;

  /* the output: its rows are known once the data lines are read */
  g = ntkmc_gct_alloc (format,
                       opt->row_ids != NULL ? opt->n_row_ids : n_rows,
                       csel.n);
  for (j = 0; j < csel.n; j++)
    g->col_ids[j] = g_strdup (file_col_ids[csel.index[j]]);

  /* 1.3: the column-metadata block.  Some writers (cmapR's own n25x50
   * fixture) declare more column fields on line 2 than they write: when
   * the rest of the file holds n_rows lines and fewer than n_cmeta more,
   * the block is that short. */
  {
    size_t rest = count_lines (&r);

    if (rest >= n_rows && rest < n_rows + n_cmeta)
      n_cmeta = rest - n_rows;
  }
  for (k = 0; k < n_cmeta; k++)
    {
      char **vals;

      if (!next_line (&r, &line))
        {
          line_error (error, &r, line.number + 1,
                      "missing column metadata line %zu of %zu; truncated "
                      "file?", k + 1, n_cmeta);
          goto out;
        }
      if (!check_cells (&r, &line, split (&line, cells), n_head, error))
        goto out;
      vals = g_new0 (char *, csel.n + 1);
      for (j = 0; j < csel.n; j++)
        vals[j] = meta_dup (cells, first + csel.index[j]);
      ntkmc_gct_take_meta (g->col_meta, cell_dup (cells, 0), vals,
                           ntkmc_gct_values_numeric (vals, csel.n));
      if (CELL_START (cells, 0) == CELL_END (cells, 0))
        {
          line_error (error, &r, line.number,
                      "a column metadata field needs a name");
          goto out;
        }
    }
  {
    char **names = g_new (char *, n_cmeta + 1);

    for (k = 0; k < n_cmeta; k++)
      names[k] = ((GctMeta *) g_ptr_array_index (g->col_meta, k))->name;
    ok = ntkmc_gct_check_unique (name, "column metadata field", names,
                                 n_cmeta, NTKMC_ERROR_FORMAT, error);
    g_free (names);
    if (!ok)
      goto out;
    ok = FALSE;
  }

  /* the data lines */
  if (!opt->meta_only && !ntkmc_gct_alloc_values (g, name, error))
    goto out;
  if (opt->row_ids != NULL)
    {
      row_want = g_hash_table_new (g_str_hash, g_str_equal);
      for (i = 0; i < opt->n_row_ids; i++)
        {
          if (opt->row_ids[i] == NULL
              || g_hash_table_contains (row_want, opt->row_ids[i]))
            {
              char *shown = opt->row_ids[i]
                              ? g_utf8_make_valid (opt->row_ids[i], -1)
                              : g_strdup ("(null)");

              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                           "%s: row id '%s' requested twice", name, shown);
              g_free (shown);
              goto out;
            }
          g_hash_table_insert (row_want, (gpointer) opt->row_ids[i],
                               GSIZE_TO_POINTER (i));
        }
    }
  row_seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  rmeta_vals = g_new0 (char **, n_rmeta + 1);
  for (k = 0; k < n_rmeta; k++)
    rmeta_vals[k] = g_new0 (char *, g->n_rows + 1);
  for (i = 0; i < n_rows; i++)
    {
      char *id;
      gpointer at;
      size_t out_row;

      if (!next_line (&r, &line))
        {
          line_error (error, &r, line.number + 1,
                      "expected %zu data lines (line 2), found %zu; "
                      "truncated file?", n_rows, i);
          goto out;
        }
      if (!check_cells (&r, &line, split (&line, cells), n_head, error))
        goto out;
      id = cell_dup (cells, 0);
      if (g_hash_table_lookup_extended (row_seen, id, NULL, &at))
        {
          char *shown = g_utf8_make_valid (id, -1);

          line_error (error, &r, line.number,
                      "duplicate row id '%s' (also on line %zu)", shown,
                      GPOINTER_TO_SIZE (at));
          g_free (shown);
          g_free (id);
          goto out;
        }
      g_hash_table_insert (row_seen, id, GSIZE_TO_POINTER (line.number));
      if (row_want != NULL)
        {
          if (!g_hash_table_lookup_extended (row_want, id, NULL, &at))
            continue;
          out_row = GPOINTER_TO_SIZE (at);
        }
      else
        out_row = i;
      found++;
      g->row_ids[out_row] = g_strdup (id);
      for (k = 0; k < n_rmeta; k++)
        rmeta_vals[k][out_row] = meta_dup (cells, 1 + k);
      if (g->values == NULL)
        continue;
      for (j = 0; j < csel.n; j++)
        {
          size_t c = first + csel.index[j];

          if (!parse_value (CELL_START (cells, c), CELL_END (cells, c),
                            &g->values[out_row + j * g->n_rows]))
            {
              char *shown = cell_show (cells, c);

              line_error (error, &r, line.number,
                          "column %zu: '%s' is not a number", c + 1, shown);
              g_free (shown);
              goto out;
            }
        }
    }
  while (next_line (&r, &line))
    {
      const char *p;

      for (p = line.p; p < line.end && (*p == ' ' || *p == '\t'); p++)
        ;
      if (p != line.end)
        {
          line_error (error, &r, line.number,
                      "more data lines than the %zu rows of line 2", n_rows);
          goto out;
        }
    }
  if (row_want != NULL && found < opt->n_row_ids)
    for (i = 0; i < opt->n_row_ids; i++)
      if (g->row_ids[i] == NULL)
        {
          char *shown = g_utf8_make_valid (opt->row_ids[i], -1);

          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "%s: row id '%s' not found", name, shown);
          g_free (shown);
          goto out;
        }
  for (k = 0; k < n_rmeta; k++)
    {
      ntkmc_gct_take_meta (g->row_meta, rmeta_names[k], rmeta_vals[k],
                           ntkmc_gct_values_numeric (rmeta_vals[k],
                                                     g->n_rows));
      rmeta_names[k] = NULL;
      rmeta_vals[k] = NULL;
    }
  ok = TRUE;

out:
  if (rmeta_vals != NULL)
    for (k = 0; k < n_rmeta; k++)
      if (rmeta_vals[k] != NULL)
        {
          for (i = 0; g != NULL && i < g->n_rows; i++)
            g_free (rmeta_vals[k][i]);
          g_free (rmeta_vals[k]);
        }
  g_free (rmeta_vals);
  if (rmeta_names != NULL)
    for (k = 0; k < n_rmeta; k++)
      g_free (rmeta_names[k]);
  g_free (rmeta_names);
  g_strfreev (file_col_ids);
  ntkmc_gct_selection_clear (&csel);
  if (row_want != NULL)
    g_hash_table_unref (row_want);
  if (row_seen != NULL)
    g_hash_table_unref (row_seen);
  g_array_free (cells, TRUE);
  if (!ok)
    {
      ntkmc_gct_free (g);
      return NULL;
    }
  return g;
}

/* ------------------------------------------------------------------ writing */

/* Text that cannot be a GCT cell: a tab or a line break. */
static gboolean
check_cell_text (const char *what, const char *s, GError **error)
{
  if (s != NULL && strpbrk (s, "\t\r\n") != NULL)
    {
      char *shown = g_utf8_make_valid (s, -1);

      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "%s '%s' holds a tab or a line break, which GCT text "
                   "cannot store", what, shown);
      g_free (shown);
      return FALSE;
    }
  return TRUE;
}

static gboolean
check_fields (const char *what, const GPtrArray *fields, size_t n,
              GError **error)
{
  char *field_what = g_strconcat (what, " metadata field", NULL);
  char *value_what = g_strconcat (what, " metadata value", NULL);
  gboolean ok = TRUE;
  size_t i;
  guint f;

  for (f = 0; ok && f < fields->len; f++)
    {
      GctMeta *m = g_ptr_array_index ((GPtrArray *) fields, f);

      ok = check_cell_text (field_what, m->name, error);
      for (i = 0; ok && i < n; i++)
        ok = check_cell_text (value_what, m->values[i], error);
    }
  g_free (field_what);
  g_free (value_what);
  return ok;
}

static gboolean
check_writable (const NtkmcGct *g, GError **error)
{
  size_t i;

  for (i = 0; i < g->n_rows; i++)
    if (!check_cell_text ("row id", g->row_ids[i], error))
      return FALSE;
  for (i = 0; i < g->n_cols; i++)
    if (!check_cell_text ("column id", g->col_ids[i], error))
      return FALSE;
  return check_fields ("row", g->row_meta, g->n_rows, error)
         && check_fields ("column", g->col_meta, g->n_cols, error);
}

static void
put_value (GString *s, double v)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (v))
    g_string_append (s, "NaN");
  else if (isinf (v))
    g_string_append (s, v > 0 ? "Inf" : "-Inf");
  else
    {
      ntkmc_gct_format_double (num, v);
      g_string_append (s, num);
    }
}

static void
put_meta (GString *s, const char *v)
{
  g_string_append (s, v != NULL ? v : "-666");
}

/* Writes @s to @fp and empties it; FALSE on a write error. */
static gboolean
flush (GString *s, FILE *fp)
{
  gboolean ok = fwrite (s->str, 1, s->len, fp) == s->len;

  g_string_truncate (s, 0);
  return ok;
}

static gboolean
write_text (const NtkmcGct *g, FILE *fp, gboolean v12)
{
  GString *s = g_string_sized_new (1 << 20);
  const GctMeta *desc = NULL;
  size_t n_rmeta = v12 ? 1 : g->row_meta->len;
  size_t i, j, k;
  gboolean ok = TRUE;
  guint f;

  if (v12)
    for (f = 0; f < g->row_meta->len; f++)
      if (strcmp (((GctMeta *) g_ptr_array_index (g->row_meta, f))->name,
                  "Description") == 0)
        desc = g_ptr_array_index (g->row_meta, f);
  if (v12)
    g_string_append_printf (s, "#1.2\n%zu\t%zu\nName\tDescription", g->n_rows,
                            g->n_cols);
  else
    {
      g_string_append_printf (s, "#1.3\n%zu\t%zu\t%zu\t%u\nid", g->n_rows,
                              g->n_cols, n_rmeta, g->col_meta->len);
      for (k = 0; k < n_rmeta; k++)
        {
          g_string_append_c (s, '\t');
          g_string_append (s, ((GctMeta *) g_ptr_array_index (g->row_meta,
                                                             (guint) k))->name);
        }
    }
  for (j = 0; j < g->n_cols; j++)
    {
      g_string_append_c (s, '\t');
      g_string_append (s, g->col_ids[j]);
    }
  g_string_append_c (s, '\n');
  for (f = 0; !v12 && f < g->col_meta->len; f++)
    {
      const GctMeta *m = g_ptr_array_index (g->col_meta, f);

      g_string_append (s, m->name);
      for (k = 0; k < n_rmeta; k++)
        g_string_append (s, "\tna");
      for (j = 0; j < g->n_cols; j++)
        {
          g_string_append_c (s, '\t');
          put_meta (s, m->values[j]);
        }
      g_string_append_c (s, '\n');
    }
  for (i = 0; i < g->n_rows && ok; i++)
    {
      g_string_append (s, g->row_ids[i]);
      if (v12)
        {
          g_string_append_c (s, '\t');
          if (desc != NULL && desc->values[i] != NULL)
            g_string_append (s, desc->values[i]);
        }
      else
        for (k = 0; k < n_rmeta; k++)
          {
            g_string_append_c (s, '\t');
            put_meta (s, ((GctMeta *) g_ptr_array_index (g->row_meta,
                                                         (guint) k))->values[i]);
          }
      for (j = 0; j < g->n_cols; j++)
        {
          g_string_append_c (s, '\t');
          put_value (s, g->values != NULL ? g->values[i + j * g->n_rows]
                                          : NAN);
        }
      g_string_append_c (s, '\n');
      if (s->len >= 1 << 20)
        ok = flush (s, fp);
    }
  ok = ok && flush (s, fp);
  g_string_free (s, TRUE);
  return ok;
}

gboolean
ntkmc_gct_text_write (const NtkmcGct *g, const char *path,
                      NtkmcGctFormat format, GError **error)
{
  char *tmp;
  FILE *fp;
  gboolean ok;
  int saved = 0;

  if (!check_writable (g, error))
    return FALSE;
  tmp = ntkmc_gct_temp_path (path, error);
  if (tmp == NULL)
    return FALSE;
  fp = g_fopen (tmp, "wb");
  ok = fp != NULL && write_text (g, fp, format == NTKMC_GCT_FORMAT_GCT12);
  if (!ok)
    saved = errno;
  if (fp != NULL && fclose (fp) != 0 && ok)
    {
      saved = errno;
      ok = FALSE;
    }
  if (!ok)
    {
      char *shown = g_filename_display_name (path);

      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO, "cannot write '%s': %s",
                   shown, g_strerror (saved != 0 ? saved : EIO));
      g_free (shown);
      ntkmc_gct_commit (tmp, path, FALSE, NULL);
      return FALSE;
    }
  return ntkmc_gct_commit (tmp, path, TRUE, error);
}
