/* SPDX-License-Identifier: MIT */
/*
 * table.c: NtkmcTable, a numeric matrix with missing values read from (and
 * written back to) TSV or CSV text, with optional column and row names.
 *
 * The reader loads the whole file and makes two passes over it:
 *  1. cheap: split the first line into cells, count the lines, count the
 *     cells of the second line and classify the first cell of every line;
 *     this fixes the layout (separator, header, row names) and the shape;
 *  2. parse every cell of every data line straight into its column-major
 *     slot; ragged lines and bad cells are reported here, in file order.
 * Both passes are linear in the file size (one memchr per line and per cell,
 * one g_ascii_strtod per numeric cell).
 *
 * The format and the layout guess are documented at ntkmc_table_read() in
 * ntkmc.h.  A line is split at '\n'; a '\r' just before it is dropped; a
 * quoted field ("a,b", with "" for a quote) may not span lines.
 *
 * The writer formats into a 1 MiB buffer and writes it out as it fills; a
 * regular file is replaced by renaming a synced temporary file over it.
 */
#include "config.h"

#include <ntkmc/ntkmc.h>

#include "base/file.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

struct _NtkmcTable
{
  size_t n_rows;
  size_t n_cols;
  double *values;     /* n_rows x n_cols, column-major, ld = n_rows */
  guint8 *mask;       /* likewise; 1 = present */
  gboolean complete;
  char **col_names;   /* NULL, or n_cols names and a NULL */
  char **row_names;   /* NULL, or n_rows names and a NULL */
  char *corner;       /* the header cell above the row names, or NULL */
  char sep;
};

/* One cell of a line, borrowed from the file text.  @text and @len exclude
 * the surrounding blanks and quotes; when @escaped, @text still holds the
 * doubled quotes ("") of a quoted field. */
typedef struct
{
  const char *text;
  size_t len;
  gboolean escaped;
} Cell;

typedef enum
{
  SCAN_OK,
  SCAN_UNTERMINATED,  /* a quoted field without its closing quote */
  SCAN_TRAILING       /* text between a closing quote and the separator */
} ScanStatus;

typedef enum
{
  CELL_MISSING,
  CELL_NUMBER,
  CELL_NONFINITE,
  CELL_TEXT
} CellKind;

/* Longest cell text quoted in an error message, in bytes. */
#define SHOW_MAX 40

/* Output is built in a buffer of about this size, then written. */
#define WRITE_CHUNK (1 << 20)

static const char *
find_eol (const char *p, const char *end)
{
  const char *nl = memchr (p, '\n', (size_t) (end - p));

  return nl != NULL ? nl : end;
}

/* The end of the content of the line [p, eol): without a final '\r'. */
static const char *
content_end (const char *p, const char *eol)
{
  return (eol > p && eol[-1] == '\r') ? eol - 1 : eol;
}

/* A blank line holds nothing but spaces and carriage returns. */
static gboolean
is_blank_line (const char *p, const char *eol)
{
  for (; p < eol; p++)
    if (*p != ' ' && *p != '\r')
      return FALSE;
  return TRUE;
}

/* Blanks around a cell: spaces, and tabs unless the tab is the separator. */
static inline gboolean
is_blank (char c, char sep)
{
  return (c == ' ' || c == '\t') && c != sep;
}

/* Scans the cell starting at *pp on a line whose content ends at @eol.  On
 * SCAN_OK, *pp is left on the separator after the cell, or on @eol; on an
 * error, *pp is left where the error is. */
static ScanStatus
scan_cell (const char **pp, const char *eol, char sep, Cell *cell)
{
  const char *p = *pp;

  while (p < eol && is_blank (*p, sep))
    p++;
  cell->escaped = FALSE;
  if (p < eol && *p == '"')
    {
      const char *q = p + 1;

      cell->text = q;
      for (;;)
        {
          q = memchr (q, '"', (size_t) (eol - q));
          if (q == NULL)
            {
              *pp = p;
              return SCAN_UNTERMINATED;
            }
          if (q + 1 < eol && q[1] == '"')
            {
              cell->escaped = TRUE;
              q += 2;
              continue;
            }
          break;
        }
      cell->len = (size_t) (q - cell->text);
      p = q + 1;
      while (p < eol && is_blank (*p, sep))
        p++;
      *pp = p;
      return (p == eol || *p == sep) ? SCAN_OK : SCAN_TRAILING;
    }
  else
    {
      const char *e = memchr (p, sep, (size_t) (eol - p));
      const char *t;

      if (e == NULL)
        e = eol;
      t = e;
      while (t > p && is_blank (t[-1], sep))
        t--;
      cell->text = p;
      cell->len = (size_t) (t - p);
      *pp = e;
      return SCAN_OK;
    }
}

/* The number of cells of a line, counting up to the first quoting error. */
static size_t
count_cells (const char *p, const char *eol, char sep)
{
  size_t n = 0;
  Cell cell;

  for (;;)
    {
      if (scan_cell (&p, eol, sep, &cell) != SCAN_OK)
        return n + 1;
      n++;
      if (p == eol)
        return n;
      p++;
    }
}

/* Classifies a cell: empty, "NA" (any case) and anything g_ascii_strtod
 * reads as a NaN ("NaN", "nan", "-nan"...) are missing; a number must use
 * the whole cell. */
static CellKind
classify (const Cell *cell, double *value)
{
  char *endp;
  double x;

  if (cell->len == 0)
    return CELL_MISSING;
  if (cell->len == 2 && g_ascii_strncasecmp (cell->text, "NA", 2) == 0)
    return CELL_MISSING;
  /* The cell is never followed by a character that could continue a
   * number (a blank, separator, quote, line end or the final NUL), so
   * strtod cannot read past it. */
  x = g_ascii_strtod (cell->text, &endp);
  if (endp != cell->text + cell->len)
    return CELL_TEXT;
  if (isnan (x))
    return CELL_MISSING;
  if (isinf (x))
    return CELL_NONFINITE;
  *value = x;
  return CELL_NUMBER;
}

/* A NUL-terminated copy of the cell's text, with "" unescaped. */
static char *
cell_dup (const Cell *cell)
{
  char *s, *o;
  size_t i;

  if (!cell->escaped)
    return g_strndup (cell->text, cell->len);
  s = o = g_malloc (cell->len + 1);
  for (i = 0; i < cell->len; i++)
    {
      *o++ = cell->text[i];
      if (cell->text[i] == '"')
        i++;
    }
  *o = '\0';
  return s;
}

/* The cell's text for an error message: valid UTF-8, at most SHOW_MAX
 * bytes (then ending in "..."). */
static char *
cell_show (const Cell *cell)
{
  size_t len = cell->len;
  const char *cut;
  char *valid, *shown;

  if (len <= SHOW_MAX)
    return g_utf8_make_valid (cell->text, (gssize) len);
  /* Cut before a character start (not inside a UTF-8 sequence). */
  cut = cell->text + SHOW_MAX;
  while (cut > cell->text && ((guchar) *cut & 0xC0) == 0x80)
    cut--;
  len = (size_t) (cut - cell->text);
  valid = g_utf8_make_valid (cell->text, (gssize) len);
  shown = g_strconcat (valid, "...", NULL);
  g_free (valid);
  return shown;
}

static void
set_cell_error (GError **error, const char *name, size_t line, size_t col,
                const Cell *cell, const char *what)
{
  char *shown = cell_show (cell);

  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
               "%s: line %zu, column %zu: '%s' %s", name, line, col, shown,
               what);
  g_free (shown);
}

static void
set_scan_error (GError **error, const char *name, size_t line, size_t col,
                ScanStatus status)
{
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
               "%s: line %zu, column %zu: %s", name, line, col,
               status == SCAN_UNTERMINATED
                 ? "quoted field has no closing quote on this line"
                 : "unexpected text after the closing quote");
}

/* Reads all of standard input into a NUL-terminated buffer. */
static gboolean
read_stdin (char **contents, gsize *length, GError **error)
{
  GString *buf = g_string_new (NULL);
  char chunk[65536];
  size_t got;

  while ((got = fread (chunk, 1, sizeof chunk, stdin)) > 0)
    g_string_append_len (buf, chunk, (gssize) got);
  if (ferror (stdin))
    {
      int saved = errno;

      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO,
                   "cannot read standard input: %s", g_strerror (saved));
      g_string_free (buf, TRUE);
      return FALSE;
    }
  *length = buf->len;
  *contents = g_string_free (buf, FALSE);
  return TRUE;
}

static gboolean
load_text (const char *path, char **contents, gsize *length, GError **error)
{
  GError *local = NULL;

  if (strcmp (path, "-") == 0)
    return read_stdin (contents, length, error);
  if (!g_file_get_contents (path, contents, length, &local))
    {
      g_set_error_literal (error, NTKMC_ERROR, NTKMC_ERROR_IO,
                           local->message);
      g_error_free (local);
      return FALSE;
    }
  return TRUE;
}

/* The number of the line holding @at (1-based); only for error messages. */
static size_t
line_number_at (const char *start, const char *at)
{
  size_t line = 1;

  for (; start < at; start++)
    line += *start == '\n';
  return line;
}

/* Parses the data lines [p, data_end) into @t, whose layout and shape are
 * set.  @first_line is the number of the line at @p; @nc the number of
 * cells a line must have, as in line @ref_line. */
static gboolean
parse_data (NtkmcTable *t, const char *name, const char *p,
            const char *data_end, size_t first_line, size_t nc,
            size_t ref_line, GError **error)
{
  const size_t rows = t->n_rows;
  const size_t skip = t->row_names != NULL ? 1 : 0;
  const char sep = t->sep;
  size_t i, line = first_line;
  gboolean complete = TRUE;

  for (i = 0; i < rows; i++, line++)
    {
      const char *eol = find_eol (p, data_end);
      const char *ce = content_end (p, eol);
      const char *q = p;
      size_t j = 0;

      for (;;)
        {
          Cell cell;
          ScanStatus status;

          if (j == nc)
            {
              g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                           "%s: line %zu has %zu cells, expected %zu "
                           "(as in line %zu)", name, line,
                           count_cells (p, ce, sep), nc, ref_line);
              return FALSE;
            }
          status = scan_cell (&q, ce, sep, &cell);
          if (status != SCAN_OK)
            {
              set_scan_error (error, name, line, j + 1, status);
              return FALSE;
            }
          if (j < skip)
            t->row_names[i] = cell_dup (&cell);
          else
            {
              const size_t at = i + (j - skip) * rows;
              double v = 0.0;

              switch (classify (&cell, &v))
                {
                case CELL_NUMBER:
                  t->values[at] = v;
                  t->mask[at] = 1;
                  break;
                case CELL_MISSING:
                  t->values[at] = NAN;
                  t->mask[at] = 0;
                  complete = FALSE;
                  break;
                case CELL_NONFINITE:
                  set_cell_error (error, name, line, j + 1, &cell,
                                  "is a non-finite value");
                  return FALSE;
                case CELL_TEXT:
                default:
                  set_cell_error (error, name, line, j + 1, &cell,
                                  "is not a number");
                  return FALSE;
                }
            }
          j++;
          if (q == ce)
            break;
          q++;
        }
      if (j != nc)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "%s: line %zu has %zu cell%s, expected %zu "
                       "(as in line %zu)", name, line, j, j == 1 ? "" : "s",
                       nc, ref_line);
          return FALSE;
        }
      p = eol < data_end ? eol + 1 : eol;
    }
  t->complete = complete;
  return TRUE;
}

/* Parses a whole text (NUL-terminated at text[len]); @name is the file's
 * display name. */
static NtkmcTable *
parse_text (const char *name, const char *text, size_t len, GError **error)
{
  const char *end = text + len;
  const char *p = text, *eol, *ce, *q, *data_end, *second = NULL;
  const char *nul;
  size_t line = 1, first_line, n_lines, n0, n1 = 0, nc, j;
  size_t n_values;
  gboolean any_text = FALSE, cell0_text = FALSE, below_text = FALSE;
  gboolean header, row_names, corner;
  GArray *head;
  NtkmcTable *t;
  char sep;

  nul = memchr (text, '\0', len);
  if (nul != NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "%s: line %zu: NUL byte (not a text file?)", name,
                   line_number_at (text, nul));
      return NULL;
    }
  if (len >= 3 && memcmp (p, "\xEF\xBB\xBF", 3) == 0)
    p += 3;

  /* Leading blank lines are skipped; trailing ones ignored. */
  for (;;)
    {
      if (p >= end)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                       "%s: empty file (no table)", name);
          return NULL;
        }
      eol = find_eol (p, end);
      if (!is_blank_line (p, eol))
        break;
      p = eol + 1;
      line++;
    }
  first_line = line;
  data_end = end;
  for (;;)
    {
      const char *ls = data_end;

      while (ls > p && ls[-1] != '\n')
        ls--;
      if (!is_blank_line (ls, data_end))
        break;
      data_end = ls - 1;   /* ls > p: the first line is not blank */
    }

  /* The first line: separator (a tab, else a comma; a tab for a single
   * column), and its cells (a header or data). */
  eol = find_eol (p, data_end);
  ce = content_end (p, eol);
  sep = memchr (p, '\t', (size_t) (ce - p)) != NULL ? '\t'
        : memchr (p, ',', (size_t) (ce - p)) != NULL ? ',' : '\t';
  head = g_array_new (FALSE, FALSE, sizeof (Cell));
  for (q = p;;)
    {
      Cell cell;
      ScanStatus status = scan_cell (&q, ce, sep, &cell);
      double v;

      if (status != SCAN_OK)
        {
          set_scan_error (error, name, first_line, head->len + 1, status);
          g_array_free (head, TRUE);
          return NULL;
        }
      if (classify (&cell, &v) == CELL_TEXT)
        {
          if (head->len == 0)
            cell0_text = TRUE;
          else
            any_text = TRUE;
        }
      else if (head->len == 0)
        cell0_text = FALSE;
      g_array_append_val (head, cell);
      if (q == ce)
        break;
      q++;
    }
  n0 = head->len;

  /* The other lines: count them, count the cells of the second, and look
   * for a label in the first column. */
  n_lines = 1;
  for (q = eol; q < data_end; n_lines++)
    {
      const char *ls = q + 1;
      const char *le = find_eol (ls, data_end);

      if (n_lines == 1)
        {
          second = ls;
          n1 = count_cells (ls, content_end (ls, le), sep);
        }
      if (!below_text)
        {
          const char *r = ls;
          Cell cell;
          double v;

          /* A quoting error counts as a label here; it is reported in
           * order by parse_data(). */
          if (scan_cell (&r, content_end (ls, le), sep, &cell) != SCAN_OK
              || classify (&cell, &v) == CELL_TEXT)
            below_text = TRUE;
        }
      q = le;
    }

  /* The layout.  A header of n0 cells over lines of n0 + 1 is the layout R's
   * write.table() uses by default: a header with no corner cell, then row
   * names (which may look like numbers). */
  if (n_lines >= 2 && n1 == n0 + 1 && (any_text || cell0_text))
    {
      header = TRUE;
      row_names = TRUE;
      corner = FALSE;
      nc = n1;
    }
  else
    {
      header = any_text || (cell0_text && n_lines >= 2 && !below_text);
      row_names = below_text || (!header && cell0_text);
      corner = header && row_names;
      nc = n0;
    }
  if (header && n_lines == 1)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "%s: no data rows (only a header line)", name);
      g_array_free (head, TRUE);
      return NULL;
    }
  if (row_names && nc == 1)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID,
                   "%s: no data columns, only labels (is the separator a "
                   "tab or a comma?)", name);
      g_array_free (head, TRUE);
      return NULL;
    }

  t = g_new0 (NtkmcTable, 1);
  t->sep = sep;
  t->n_rows = n_lines - (header ? 1 : 0);
  t->n_cols = nc - (row_names ? 1 : 0);
  if (!g_size_checked_mul (&n_values, t->n_rows, t->n_cols)
      || n_values > G_MAXSIZE / sizeof (double)
      || (t->values = g_try_new (double, n_values)) == NULL
      || (t->mask = g_try_new (guint8, n_values)) == NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "%s: cannot allocate a table of %zu x %zu values", name,
                   t->n_rows, t->n_cols);
      g_array_free (head, TRUE);
      ntkmc_table_free (t);
      return NULL;
    }
  if (header)
    {
      const size_t skip = corner ? 1 : 0;

      t->col_names = g_new (char *, t->n_cols + 1);
      for (j = 0; j < t->n_cols; j++)
        t->col_names[j] = cell_dup (&g_array_index (head, Cell, j + skip));
      t->col_names[t->n_cols] = NULL;
      if (corner)
        t->corner = cell_dup (&g_array_index (head, Cell, 0));
    }
  if (row_names)
    t->row_names = g_new0 (char *, t->n_rows + 1);
  g_array_free (head, TRUE);

  if (header)
    p = second;
  if (!parse_data (t, name, p, data_end, header ? first_line + 1 : first_line,
                   nc, header && !corner && row_names ? first_line + 1
                                                      : first_line,
                   error))
    {
      ntkmc_table_free (t);
      return NULL;
    }
  return t;
}

NtkmcTable *
ntkmc_table_read (const char *path, GError **error)
{
  NtkmcTable *t;
  char *contents = NULL;
  char *name;
  gsize length = 0;

  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!load_text (path, &contents, &length, error))
    return NULL;
  name = strcmp (path, "-") == 0 ? g_strdup ("<stdin>")
                                 : g_filename_display_name (path);
  t = parse_text (name, contents, length, error);
  g_free (name);
  g_free (contents);
  return t;
}

void
ntkmc_table_free (NtkmcTable *t)
{
  if (t == NULL)
    return;
  g_free (t->values);
  g_free (t->mask);
  g_strfreev (t->col_names);
  g_strfreev (t->row_names);
  g_free (t->corner);
  g_free (t);
}

size_t
ntkmc_table_get_n_rows (const NtkmcTable *t)
{
  g_return_val_if_fail (t != NULL, 0);
  return t->n_rows;
}

size_t
ntkmc_table_get_n_cols (const NtkmcTable *t)
{
  g_return_val_if_fail (t != NULL, 0);
  return t->n_cols;
}

const double *
ntkmc_table_peek_values (const NtkmcTable *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return t->values;
}

const guint8 *
ntkmc_table_peek_mask (const NtkmcTable *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return t->mask;
}

gboolean
ntkmc_table_is_complete (const NtkmcTable *t)
{
  g_return_val_if_fail (t != NULL, FALSE);
  return t->complete;
}

const char *const *
ntkmc_table_peek_col_names (const NtkmcTable *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return (const char *const *) t->col_names;
}

const char *const *
ntkmc_table_peek_row_names (const NtkmcTable *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return (const char *const *) t->row_names;
}

const char *
ntkmc_table_peek_corner (const NtkmcTable *t)
{
  g_return_val_if_fail (t != NULL, NULL);
  return t->corner;
}

char
ntkmc_table_get_separator (const NtkmcTable *t)
{
  g_return_val_if_fail (t != NULL, '\t');
  return t->sep;
}

/* ------------------------------------------------------------------ writing */

/* Where the text goes: a buffer flushed to a stream every WRITE_CHUNK. */
typedef struct
{
  GString *buf;
  FILE *fp;
  int errsv;          /* errno of the first failed write, or 0 */
} Sink;

static void
sink_flush (Sink *s)
{
  if (s->errsv == 0 && s->buf->len > 0
      && fwrite (s->buf->str, 1, s->buf->len, s->fp) != s->buf->len)
    s->errsv = errno != 0 ? errno : EIO;
  g_string_truncate (s->buf, 0);
}

/* Appends a name, quoted when reading it back would otherwise change it:
 * it holds the separator, a quote or a line break, or starts or ends with a
 * blank. */
static void
put_name (Sink *s, const char *name, char sep)
{
  size_t len = strlen (name);
  gboolean quote = FALSE;
  const char *c;

  if (len > 0 && (name[0] == ' ' || name[0] == '\t' || name[len - 1] == ' '
                  || name[len - 1] == '\t'))
    quote = TRUE;
  for (c = name; !quote && *c != '\0'; c++)
    quote = *c == sep || *c == '"' || *c == '\n' || *c == '\r';
  if (!quote)
    {
      g_string_append_len (s->buf, name, (gssize) len);
      return;
    }
  g_string_append_c (s->buf, '"');
  for (c = name; *c != '\0'; c++)
    {
      if (*c == '"')
        g_string_append_c (s->buf, '"');
      g_string_append_c (s->buf, *c);
    }
  g_string_append_c (s->buf, '"');
}

static void
put_value (Sink *s, double v)
{
  char num[G_ASCII_DTOSTR_BUF_SIZE];

  if (isnan (v))
    g_string_append (s->buf, "NA");
  else if (isinf (v))
    g_string_append (s->buf, v > 0 ? "Inf" : "-Inf");
  else
    {
      /* the shortest of 15, 16 or 17 significant digits that reads back
       * bit-identical: 0.3 stays "0.3" */
      static const char *const formats[] = { "%.15g", "%.16g", "%.17g" };
      unsigned f;

      for (f = 0; f < G_N_ELEMENTS (formats); f++)
        {
          g_ascii_formatd (num, sizeof num, formats[f], v);
          if (f == G_N_ELEMENTS (formats) - 1
              || g_ascii_strtod (num, NULL) == v)
            break;
        }
      g_string_append (s->buf, num);
    }
}

static void
put_table (Sink *s, const NtkmcTable *like, size_t rows, size_t cols,
           const double *values, size_t ld)
{
  const char sep = like != NULL ? like->sep : '\t';
  const char *const *col_names = like != NULL
                                   ? (const char *const *) like->col_names
                                   : NULL;
  const char *const *row_names = like != NULL
                                   ? (const char *const *) like->row_names
                                   : NULL;
  size_t i, j;

  if (col_names != NULL)
    {
      gboolean first = TRUE;

      /* With row names, the corner cell comes first; R's layout has none. */
      if (row_names != NULL && like->corner != NULL)
        {
          put_name (s, like->corner, sep);
          first = FALSE;
        }
      for (j = 0; j < cols; j++)
        {
          if (!first)
            g_string_append_c (s->buf, sep);
          put_name (s, col_names[j], sep);
          first = FALSE;
        }
      g_string_append_c (s->buf, '\n');
    }
  for (i = 0; i < rows; i++)
    {
      for (j = 0; j < cols; j++)
        {
          if (j > 0)
            g_string_append_c (s->buf, sep);
          else if (row_names != NULL)
            {
              put_name (s, row_names[i], sep);
              g_string_append_c (s->buf, sep);
            }
          put_value (s, values[i + j * ld]);
        }
      g_string_append_c (s->buf, '\n');
      if (s->buf->len >= WRITE_CHUNK)
        sink_flush (s);
    }
  sink_flush (s);
}

/* Writes the table to an open stream and flushes it; when @sync, also
 * commits it to disk.  Returns 0 or the errno of the first failure. */
static int
write_stream (FILE *fp, gboolean sync, const NtkmcTable *like, size_t rows,
              size_t cols, const double *values, size_t ld)
{
  Sink s = { g_string_sized_new (WRITE_CHUNK + 4096), fp, 0 };

  put_table (&s, like, rows, cols, values, ld);
  g_string_free (s.buf, TRUE);
  if (s.errsv == 0 && fflush (fp) != 0)
    s.errsv = errno;
  if (s.errsv == 0 && sync && fsync (fileno (fp)) != 0 && errno != EINVAL)
    s.errsv = errno;
  return s.errsv;
}

static void
set_write_error (GError **error, const char *path, int errsv)
{
  char *shown = strcmp (path, "-") == 0 ? g_strdup ("standard output")
                                        : g_filename_display_name (path);

  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_IO, "cannot write '%s': %s",
               shown, g_strerror (errsv));
  g_free (shown);
}

/* Replaces the regular file (or creates the file) @path: the text goes to a
 * temporary file in the same directory, renamed into place at the end, so
 * that readers see the old file or the whole new one. */
static gboolean
write_replace (const char *path, const NtkmcTable *like, size_t rows,
               size_t cols, const double *values, size_t ld, GError **error)
{
  char *tmp;
  FILE *fp = NULL;
  int fd, errsv, renamed;

  fd = ntkmc_file_replace_begin (path, O_WRONLY, &tmp);
  if (fd < 0 || (fp = fdopen (fd, "w")) == NULL)
    {
      errsv = errno;
      if (fd >= 0)
        {
          close (fd);
          ntkmc_file_replace_end (tmp, path, FALSE);
        }
      set_write_error (error, path, errsv);
      return FALSE;
    }
  errsv = write_stream (fp, TRUE, like, rows, cols, values, ld);
  if (fclose (fp) != 0 && errsv == 0)
    errsv = errno;
  renamed = ntkmc_file_replace_end (tmp, path, errsv == 0);
  if (errsv == 0 && renamed != 0)
    errsv = renamed;
  if (errsv != 0)
    {
      set_write_error (error, path, errsv);
      return FALSE;
    }
  return TRUE;
}

/* Writes straight into @path: standard output, or an existing file that is
 * not a regular file (a pipe, /dev/null...), which cannot be replaced. */
static gboolean
write_direct (const char *path, const NtkmcTable *like, size_t rows,
              size_t cols, const double *values, size_t ld, GError **error)
{
  gboolean is_stdout = strcmp (path, "-") == 0;
  FILE *fp = is_stdout ? stdout : g_fopen (path, "w");
  int errsv;

  if (fp == NULL)
    {
      set_write_error (error, path, errno);
      return FALSE;
    }
  errsv = write_stream (fp, FALSE, like, rows, cols, values, ld);
  if (!is_stdout && fclose (fp) != 0 && errsv == 0)
    errsv = errno;
  if (errsv != 0)
    {
      set_write_error (error, path, errsv);
      return FALSE;
    }
  return TRUE;
}

gboolean
ntkmc_table_write (const char *path, const NtkmcTable *like, size_t rows,
                   size_t cols, const double *values, size_t ld,
                   GError **error)
{
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (like == NULL
                        || (like->n_rows == rows && like->n_cols == cols),
                        FALSE);
  g_return_val_if_fail (values != NULL || rows == 0 || cols == 0, FALSE);
  g_return_val_if_fail (ld >= MAX (rows, 1), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (strcmp (path, "-") == 0
      || (g_file_test (path, G_FILE_TEST_EXISTS)
          && !g_file_test (path, G_FILE_TEST_IS_REGULAR)))
    return write_direct (path, like, rows, cols, values, ld, error);
  return write_replace (path, like, rows, cols, values, ld, error);
}
