/* SPDX-License-Identifier: MIT */
/*
 * test-gct.c: CMap GCT / GCTX reading and writing: the real fixtures of
 * $NTKMC_CMAP_DATA (GCT text, gzip, GCTX float32 space-padded and float64
 * NUL-terminated), subsets by id, the CMap quirks (-666, Latin-1 bytes,
 * misnamed files, CRLF), bit-exact round trips, and broken files.  Tests
 * on the fixtures are skipped when the folder is absent.
 */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gstdio.h>
#include <ntkmc/ntkmc.h>

#include "test-util.h"

typedef TestDir Fixture;

/* The path of fixture @file, or NULL (test skipped) when absent. */
static char *
fixture (const char *file)
{
  const char *dir = g_getenv ("NTKMC_CMAP_DATA");
  char *path;

  if (dir == NULL)
    {
      g_test_skip ("NTKMC_CMAP_DATA is not set");
      return NULL;
    }
  path = g_build_filename (dir, file, NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("CMap fixtures not found");
      g_free (path);
      return NULL;
    }
  return path;
}

static NtkmcGct *
read_ok (const char *path, const NtkmcGctReadOptions *opt)
{
  GError *error = NULL;
  NtkmcGct *g = ntkmc_gct_read (path, opt, &error);

  g_assert_no_error (error);
  g_assert_nonnull (g);
  return g;
}

/* Index of field @name among the row (@rows) or column fields, or -1. */
static long
meta_index (const NtkmcGct *g, gboolean rows, const char *name)
{
  size_t n = rows ? ntkmc_gct_get_n_row_meta (g) : ntkmc_gct_get_n_col_meta (g);
  size_t i;

  for (i = 0; i < n; i++)
    if (strcmp (rows ? ntkmc_gct_get_row_meta_name (g, i)
                     : ntkmc_gct_get_col_meta_name (g, i), name) == 0)
      return (long) i;
  return -1;
}

static long
id_index (const char *const *ids, const char *id)
{
  long i;

  for (i = 0; ids[i] != NULL; i++)
    if (strcmp (ids[i], id) == 0)
      return i;
  return -1;
}

static gboolean
want_gctx (void)
{
  if (!ntkmc_gct_have_gctx ())
    {
      g_test_skip ("built without HDF5");
      return FALSE;
    }
  return TRUE;
}

/* Values of @a and @b agree for every (row id, column id) of @a, within
 * @tol relative to max(1, |b|); NaN matches NaN only. */
static void
assert_same_cells (const NtkmcGct *a, const NtkmcGct *b, double tol)
{
  size_t ra = ntkmc_gct_get_n_rows (a), ca = ntkmc_gct_get_n_cols (a);
  size_t rb = ntkmc_gct_get_n_rows (b);
  const char *const *rid = ntkmc_gct_peek_row_ids (a);
  const char *const *cid = ntkmc_gct_peek_col_ids (a);
  const double *va = ntkmc_gct_peek_values (a), *vb = ntkmc_gct_peek_values (b);
  size_t i, j;

  for (j = 0; j < ca; j++)
    {
      long jb = id_index (ntkmc_gct_peek_col_ids (b), cid[j]);

      g_assert_cmpint (jb, >=, 0);
      for (i = 0; i < ra; i++)
        {
          long ib = id_index (ntkmc_gct_peek_row_ids (b), rid[i]);
          double x = va[i + j * ra], y = vb[(size_t) ib + (size_t) jb * rb];

          g_assert_cmpint (ib, >=, 0);
          if (isnan (y))
            g_assert_true (isnan (x));
          else if (tol == 0)
            g_assert_true (memcmp (&x, &y, sizeof x) == 0);
          else
            g_assert_cmpfloat (fabs (x - y), <=, tol * MAX (1.0, fabs (y)));
        }
    }
}

/* n272: the gzipped GCT text and the float32 GCTX hold the same matrix
 * (the text has 4 decimals). */
static void
test_n272_text_vs_gctx (void)
{
  char *pt = fixture ("cmapR_modzs_n272x978.gct.gz");
  char *px = fixture ("cmapR_modzs_n272x978.gctx");
  NtkmcGct *t, *x;
  size_t k;

  if (pt == NULL || px == NULL || !want_gctx ())
    goto out;
  t = read_ok (pt, NULL);
  x = read_ok (px, NULL);
  g_assert_cmpint (ntkmc_gct_get_format (t), ==, NTKMC_GCT_FORMAT_GCT13);
  g_assert_cmpint (ntkmc_gct_get_format (x), ==, NTKMC_GCT_FORMAT_GCTX);
  g_assert_cmpuint (ntkmc_gct_get_n_rows (t), ==, 978);
  g_assert_cmpuint (ntkmc_gct_get_n_cols (t), ==, 272);
  g_assert_cmpuint (ntkmc_gct_get_n_rows (x), ==, 978);
  g_assert_cmpuint (ntkmc_gct_get_n_cols (x), ==, 272);
  /* same ids in the same order */
  for (k = 0; k < 978; k++)
    g_assert_cmpstr (ntkmc_gct_peek_row_ids (t)[k], ==,
                     ntkmc_gct_peek_row_ids (x)[k]);
  for (k = 0; k < 272; k++)
    g_assert_cmpstr (ntkmc_gct_peek_col_ids (t)[k], ==,
                     ntkmc_gct_peek_col_ids (x)[k]);
  g_assert_cmpstr (ntkmc_gct_peek_row_ids (x)[0], ==, "200814_at");
  g_assert_cmpstr (ntkmc_gct_peek_col_ids (x)[0], ==,
                   "CPC006_A549_6H:BRD-U88459701-000-01-8:10");
  assert_same_cells (t, x, 5.1e-5);
  ntkmc_gct_free (t);
  ntkmc_gct_free (x);
out:
  g_free (pt);
  g_free (px);
}

/* n25x50: float64 GCTX with NUL-terminated strings vs its (2-decimal) GCT
 * text, and an exact subset of n272. */
static void
test_n25_vs_n272 (void)
{
  char *p25 = fixture ("cmapR_modzs_n25x50.gctx");
  char *p25t = fixture ("cmapR_modzs_n25x50.gct");
  char *p272 = fixture ("cmapR_modzs_n272x978.gctx");
  NtkmcGct *a, *t, *big;

  if (p25 == NULL || p25t == NULL || p272 == NULL || !want_gctx ())
    goto out;
  a = read_ok (p25, NULL);
  t = read_ok (p25t, NULL);
  big = read_ok (p272, NULL);
  g_assert_cmpuint (ntkmc_gct_get_n_rows (a), ==, 50);
  g_assert_cmpuint (ntkmc_gct_get_n_cols (a), ==, 25);
  g_assert_cmpuint (ntkmc_gct_get_n_rows (t), ==, 50);
  g_assert_cmpuint (ntkmc_gct_get_n_cols (t), ==, 25);
  g_assert_cmpuint (ntkmc_gct_get_n_col_meta (a), ==, 15);
  assert_same_cells (t, a, 5.1e-3);
  assert_same_cells (a, big, 1e-5);
  ntkmc_gct_free (a);
  ntkmc_gct_free (t);
  ntkmc_gct_free (big);
out:
  g_free (p25);
  g_free (p25t);
  g_free (p272);
}

/* Metadata: names, numeric fields, Latin-1 bytes kept. */
static void
test_metadata (void)
{
  char *px = fixture ("cmapR_modzs_n272x978.gctx");
  NtkmcGct *x;
  long f, j;
  const char *const *v;
  gboolean micro = FALSE;
  size_t i;

  if (px == NULL || !want_gctx ())
    goto out;
  x = read_ok (px, NULL);
  g_assert_cmpuint (ntkmc_gct_get_n_row_meta (x), ==, 5);
  g_assert_cmpuint (ntkmc_gct_get_n_col_meta (x), ==, 15);
  f = meta_index (x, FALSE, "cell_id");
  g_assert_cmpint (f, >=, 0);
  g_assert_false (ntkmc_gct_col_meta_is_numeric (x, (size_t) f));
  g_assert_cmpstr (ntkmc_gct_peek_col_meta (x, (size_t) f)[0], ==, "A549");
  f = meta_index (x, TRUE, "pr_gene_symbol");
  g_assert_cmpint (f, >=, 0);
  g_assert_cmpstr (ntkmc_gct_peek_row_meta (x, (size_t) f)[0], ==, "PSME1");
  f = meta_index (x, FALSE, "distil_cc_q75");
  g_assert_cmpint (f, >=, 0);
  g_assert_true (ntkmc_gct_col_meta_is_numeric (x, (size_t) f));
  f = meta_index (x, FALSE, "pert_idose");
  g_assert_cmpint (f, >=, 0);
  v = ntkmc_gct_peek_col_meta (x, (size_t) f);
  for (i = 0; i < 272; i++)
    if (v[i] != NULL && strcmp (v[i], "10 \xb5M") == 0)
      micro = TRUE;
  g_assert_true (micro);
  j = id_index (ntkmc_gct_peek_col_ids (x),
                "CPC006_A549_6H:BRD-U88459701-000-01-8:10");
  g_assert_cmpint (j, ==, 0);
  ntkmc_gct_free (x);
out:
  g_free (px);
}

/* cmapPy's plate: -666 is missing in pert_dose of the DMSO wells. */
static void
test_plate_missing (void)
{
  char *p = fixture ("cmapPy_test_l1000_LJP005_A375_24H_n377x978.gct.gz");
  NtkmcGct *g;
  long fd, ft;
  size_t i, n_missing = 0, n_dmso = 0;

  if (p == NULL)
    return;
  g = read_ok (p, NULL);
  g_assert_cmpuint (ntkmc_gct_get_n_rows (g), ==, 978);
  g_assert_cmpuint (ntkmc_gct_get_n_cols (g), ==, 377);
  g_assert_cmpuint (ntkmc_gct_get_n_row_meta (g), ==, 11);
  g_assert_cmpuint (ntkmc_gct_get_n_col_meta (g), ==, 35);
  fd = meta_index (g, FALSE, "pert_dose");
  ft = meta_index (g, FALSE, "pert_type");
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (ft, >=, 0);
  g_assert_true (ntkmc_gct_col_meta_is_numeric (g, (size_t) fd));
  for (i = 0; i < 377; i++)
    {
      const char *type = ntkmc_gct_peek_col_meta (g, (size_t) ft)[i];

      if (ntkmc_gct_peek_col_meta (g, (size_t) fd)[i] == NULL)
        n_missing++;
      if (type != NULL && strcmp (type, "ctl_vehicle") == 0)
        {
          n_dmso++;
          g_assert_null (ntkmc_gct_peek_col_meta (g, (size_t) fd)[i]);
        }
    }
  g_assert_cmpuint (n_dmso, ==, 26);
  g_assert_cmpuint (n_missing, >=, n_dmso);
  ntkmc_gct_free (g);
  g_free (p);
}

/* Subsets by id keep the requested order, in text and GCTX alike. */
static void
check_subset (const char *file)
{
  char *p = fixture (file);
  NtkmcGct *all, *sub;
  NtkmcGctReadOptions opt;
  const char *rows[3], *cols[2];
  GError *error = NULL;
  const char *bad[1] = { "no_such_signature" };

  if (p == NULL || (g_str_has_suffix (file, "x") && !want_gctx ()))
    goto out;
  all = read_ok (p, NULL);
  rows[0] = ntkmc_gct_peek_row_ids (all)[977];
  rows[1] = ntkmc_gct_peek_row_ids (all)[3];
  rows[2] = ntkmc_gct_peek_row_ids (all)[500];
  cols[0] = ntkmc_gct_peek_col_ids (all)[200];
  cols[1] = ntkmc_gct_peek_col_ids (all)[7];
  ntkmc_gct_read_options_init (&opt);
  opt.row_ids = rows;
  opt.n_row_ids = 3;
  opt.col_ids = cols;
  opt.n_col_ids = 2;
  sub = read_ok (p, &opt);
  g_assert_cmpuint (ntkmc_gct_get_n_rows (sub), ==, 3);
  g_assert_cmpuint (ntkmc_gct_get_n_cols (sub), ==, 2);
  g_assert_cmpstr (ntkmc_gct_peek_row_ids (sub)[0], ==, rows[0]);
  g_assert_cmpstr (ntkmc_gct_peek_col_ids (sub)[0], ==, cols[0]);
  g_assert_cmpfloat (ntkmc_gct_peek_values (sub)[0], ==,
                     ntkmc_gct_peek_values (all)[977 + 200 * 978]);
  g_assert_cmpfloat (ntkmc_gct_peek_values (sub)[1 + 3], ==,
                     ntkmc_gct_peek_values (all)[3 + 7 * 978]);
  assert_same_cells (sub, all, 0);
  ntkmc_gct_free (sub);
  /* an unknown id is an error naming it */
  opt.col_ids = bad;
  opt.n_col_ids = 1;
  g_assert_null (ntkmc_gct_read (p, &opt, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "no_such_signature"));
  g_clear_error (&error);
  /* rows only, with meta_only */
  opt.col_ids = NULL;
  opt.n_col_ids = 0;
  opt.meta_only = TRUE;
  sub = read_ok (p, &opt);
  g_assert_null (ntkmc_gct_peek_values (sub));
  g_assert_cmpuint (ntkmc_gct_get_n_cols (sub), ==, 272);
  ntkmc_gct_free (sub);
  ntkmc_gct_free (all);
out:
  g_free (p);
}

static void
test_subset_text (void)
{
  check_subset ("cmapR_modzs_n272x978.gct.gz");
}

static void
test_subset_gctx (void)
{
  check_subset ("cmapR_modzs_n272x978.gctx");
}

static char *
put (Fixture *f, const char *name, const char *text, gssize len)
{
  char *path = g_build_filename (f->dir, name, NULL);
  GError *error = NULL;

  g_file_set_contents (path, text, len, &error);
  g_assert_no_error (error);
  return path;
}

/* A GCT text named .gctx, with CRLF line ends, GCT 1.2 as well. */
static void
test_sniff_text (Fixture *f, gconstpointer data)
{
  char *p = put (f, "misnamed.gctx",
                 "#1.3\r\n2\t2\t1\t1\r\nid\tsym\tS1\tS2\r\n"
                 "dose\tna\t-666\t10 \xb5M\r\ng1\tA\t1.5\tNA\r\n"
                 "g2\t-666\t-2\t#N/A\r\n", -1);
  char *p12 = put (f, "old.gct", "#1.2\n2\t1\nName\tDescription\tS\n"
                   "a\tdesc a\t1\nb\t\t2e-3\n", -1);
  NtkmcGct *g = read_ok (p, NULL);
  const double *v = ntkmc_gct_peek_values (g);

  (void) data;
  g_assert_cmpint (ntkmc_gct_get_format (g), ==, NTKMC_GCT_FORMAT_GCT13);
  g_assert_cmpfloat (v[0], ==, 1.5);
  g_assert_cmpfloat (v[1], ==, -2);
  g_assert_true (isnan (v[2]) && isnan (v[3]));
  g_assert_null (ntkmc_gct_peek_col_meta (g, 0)[0]);
  g_assert_cmpstr (ntkmc_gct_peek_col_meta (g, 0)[1], ==, "10 \xb5M");
  g_assert_null (ntkmc_gct_peek_row_meta (g, 0)[1]);
  ntkmc_gct_free (g);
  g = read_ok (p12, NULL);
  g_assert_cmpint (ntkmc_gct_get_format (g), ==, NTKMC_GCT_FORMAT_GCT12);
  g_assert_cmpstr (ntkmc_gct_get_row_meta_name (g, 0), ==, "Description");
  g_assert_cmpstr (ntkmc_gct_peek_row_meta (g, 0)[0], ==, "desc a");
  g_assert_null (ntkmc_gct_peek_row_meta (g, 0)[1]);
  g_assert_cmpfloat (ntkmc_gct_peek_values (g)[1], ==, 2e-3);
  ntkmc_gct_free (g);
  g_free (p);
  g_free (p12);
}

/* A matrix with awkward values, NaN and Latin-1 metadata. */
static NtkmcGct *
make_matrix (void)
{
  const char *rows[3] = { "g1", "g:2|x", "g3" };
  const char *cols[2] = { "SIG_A:BRD-1:10", "SIG_B" };
  const double vals[6] = { 0.1, -1.0 / 3.0, NAN, 1e-300, 5e-324,
                           -0.0 };
  const char *sym[3] = { "A", NULL, "\xb5g" };
  const char *dose[2] = { "10", NULL };
  GError *error = NULL;
  NtkmcGct *g = ntkmc_gct_new (3, 2, vals, rows, cols, &error);

  g_assert_no_error (error);
  g_assert_true (ntkmc_gct_add_row_meta (g, "symbol", sym, &error));
  g_assert_true (ntkmc_gct_add_col_meta (g, "pert_dose", dose, &error));
  g_assert_no_error (error);
  g_assert_false (ntkmc_gct_row_meta_is_numeric (g, 0));
  g_assert_true (ntkmc_gct_col_meta_is_numeric (g, 0));
  g_assert_false (ntkmc_gct_add_col_meta (g, "pert_dose", dose, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  return g;
}

static void
check_round_trip (Fixture *f, const char *name, NtkmcGctFormat want)
{
  NtkmcGct *g = make_matrix (), *back;
  char *p = g_build_filename (f->dir, name, NULL);
  GError *error = NULL;
  size_t i;

  g_assert_true (ntkmc_gct_write (g, p, NTKMC_GCT_FORMAT_AUTO, &error));
  g_assert_no_error (error);
  back = read_ok (p, NULL);
  g_assert_cmpint (ntkmc_gct_get_format (back), ==, want);
  assert_same_cells (back, g, 0);
  assert_same_cells (g, back, 0);
  for (i = 0; i < 3; i++)
    g_assert_cmpstr (ntkmc_gct_peek_row_meta (back, 0)[i], ==,
                     ntkmc_gct_peek_row_meta (g, 0)[i]);
  g_assert_cmpstr (ntkmc_gct_peek_col_meta (back, 0)[0], ==, "10");
  g_assert_null (ntkmc_gct_peek_col_meta (back, 0)[1]);
  g_assert_true (ntkmc_gct_col_meta_is_numeric (back, 0));
  ntkmc_gct_free (back);
  ntkmc_gct_free (g);
  g_free (p);
}

static void
test_round_trip_gct (Fixture *f, gconstpointer data)
{
  (void) data;
  check_round_trip (f, "m.gct", NTKMC_GCT_FORMAT_GCT13);
}

static void
test_round_trip_gctx (Fixture *f, gconstpointer data)
{
  (void) data;
  if (!want_gctx ())
    return;
  check_round_trip (f, "m.gctx", NTKMC_GCT_FORMAT_GCTX);
}

/* Fails with @code and a message holding @want. */
static void
read_fails (const char *path, int code, const char *want)
{
  GError *error = NULL;

  g_assert_null (ntkmc_gct_read (path, NULL, &error));
  g_assert_error (error, NTKMC_ERROR, code);
  if (strstr (error->message, want) == NULL)
    g_error ("message \"%s\" lacks \"%s\"", error->message, want);
  g_error_free (error);
}

static void
text_fails (Fixture *f, const char *text, gssize len, int code,
            const char *want)
{
  char *p = put (f, "bad.gct", text, len);

  read_fails (p, code, want);
  g_free (p);
}

static void
test_broken_text (Fixture *f, gconstpointer data)
{
  static const char with_nul[] =
    "#1.2\n1\t1\nName\tDescription\tA\na\t\t1\0\n";
  char *missing = g_build_filename (f->dir, "none.gct", NULL);

  (void) data;
  text_fails (f, "", 0, NTKMC_ERROR_FORMAT, "empty");
  text_fails (f, "hello\n", -1, NTKMC_ERROR_FORMAT, "line 1");
  text_fails (f, "#1.2\n2\n", -1, NTKMC_ERROR_FORMAT, "line 2");
  text_fails (f, "#1.2\n1\t2\nName\tDescription\tA\n", -1,
              NTKMC_ERROR_FORMAT, "line 3: 3 cells, expected 4");
  text_fails (f, "#1.2\n2\t1\nName\tDescription\tA\na\t\t1\n", -1,
              NTKMC_ERROR_FORMAT, "truncated");
  text_fails (f, "#1.2\n1\t1\nName\tDescription\tA\na\t\t1\nb\t\t2\n", -1,
              NTKMC_ERROR_FORMAT, "more data lines");
  text_fails (f, "#1.2\n1\t2\nName\tDescription\tA\tB\na\t\t1\n", -1,
              NTKMC_ERROR_FORMAT, "line 4: 3 cells, expected 4");
  text_fails (f, "#1.2\n1\t1\nName\tDescription\tA\na\t\tabc\n", -1,
              NTKMC_ERROR_FORMAT, "'abc' is not a number");
  text_fails (f, "#1.2\n1\t2\nName\tDescription\tA\tA\na\t\t1\t2\n", -1,
              NTKMC_ERROR_FORMAT, "duplicate column id 'A'");
  text_fails (f, "#1.2\n2\t1\nName\tDescription\tA\na\t\t1\na\t\t2\n", -1,
              NTKMC_ERROR_FORMAT, "duplicate row id 'a'");
  text_fails (f, with_nul, (gssize) sizeof with_nul - 1, NTKMC_ERROR_FORMAT,
              "binary");
  text_fails (f, "\x1f\x8b\x08\x00garbage", 12, NTKMC_ERROR_FORMAT,
              "bad.gct");
  read_fails (missing, NTKMC_ERROR_IO, "none.gct");
  g_free (missing);
}

/* HDF5 trouble: truncated, not GCTX, garbage after the signature. */
static void
test_broken_gctx (Fixture *f, gconstpointer data)
{
  char *src = fixture ("cmapR_modzs_n25x50.gctx");
  char *contents = NULL, *p;
  gsize len = 0;
  GError *error = NULL;

  (void) data;
  if (!ntkmc_gct_have_gctx ())
    {
      /* an HDF5 signature: the error says what the build lacks */
      p = put (f, "sig.gctx", "\x89HDF\r\n\x1a\nrest", -1);
      read_fails (p, NTKMC_ERROR_FORMAT, "no HDF5 support");
      g_free (p);
    }
  if (src == NULL || !want_gctx ())
    goto out;
  g_assert_true (g_file_get_contents (src, &contents, &len, &error));
  p = put (f, "trunc.gctx", contents, (gssize) len / 2);
  read_fails (p, NTKMC_ERROR_FORMAT, "trunc.gctx");
  g_free (p);
  p = put (f, "sig.gctx", "\x89HDF\r\n\x1a\nnot really hdf5 at all......",
           -1);
  read_fails (p, NTKMC_ERROR_FORMAT, "sig.gctx");
  g_free (p);
  g_free (contents);
out:
  g_free (src);
}

#ifdef HAVE_HDF5
#include <hdf5.h>

/* Creates dataset @prefix@path of @type over @rank x @dims and writes
 * @buf (in memory type @mtype) into it. */
static void
hand_dataset (hid_t f, const char *prefix, const char *path, hid_t type,
              hid_t mtype, int rank, const hsize_t *dims, const void *buf)
{
  hid_t lcpl = H5Pcreate (H5P_LINK_CREATE);
  hid_t space = H5Screate_simple (rank, dims, NULL);
  char *name = g_strconcat (prefix, path, NULL);
  hid_t ds;

  H5Pset_create_intermediate_group (lcpl, 1);
  ds = H5Dcreate2 (f, name, type, space, lcpl, H5P_DEFAULT, H5P_DEFAULT);
  g_assert_cmpint (ds, >=, 0);
  g_assert_cmpint (H5Dwrite (ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf),
                   >=, 0);
  H5Dclose (ds);
  H5Sclose (space);
  H5Pclose (lcpl);
  g_free (name);
}

/* Writes a small GCTX by hand: 3 rows x 2 columns, float32 values
 * v(i, j) = 10 j + i, under @prefix ("/0" or ""), row ids as
 * variable-length strings, column ids SPACEPAD fixed-length; @n_col_ids
 * column ids (2 = consistent). */
static void
write_hand_gctx (const char *path, const char *prefix, hsize_t n_col_ids)
{
  hid_t f = H5Fcreate (path, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  hsize_t mdims[2] = { 2, 3 }, rdims[1] = { 3 };
  float vals[6] = { 0, 1, 2, 10, 11, 12 };
  const char *rids[3] = { "r1", "r2", "r3" };
  const char cids[3 * 4] = { 'c', '1', ' ', ' ', 'c', '2', ' ', ' ',
                             'c', '3', ' ', ' ' };
  hid_t vstr = H5Tcopy (H5T_C_S1), fstr = H5Tcopy (H5T_C_S1);

  H5Tset_size (vstr, H5T_VARIABLE);
  H5Tset_size (fstr, 4);
  H5Tset_strpad (fstr, H5T_STR_SPACEPAD);
  hand_dataset (f, prefix, "/DATA/0/matrix", H5T_IEEE_F32LE,
                H5T_NATIVE_FLOAT, 2, mdims, vals);
  hand_dataset (f, prefix, "/META/ROW/id", vstr, vstr, 1, rdims, rids);
  hand_dataset (f, prefix, "/META/COL/id", fstr, fstr, 1, &n_col_ids, cids);
  H5Tclose (vstr);
  H5Tclose (fstr);
  H5Fclose (f);
}

/* Layouts met outside CMap's own files: no /0 prefix, float32,
 * variable-length and space-padded ids; and ids that disagree with the
 * matrix's shape. */
static void
test_hand_gctx (Fixture *f, gconstpointer data)
{
  char *p = g_build_filename (f->dir, "hand.gctx", NULL);
  const char *prefixes[2] = { "/0", "" };
  const char *cols[1] = { "c2" };
  NtkmcGctReadOptions opt;
  NtkmcGct *g;
  unsigned k;

  (void) data;
  for (k = 0; k < 2; k++)
    {
      write_hand_gctx (p, prefixes[k], 2);
      g = read_ok (p, NULL);
      g_assert_cmpuint (ntkmc_gct_get_n_rows (g), ==, 3);
      g_assert_cmpuint (ntkmc_gct_get_n_cols (g), ==, 2);
      g_assert_cmpstr (ntkmc_gct_peek_row_ids (g)[2], ==, "r3");
      g_assert_cmpstr (ntkmc_gct_peek_col_ids (g)[1], ==, "c2");
      g_assert_cmpfloat (ntkmc_gct_peek_values (g)[1 + 1 * 3], ==, 11);
      ntkmc_gct_free (g);
      ntkmc_gct_read_options_init (&opt);
      opt.col_ids = cols;
      opt.n_col_ids = 1;
      g = read_ok (p, &opt);
      g_assert_cmpfloat (ntkmc_gct_peek_values (g)[2], ==, 12);
      ntkmc_gct_free (g);
    }
  write_hand_gctx (p, "/0", 3);
  read_fails (p, NTKMC_ERROR_FORMAT, "not a 1-D dataset of length 2");
  g_unlink (p);
  g_free (p);
}
#endif

/* Text that GCT cannot hold is refused before anything is written;
 * duplicate ids are refused by ntkmc_gct_new(). */
static void
test_write_errors (Fixture *f, gconstpointer data)
{
  const char *rows[2] = { "a", "b\tc" };
  const char *cols[1] = { "s" };
  GError *error = NULL;
  NtkmcGct *g;
  char *p = g_build_filename (f->dir, "tab.gct", NULL);
  const char *dup[2] = { "a", "a" };

  (void) data;
  g = ntkmc_gct_new (2, 1, NULL, rows, cols, &error);
  g_assert_no_error (error);
  g_assert_false (ntkmc_gct_write (g, p, NTKMC_GCT_FORMAT_GCT13, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (g_file_test (p, G_FILE_TEST_EXISTS));
  ntkmc_gct_free (g);
  g_assert_null (ntkmc_gct_new (2, 1, NULL, dup, cols, &error));
  g_assert_error (error, NTKMC_ERROR, NTKMC_ERROR_INVALID);
  g_clear_error (&error);
  g_free (p);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/gct/fixtures/n272-text-vs-gctx", test_n272_text_vs_gctx);
  g_test_add_func ("/gct/fixtures/n25-vs-n272", test_n25_vs_n272);
  g_test_add_func ("/gct/fixtures/metadata", test_metadata);
  g_test_add_func ("/gct/fixtures/plate-missing", test_plate_missing);
  g_test_add_func ("/gct/fixtures/subset-text", test_subset_text);
  g_test_add_func ("/gct/fixtures/subset-gctx", test_subset_gctx);
  g_test_add ("/gct/text/sniff-crlf-1.2", Fixture, NULL, test_dir_setup,
              test_sniff_text, test_dir_teardown);
  g_test_add ("/gct/write/round-trip-gct", Fixture, NULL, test_dir_setup,
              test_round_trip_gct, test_dir_teardown);
  g_test_add ("/gct/write/round-trip-gctx", Fixture, NULL, test_dir_setup,
              test_round_trip_gctx, test_dir_teardown);
  g_test_add ("/gct/errors/text", Fixture, NULL, test_dir_setup,
              test_broken_text, test_dir_teardown);
  g_test_add ("/gct/errors/gctx", Fixture, NULL, test_dir_setup,
              test_broken_gctx, test_dir_teardown);
  g_test_add ("/gct/errors/write", Fixture, NULL, test_dir_setup,
              test_write_errors, test_dir_teardown);
#ifdef HAVE_HDF5
  g_test_add ("/gct/errors/hand-gctx", Fixture, NULL, test_dir_setup,
              test_hand_gctx, test_dir_teardown);
#endif
  return g_test_run ();
}
