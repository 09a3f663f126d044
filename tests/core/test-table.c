/* SPDX-License-Identifier: MIT */
/*
 * test-table.c: reading and writing text tables (TSV/CSV): layouts, missing
 * tokens, line endings, quoting, bit-exact round trips and every content and
 * I/O error.  Files live in a fresh temporary directory per test.
 */
#include "config.h"

#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <ntkmc/ntkmc.h>

#include "test-util.h"

typedef TestDir Fixture;
#define fixture_setup test_dir_setup
#define fixture_teardown test_dir_teardown

/* Writes @len bytes of @text (-1 = up to the NUL) to @name in the fixture
 * directory; returns the path. */
static char *
put (Fixture *f, const char *name, const char *text, gssize len)
{
  char *path = g_build_filename (f->dir, name, NULL);
  GError *error = NULL;

  g_file_set_contents (path, text, len, &error);
  g_assert_no_error (error);
  return path;
}

static NtkmcTable *
read_ok (Fixture *f, const char *name, const char *text)
{
  char *path = put (f, name, text, -1);
  GError *error = NULL;
  NtkmcTable *t = ntkmc_table_read (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (t);
  g_free (path);
  return t;
}

/* Reads @text and checks that it fails with @code and a message containing
 * every string of the NULL-terminated list. */
static void
read_fails (Fixture *f, const char *name, const char *text, gssize len,
            int code, ...)
{
  char *path = put (f, name, text, len);
  GError *error = NULL;
  NtkmcTable *t = ntkmc_table_read (path, &error);
  const char *want;
  va_list ap;

  g_assert_null (t);
  g_assert_error (error, NTKMC_ERROR, code);
  va_start (ap, code);
  while ((want = va_arg (ap, const char *)) != NULL)
    if (strstr (error->message, want) == NULL)
      g_error ("message \"%s\" lacks \"%s\"", error->message, want);
  va_end (ap);
  g_error_free (error);
  g_free (path);
}

static void
assert_names (const char *const *got, const char *const *want)
{
  size_t i;

  g_assert_nonnull (got);
  for (i = 0; want[i] != NULL; i++)
    g_assert_cmpstr (got[i], ==, want[i]);
  g_assert_null (got[i]);
}

static void
assert_values (const NtkmcTable *t, size_t rows, size_t cols,
               const double *want)
{
  const double *v = ntkmc_table_peek_values (t);
  const guint8 *m = ntkmc_table_peek_mask (t);
  size_t k;

  g_assert_cmpuint (ntkmc_table_get_n_rows (t), ==, rows);
  g_assert_cmpuint (ntkmc_table_get_n_cols (t), ==, cols);
  for (k = 0; k < rows * cols; k++)
    if (isnan (want[k]))
      {
        g_assert_cmpuint (m[k], ==, 0);
        g_assert_true (isnan (v[k]));
      }
    else
      {
        g_assert_cmpuint (m[k], ==, 1);
        g_assert_cmpfloat (v[k], ==, want[k]);
      }
}

static void
test_tsv_header_row_names (Fixture *f, gconstpointer data)
{
  static const char *const cols[] = { "a", "b", "c", NULL };
  static const char *const rows[] = { "r1", "r2", NULL };
  static const double want[] = { 1, 4, 2, 5, 3, 6 };
  NtkmcTable *t = read_ok (f, "t.tsv", "gene\ta\tb\tc\n"
                                       "r1\t1\t2\t3\n"
                                       "r2\t4\t5\t6\n");

  (void) data;
  assert_values (t, 2, 3, want);
  assert_names (ntkmc_table_peek_col_names (t), cols);
  assert_names (ntkmc_table_peek_row_names (t), rows);
  g_assert_cmpstr (ntkmc_table_peek_corner (t), ==, "gene");
  g_assert_cmpint (ntkmc_table_get_separator (t), ==, '\t');
  g_assert_true (ntkmc_table_is_complete (t));
  ntkmc_table_free (t);
}

static void
test_tsv_plain (Fixture *f, gconstpointer data)
{
  static const double want[] = { 1, 3, 2, -4e-2 };
  /* No trailing newline; numbers with blanks around them. */
  NtkmcTable *t = read_ok (f, "t.tsv", "1\t 2\n3 \t-4e-2");

  (void) data;
  assert_values (t, 2, 2, want);
  g_assert_null (ntkmc_table_peek_col_names (t));
  g_assert_null (ntkmc_table_peek_row_names (t));
  g_assert_null (ntkmc_table_peek_corner (t));
  g_assert_cmpint (ntkmc_table_get_separator (t), ==, '\t');
  ntkmc_table_free (t);
}

static void
test_csv_header (Fixture *f, gconstpointer data)
{
  static const char *const cols[] = { "x", "y", "x", NULL };
  static const double want[] = { 1, 4, 2, 5, 3, 6 };
  /* Duplicate column names are allowed. */
  NtkmcTable *t = read_ok (f, "t.csv", "x,y,x\n1,2,3\n4,5,6\n");

  (void) data;
  assert_values (t, 2, 3, want);
  assert_names (ntkmc_table_peek_col_names (t), cols);
  g_assert_null (ntkmc_table_peek_row_names (t));
  g_assert_null (ntkmc_table_peek_corner (t));
  g_assert_cmpint (ntkmc_table_get_separator (t), ==, ',');
  ntkmc_table_free (t);
}

static void
test_csv_row_names (Fixture *f, gconstpointer data)
{
  static const char *const rows[] = { "7", "beta", NULL };
  static const double want[] = { 1, 3, 2, 4 };
  /* No header; a label in the first column makes all of it row names,
   * including the numeric-looking first one. */
  NtkmcTable *t = read_ok (f, "t.csv", "7,1,2\nbeta,3,4\n");

  (void) data;
  assert_values (t, 2, 2, want);
  g_assert_null (ntkmc_table_peek_col_names (t));
  assert_names (ntkmc_table_peek_row_names (t), rows);
  g_assert_null (ntkmc_table_peek_corner (t));
  ntkmc_table_free (t);
}

static void
test_numeric_column_names (Fixture *f, gconstpointer data)
{
  static const char *const cols[] = { "id", "10", "20", NULL };
  static const double want[] = { 1, 2, 5, 6, 7, 8 };
  /* A label above a first column of numbers can only be a header. */
  NtkmcTable *t = read_ok (f, "t.csv", "id,10,20\n1,5,7\n2,6,8\n");

  (void) data;
  assert_values (t, 2, 3, want);
  assert_names (ntkmc_table_peek_col_names (t), cols);
  g_assert_null (ntkmc_table_peek_row_names (t));
  ntkmc_table_free (t);
}

static void
test_no_comments (Fixture *f, gconstpointer data)
{
  static const char *const cols[] = { "#x", "y", NULL };
  static const double want[] = { 1, 2 };
  /* A line starting with '#' is an ordinary line. */
  NtkmcTable *t = read_ok (f, "t.tsv", "#x\ty\n1\t2\n");

  (void) data;
  assert_values (t, 1, 2, want);
  assert_names (ntkmc_table_peek_col_names (t), cols);
  ntkmc_table_free (t);
}

static void
test_single_column (Fixture *f, gconstpointer data)
{
  static const char *const cols[] = { "x", NULL };
  const double want[] = { 1, NAN, 2 };
  /* Leading blank lines are skipped, trailing ones ignored; inside, an
   * empty line is a row whose one cell is missing. */
  NtkmcTable *t = read_ok (f, "t.tsv", "\n  \nx\n1\n\n2\n\n \n");

  (void) data;
  assert_values (t, 3, 1, want);
  assert_names (ntkmc_table_peek_col_names (t), cols);
  g_assert_false (ntkmc_table_is_complete (t));
  ntkmc_table_free (t);
}

static void
test_missing (Fixture *f, gconstpointer data)
{
  const double want[] = { NAN, NAN, 1, NAN, NAN, 2, NAN, NAN, 3 };
  NtkmcTable *t = read_ok (f, "t.tsv", "a\tb\tc\n"
                                       "NA\t\tNaN\n"
                                       "na\tnan\t-nan\n"
                                       "1\t2\t3\n");

  (void) data;
  assert_values (t, 3, 3, want);
  g_assert_false (ntkmc_table_is_complete (t));
  ntkmc_table_free (t);

  /* A trailing separator is one more (empty, missing) cell. */
  t = read_ok (f, "u.csv", "1,2,\n3,,4\n");
  {
    const double want2[] = { 1, 3, 2, NAN, NAN, 4 };
    assert_values (t, 2, 3, want2);
  }
  ntkmc_table_free (t);
}

static void
test_crlf_bom (Fixture *f, gconstpointer data)
{
  static const char *const cols[] = { "a", "b", NULL };
  static const char *const rows[] = { "r1", "r2", NULL };
  const double want[] = { 1, 3, NAN, 4 };
  NtkmcTable *t = read_ok (f, "t.csv", "\xEF\xBB\xBFgene,a,b\r\n"
                                       "r1,1,\r\n"
                                       "r2,3,4\r\n"
                                       "\r\n\r\n");

  (void) data;
  assert_values (t, 2, 2, want);
  g_assert_cmpstr (ntkmc_table_peek_corner (t), ==, "gene");
  assert_names (ntkmc_table_peek_col_names (t), cols);
  assert_names (ntkmc_table_peek_row_names (t), rows);
  g_assert_cmpint (ntkmc_table_get_separator (t), ==, ',');
  ntkmc_table_free (t);
}

static void
test_quoted (Fixture *f, gconstpointer data)
{
  static const char *const cols[] = { "a,b", "say \"hi\"", NULL };
  static const char *const rows[] = { "r,1", "", NULL };
  static const double want[] = { 1, 3, 2, 4 };
  NtkmcTable *t = read_ok (f, "t.csv",
                           "\"gene, id\",\"a,b\", \"say \"\"hi\"\"\"\n"
                           "\"r,1\",1,\"2\"\n"
                           "\"\",3,4\n");

  (void) data;
  assert_values (t, 2, 2, want);
  g_assert_cmpstr (ntkmc_table_peek_corner (t), ==, "gene, id");
  assert_names (ntkmc_table_peek_col_names (t), cols);
  assert_names (ntkmc_table_peek_row_names (t), rows);
  ntkmc_table_free (t);
}

static void
test_r_layout (Fixture *f, gconstpointer data)
{
  static const char *const cols[] = { "a", "b", NULL };
  static const char *const rows[] = { "1", "2", NULL };
  static const double want[] = { 1, 3, 2, 4 };
  /* R's write.table (sep = "\t"): quoted names, no corner cell, row names
   * that look like numbers. */
  NtkmcTable *t = read_ok (f, "t.tsv", "\"a\"\t\"b\"\n"
                                       "\"1\"\t1\t2\n"
                                       "\"2\"\t3\t4\n");

  (void) data;
  assert_values (t, 2, 2, want);
  assert_names (ntkmc_table_peek_col_names (t), cols);
  assert_names (ntkmc_table_peek_row_names (t), rows);
  g_assert_null (ntkmc_table_peek_corner (t));
  ntkmc_table_free (t);
}

/* Writes @t's values like @t, reads them back and checks that everything
 * is the same, to the bit; returns the text written. */
static char *
round_trip (Fixture *f, const NtkmcTable *t)
{
  char *path = g_build_filename (f->dir, "out.txt", NULL);
  size_t rows = ntkmc_table_get_n_rows (t), cols = ntkmc_table_get_n_cols (t);
  const char *const *names[2], *const *names2[2];
  GError *error = NULL;
  NtkmcTable *u;
  char *text;
  size_t k, a, b;

  g_assert_true (ntkmc_table_write (path, t, rows, cols,
                                    ntkmc_table_peek_values (t), rows,
                                    &error));
  g_assert_no_error (error);
  u = ntkmc_table_read (path, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ntkmc_table_get_n_rows (u), ==, rows);
  g_assert_cmpuint (ntkmc_table_get_n_cols (u), ==, cols);
  g_assert_cmpmem (ntkmc_table_peek_mask (u), (int) (rows * cols),
                   ntkmc_table_peek_mask (t), (int) (rows * cols));
  for (k = 0; k < rows * cols; k++)
    if (ntkmc_table_peek_mask (t)[k])
      g_assert_cmpmem (&ntkmc_table_peek_values (u)[k], sizeof (double),
                       &ntkmc_table_peek_values (t)[k], sizeof (double));
    else
      g_assert_true (isnan (ntkmc_table_peek_values (u)[k]));
  g_assert_cmpint (ntkmc_table_get_separator (u), ==,
                   ntkmc_table_get_separator (t));
  g_assert_cmpstr (ntkmc_table_peek_corner (u), ==,
                   ntkmc_table_peek_corner (t));
  names[0] = ntkmc_table_peek_col_names (t);
  names[1] = ntkmc_table_peek_row_names (t);
  names2[0] = ntkmc_table_peek_col_names (u);
  names2[1] = ntkmc_table_peek_row_names (u);
  for (a = 0; a < 2; a++)
    {
      g_assert_true ((names[a] == NULL) == (names2[a] == NULL));
      for (b = 0; names[a] != NULL && names[a][b] != NULL; b++)
        g_assert_cmpstr (names2[a][b], ==, names[a][b]);
      g_assert_true (names[a] == NULL || names2[a][b] == NULL);
    }
  ntkmc_table_free (u);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_free (path);
  return text;
}

static void
test_round_trip_values (Fixture *f, gconstpointer data)
{
  NtkmcTable *t = read_ok (f, "t.csv",
                           "\"gene, id\",\"a,b\",\"q\"\"\", pad \n"
                           "r1,0.1,1e-300,-0.0\n"
                           "r 2,NA,4.9406564584124654e-324,"
                           "1.7976931348623157e308\n"
                           "NA,-123.456,0x1p-3,2.2250738585072014e-308\n");
  char *text, *again;

  (void) data;
  g_assert_cmpuint (ntkmc_table_peek_mask (t)[1], ==, 0);
  g_assert_true (signbit (ntkmc_table_peek_values (t)[6]));
  text = round_trip (f, t);
  /* The layout is reproduced: corner, quoted names, row names, commas. */
  g_assert_true (g_str_has_prefix (text, "\"gene, id\",\"a,b\",\"q\"\"\",pad\n"
                                         "r1,0.1,"));
  g_assert_nonnull (strstr (text, "\nr 2,NA,"));
  g_assert_nonnull (strstr (text, "\nNA,-123.456,0.125,"));
  ntkmc_table_free (t);

  /* Writing what was read back gives the same text again. */
  t = read_ok (f, "u.csv", text);
  again = round_trip (f, t);
  g_assert_cmpstr (again, ==, text);
  ntkmc_table_free (t);
  g_free (text);
  g_free (again);
}

static void
test_round_trip_layouts (Fixture *f, gconstpointer data)
{
  static const char *const inputs[] = {
    "1\t2\n3\t4\n",                         /* plain TSV */
    "a\tb\n1\t2\n",                         /* header */
    "\ta\tb\nr1\t1\t2\n",                   /* empty corner */
    "r1,1,2\nr2,NaN,4\n",                   /* row names, CSV */
    "\"a\"\t\"b\"\n\"1\"\t1\t2\n",          /* R layout */
    "id,10,20\n1,5,7\n",                    /* numeric column names */
  };
  size_t i;

  (void) data;
  for (i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      NtkmcTable *t = read_ok (f, "t.txt", inputs[i]);
      g_free (round_trip (f, t));
      ntkmc_table_free (t);
    }
}

static void
test_write_plain (Fixture *f, gconstpointer data)
{
  /* 2 x 3 in a 4-row buffer; like = NULL writes plain TSV. */
  const double v[] = { 1, 2, -7, -7, 0.5, NAN, -7, -7, -0.0, 1e22, -7, -7 };
  char *path = g_build_filename (f->dir, "out.tsv", NULL);
  GError *error = NULL;
  char *text;
  GDir *dir;
  const char *name;

  (void) data;
  g_free (put (f, "out.tsv", "old contents\n", -1));
  g_assert_true (ntkmc_table_write (path, NULL, 2, 3, v, 4, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "1\t0.5\t-0\n2\tNA\t1e+22\n");
  g_free (text);

  /* The temporary file is gone. */
  dir = g_dir_open (f->dir, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    g_assert_cmpstr (name, ==, "out.tsv");
  g_dir_close (dir);

  /* Not a regular file: written directly. */
  g_assert_true (ntkmc_table_write ("/dev/null", NULL, 2, 3, v, 4, &error));
  g_assert_no_error (error);
  g_free (path);
}

/* Points file descriptor @fd at @path (opened with @flags); returns a
 * duplicate of the old descriptor, for restore_fd(). */
static int
redirect_fd (int fd, const char *path, int flags)
{
  int saved = dup (fd), file = g_open (path, flags, 0666);

  g_assert_cmpint (saved, >=, 0);
  g_assert_cmpint (file, >=, 0);
  g_assert_cmpint (dup2 (file, fd), ==, fd);
  close (file);
  return saved;
}

static void
restore_fd (int fd, int saved)
{
  g_assert_cmpint (dup2 (saved, fd), ==, fd);
  close (saved);
}

static void
test_stdio (Fixture *f, gconstpointer data)
{
  static const double v[] = { 1, 2, 3, 4 };
  char *in = put (f, "in.csv", "a,b\n1,2\n3,4\n", -1);
  char *out = g_build_filename (f->dir, "out.csv", NULL);
  GError *error = NULL;
  NtkmcTable *t;
  char *text;
  int saved;

  (void) data;
  saved = redirect_fd (STDIN_FILENO, in, O_RDONLY);
  clearerr (stdin);
  t = ntkmc_table_read ("-", &error);
  restore_fd (STDIN_FILENO, saved);
  clearerr (stdin);
  g_assert_no_error (error);
  g_assert_cmpuint (ntkmc_table_get_n_rows (t), ==, 2);

  fflush (stdout);
  saved = redirect_fd (STDOUT_FILENO, out, O_WRONLY | O_CREAT | O_TRUNC);
  ntkmc_table_write ("-", t, 2, 2, v, 2, &error);
  fflush (stdout);
  restore_fd (STDOUT_FILENO, saved);
  g_assert_no_error (error);
  g_file_get_contents (out, &text, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (text, ==, "a,b\n1,3\n2,4\n");

  ntkmc_table_free (t);
  g_free (text);
  g_free (in);
  g_free (out);
}

static void
test_errors_content (Fixture *f, gconstpointer data)
{
  char *big;

  (void) data;
  read_fails (f, "ragged.tsv", "a\tb\tc\n1\t2\t3\n4\t5\n", -1,
              NTKMC_ERROR_INVALID, "ragged.tsv: line 3 has 2 cells, "
              "expected 3 (as in line 1)", NULL);
  read_fails (f, "long.tsv", "1\t2\n3\t4\t5\t6\n", -1,
              NTKMC_ERROR_INVALID, "line 2 has 4 cells, expected 2", NULL);
  read_fails (f, "matrix.tsv", "g\ta\tb\nr1\t1\t2\nr2\t3\t4\nr3\t5\tabc\n",
              -1, NTKMC_ERROR_INVALID,
              "matrix.tsv: line 4, column 3: 'abc' is not a number", NULL);
  read_fails (f, "comma.tsv", "a\tb\n1\t2,5\n", -1, NTKMC_ERROR_INVALID,
              "line 2, column 2: '2,5' is not a number", NULL);
  read_fails (f, "na.csv", "a,b\n1,N/A\n", -1, NTKMC_ERROR_INVALID,
              "line 2, column 2: 'N/A' is not a number", NULL);
  read_fails (f, "inf.csv", "a,b\n1,2\n-inf,4\n", -1, NTKMC_ERROR_INVALID,
              "line 3, column 1: '-inf' is a non-finite value", NULL);
  read_fails (f, "huge.csv", "1,1e999\n", -1, NTKMC_ERROR_INVALID,
              "'1e999' is a non-finite value", NULL);
  read_fails (f, "empty.csv", "", 0, NTKMC_ERROR_INVALID, "empty file",
              NULL);
  read_fails (f, "blank.csv", "\xEF\xBB\xBF\r\n \n\n", -1,
              NTKMC_ERROR_INVALID, "empty file", NULL);
  read_fails (f, "header.csv", "gene,a,b\n\n", -1, NTKMC_ERROR_INVALID,
              "header.csv: no data rows", NULL);
  read_fails (f, "labels.txt", "r1;1;2\nr2;3;4\n", -1, NTKMC_ERROR_INVALID,
              "no data columns", NULL);
  read_fails (f, "quote.csv", "a,b\n\"r1,1,2\n", -1, NTKMC_ERROR_INVALID,
              "line 2, column 1: quoted field has no closing quote", NULL);
  read_fails (f, "after.csv", "\"a\"x,b\n1,2\n", -1, NTKMC_ERROR_INVALID,
              "line 1, column 1: unexpected text after the closing quote",
              NULL);
  read_fails (f, "nul.tsv", "1\t2\n3\t\0\n", 8, NTKMC_ERROR_INVALID,
              "line 2: NUL byte", NULL);

  /* Long offending text is cut short in the message. */
  big = g_strnfill (1000, 'x');
  {
    char *text = g_strconcat ("a,b\n1,", big, "\n", NULL);
    read_fails (f, "long.csv", text, -1, NTKMC_ERROR_INVALID,
                "'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx...' is not a "
                "number", NULL);
    g_free (text);
  }
  g_free (big);

  /* ... on a UTF-8 character boundary. */
  {
    char *xs = g_strnfill (39, 'x');
    char *text = g_strconcat ("a,b\n1,", xs, "\xC3\xA9tc\n", NULL);
    char *want = g_strconcat ("'", xs, "...' is not a number", NULL);
    read_fails (f, "utf8.csv", text, -1, NTKMC_ERROR_INVALID, want, NULL);
    g_free (xs);
    g_free (text);
    g_free (want);
  }
}

static void
test_errors_io (Fixture *f, gconstpointer data)
{
  char *missing = g_build_filename (f->dir, "no-such.tsv", NULL);
  char *nodir = g_build_filename (f->dir, "no-such-dir", "out.tsv", NULL);
  const double v[] = { 1 };
  GError *error = NULL;

  (void) data;
  g_assert_null (ntkmc_table_read (missing, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "no-such.tsv"));
  g_clear_error (&error);

  g_assert_null (ntkmc_table_read (f->dir, &error));   /* a directory */
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_IO);
  g_clear_error (&error);

  g_assert_false (ntkmc_table_write (nodir, NULL, 1, 1, v, 1, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "out.tsv"));
  g_clear_error (&error);
  g_assert_false (g_file_test (nodir, G_FILE_TEST_EXISTS));

  g_free (missing);
  g_free (nodir);
}

static void
test_write_bad_shape (Fixture *f, gconstpointer data)
{
  const double v[] = { 1, 2, 3, 4, 5, 6 };
  char *path = g_build_filename (f->dir, "out.tsv", NULL);
  NtkmcTable *t = read_ok (f, "t.tsv", "a\tb\n1\t2\n");

  (void) data;
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                         "*assertion*failed*");
  g_assert_false (ntkmc_table_write (path, t, 3, 2, v, 3, NULL));
  g_test_assert_expected_messages ();
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL,
                         "*assertion*failed*");
  g_assert_false (ntkmc_table_write (path, NULL, 3, 2, v, 2, NULL));
  g_test_assert_expected_messages ();
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  ntkmc_table_free (t);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/table/" path, Fixture, NULL, fixture_setup, func, \
              fixture_teardown)
  ADD ("read/tsv-header-row-names", test_tsv_header_row_names);
  ADD ("read/tsv-plain", test_tsv_plain);
  ADD ("read/csv-header", test_csv_header);
  ADD ("read/csv-row-names", test_csv_row_names);
  ADD ("read/numeric-column-names", test_numeric_column_names);
  ADD ("read/no-comments", test_no_comments);
  ADD ("read/single-column", test_single_column);
  ADD ("read/missing", test_missing);
  ADD ("read/crlf-bom", test_crlf_bom);
  ADD ("read/quoted", test_quoted);
  ADD ("read/r-layout", test_r_layout);
  ADD ("write/round-trip-values", test_round_trip_values);
  ADD ("write/round-trip-layouts", test_round_trip_layouts);
  ADD ("write/plain", test_write_plain);
  ADD ("stdio", test_stdio);
  ADD ("errors/content", test_errors_content);
  ADD ("errors/io", test_errors_io);
  ADD ("errors/write-bad-shape", test_write_bad_shape);
#undef ADD

  return g_test_run ();
}
