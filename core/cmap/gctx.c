/* SPDX-License-Identifier: MIT */
/*
 * gctx.c: GCTX, CMap's HDF5 container: /0/DATA/0/matrix with dataspace
 * (columns, rows), so that one signature (a column of the genes x samples
 * matrix) is contiguous, which is the column-major layout of NtkmcGct; ids
 * and metadata under /0/META/ROW and /0/META/COL, one 1-D dataset each.
 *
 * Reading maps the requested ids to file positions, sorts the requested
 * columns and reads them in batches of at most READ_BATCH bytes: one
 * hyperslab per run of consecutive columns, over the span of rows the
 * request covers (GCTX files are chunked over whole columns, so narrowing
 * the rows further would not read less from disk); the rows are then
 * picked out in the requested order.
 *
 * HDF5 prints its error stack on stderr by default: every entry point
 * turns that off for the duration of the call and moves the innermost
 * message of the stack into the GError instead.
 */
#include "config.h"

#include "cmap/gct-private.h"

#include <math.h>
#include <string.h>

#ifdef HAVE_HDF5

#include <hdf5.h>

/* Bytes of matrix read per H5Dread (a batch of columns). */
#define READ_BATCH ((size_t) 64 << 20)
/* Chunks the writer aims at, as CMap's own tools do. */
#define CHUNK_BYTES ((size_t) 1 << 20)

typedef struct
{
  H5E_auto2_t func;
  void *data;
} Quiet;

static void
quiet_begin (Quiet *q)
{
  H5Eget_auto2 (H5E_DEFAULT, &q->func, &q->data);
  H5Eset_auto2 (H5E_DEFAULT, NULL, NULL);
}

static void
quiet_end (const Quiet *q)
{
  H5Eclear2 (H5E_DEFAULT);
  H5Eset_auto2 (H5E_DEFAULT, q->func, q->data);
}

static herr_t
innermost (unsigned n, const H5E_error2_t *e, void *data)
{
  char **msg = data;

  if (n == 0 && *msg == NULL && e->desc != NULL)
    *msg = g_strdup (e->desc);
  return 0;
}

/* Sets @error to "NAME: WHAT (HDF5: innermost message)". */
static void
h5_error (GError **error, int code, const char *name, const char *what)
{
  char *msg = NULL;

  H5Ewalk2 (H5E_DEFAULT, H5E_WALK_UPWARD, innermost, &msg);
  H5Eclear2 (H5E_DEFAULT);
  if (msg != NULL)
    g_set_error (error, NTKMC_ERROR, code, "%s: %s (HDF5: %s)", name, what,
                 msg);
  else
    g_set_error (error, NTKMC_ERROR, code, "%s: %s", name, what);
  g_free (msg);
}

static void
close_id (hid_t *id, herr_t (*closer) (hid_t))
{
  if (*id >= 0)
    closer (*id);
  *id = -1;
}

/* TRUE when every link of @path (relative, '/'-separated) exists. */
static gboolean
path_exists (hid_t file, const char *path)
{
  char *walk = g_strdup (path);
  char *slash;
  gboolean ok = TRUE;

  for (slash = walk; ok; slash++)
    {
      slash = strchr (slash, '/');
      if (slash != NULL)
        *slash = '\0';
      ok = H5Lexists (file, walk, H5P_DEFAULT) > 0;
      if (slash == NULL)
        break;
      *slash = '/';
    }
  g_free (walk);
  return ok;
}

/* Trims trailing spaces and NULs (SPACEPAD and NULLPAD padding). */
static char *
dup_trimmed (const char *s, size_t len)
{
  const char *nul = memchr (s, '\0', len);

  if (nul != NULL)
    len = (size_t) (nul - s);
  while (len > 0 && s[len - 1] == ' ')
    len--;
  return g_strndup (s, len);
}

/* Shortest text that reads back as @v at the precision it was stored. */
static char *
number_text (double v, gboolean single)
{
  char buf[G_ASCII_DTOSTR_BUF_SIZE];
  int digits;

  if (!single)
    {
      ntkmc_gct_format_double (buf, v);
      return g_strdup (buf);
    }
  for (digits = 6; digits < 9; digits++)
    {
      char fmt[8];

      g_snprintf (fmt, sizeof fmt, "%%.%dg", digits);
      g_ascii_formatd (buf, sizeof buf, fmt, v);
      if ((float) g_ascii_strtod (buf, NULL) == (float) v)
        return g_strdup (buf);
    }
  g_ascii_formatd (buf, sizeof buf, "%.9g", v);
  return g_strdup (buf);
}

/* H5Dread of all of @ds as @mtype; FALSE with the dataset named. */
static gboolean
read_all (hid_t ds, hid_t mtype, void *buf, const char *name,
          const char *path, GError **error)
{
  char *what;

  if (H5Dread (ds, mtype, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0)
    return TRUE;
  what = g_strdup_printf ("cannot read dataset %s", path);
  h5_error (error, NTKMC_ERROR_FORMAT, name, what);
  g_free (what);
  return FALSE;
}

/* Reads the 1-D dataset @path (length @n) as text: @vals gets n entries,
 * NULL where missing when @meta (ids are never missing); @numeric says
 * whether it is stored as numbers. */
static gboolean
read_column (hid_t file, const char *name, const char *path, size_t n,
             gboolean meta, char ***vals_out, gboolean *numeric,
             GError **error)
{
  hid_t ds = -1, space = -1, ftype = -1, mtype = -1;
  H5T_class_t cls;
  hsize_t dims[1];
  char **vals = NULL;
  gboolean ok = FALSE;
  size_t i;
  char *what;

  ds = H5Dopen2 (file, path, H5P_DEFAULT);
  if (ds < 0)
    {
      what = g_strdup_printf ("cannot open dataset %s", path);
      h5_error (error, NTKMC_ERROR_FORMAT, name, what);
      g_free (what);
      goto out;
    }
  space = H5Dget_space (ds);
  ftype = H5Dget_type (ds);
  if (space < 0 || ftype < 0 || H5Sget_simple_extent_ndims (space) != 1
      || H5Sget_simple_extent_dims (space, dims, NULL) != 1
      || dims[0] != (hsize_t) n)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                   "%s: dataset %s is not a 1-D dataset of length %zu (the "
                   "matrix's)", name, path, n);
      goto out;
    }
  cls = H5Tget_class (ftype);
  vals = g_new0 (char *, n + 1);
  *numeric = cls == H5T_FLOAT || cls == H5T_INTEGER;
  if (cls == H5T_STRING && H5Tis_variable_str (ftype) > 0)
    {
      char **raw = g_new0 (char *, MAX (n, (size_t) 1));

      mtype = H5Tcopy (H5T_C_S1);
      H5Tset_size (mtype, H5T_VARIABLE);
      H5Tset_cset (mtype, H5Tget_cset (ftype));
      if (!read_all (ds, mtype, raw, name, path, error))
        {
          g_free (raw);
          goto out;
        }
      for (i = 0; i < n; i++)
        vals[i] = raw[i] != NULL ? dup_trimmed (raw[i], strlen (raw[i]))
                                 : g_strdup ("");
#if H5_VERSION_GE(1, 12, 0)
      H5Treclaim (mtype, space, H5P_DEFAULT, raw);
#else
      H5Dvlen_reclaim (mtype, space, H5P_DEFAULT, raw);
#endif
      g_free (raw);
    }
  else if (cls == H5T_STRING)
    {
      size_t size = H5Tget_size (ftype);
      char *raw;

      if (size == 0 || n > G_MAXSIZE / size)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                       "%s: dataset %s has an unusable string size", name,
                       path);
          goto out;
        }
      mtype = H5Tcopy (ftype);
      raw = g_try_malloc (MAX (n * size, (size_t) 1));
      if (raw == NULL)
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                       "%s: cannot allocate dataset %s", name, path);
          goto out;
        }
      if (!read_all (ds, mtype, raw, name, path, error))
        {
          g_free (raw);
          goto out;
        }
      for (i = 0; i < n; i++)
        vals[i] = dup_trimmed (raw + i * size, size);
      g_free (raw);
    }
  else if (cls == H5T_INTEGER)
    {
      long long *raw = g_new (long long, MAX (n, (size_t) 1));

      if (!read_all (ds, H5T_NATIVE_LLONG, raw, name, path, error))
        {
          g_free (raw);
          goto out;
        }
      for (i = 0; i < n; i++)
        vals[i] = g_strdup_printf ("%lld", raw[i]);
      g_free (raw);
    }
  else if (cls == H5T_FLOAT)
    {
      double *raw = g_new (double, MAX (n, (size_t) 1));
      gboolean single = H5Tget_size (ftype) <= 4;

      if (!read_all (ds, H5T_NATIVE_DOUBLE, raw, name, path, error))
        {
          g_free (raw);
          goto out;
        }
      for (i = 0; i < n; i++)
        vals[i] = isnan (raw[i]) ? NULL : number_text (raw[i], single);
      g_free (raw);
    }
  else
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                   "%s: dataset %s holds neither strings nor numbers", name,
                   path);
      goto out;
    }
  /* CMap's nulls; missing ids are an error */
  for (i = 0; i < n; i++)
    if (vals[i] != NULL
        && ntkmc_gct_is_missing (vals[i], strlen (vals[i]), meta))
      {
        if (!meta)
          {
            g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                         "%s: dataset %s: id %zu is empty or missing", name,
                         path, i + 1);
            goto out;
          }
        g_clear_pointer (&vals[i], g_free);
      }
  ok = TRUE;
out:
  close_id (&mtype, H5Tclose);
  close_id (&ftype, H5Tclose);
  close_id (&space, H5Sclose);
  close_id (&ds, H5Dclose);
  if (!ok && vals != NULL)
    {
      for (i = 0; i < n; i++)
        g_free (vals[i]);
      g_free (vals);
      vals = NULL;
    }
  *vals_out = vals;
  return ok;
}

static herr_t
collect_name (hid_t group, const char *name, const H5L_info_t *info,
              void *data)
{
  (void) group;
  (void) info;
  g_ptr_array_add (data, g_strdup (name));
  return 0;
}

/* Reads every field of @group (ROW or COL) but "id" into @fields, picking
 * the entries @sel in order. */
static gboolean
read_fields (hid_t file, const char *name, const char *group, size_t n_file,
             const GctSelection *sel, GPtrArray *fields, GError **error)
{
  GPtrArray *names = g_ptr_array_new_with_free_func (g_free);
  hid_t grp = H5Gopen2 (file, group, H5P_DEFAULT);
  gboolean ok = TRUE;
  guint f;
  size_t k;

  if (grp < 0 || H5Literate (grp, H5_INDEX_NAME, H5_ITER_INC, NULL,
                             collect_name, names) < 0)
    {
      char *what = g_strdup_printf ("cannot list group %s", group);

      h5_error (error, NTKMC_ERROR_FORMAT, name, what);
      g_free (what);
      ok = FALSE;
    }
  for (f = 0; ok && f < names->len; f++)
    {
      const char *field = g_ptr_array_index (names, f);
      char *path, **all, **vals;
      gboolean numeric;

      if (strcmp (field, "id") == 0)
        continue;
      path = g_strconcat (group, "/", field, NULL);
      ok = read_column (file, name, path, n_file, TRUE, &all, &numeric,
                        error);
      g_free (path);
      if (!ok)
        break;
      vals = g_new0 (char *, sel->n + 1);
      for (k = 0; k < sel->n; k++)
        {
          vals[k] = all[sel->index[k]];
          all[sel->index[k]] = NULL;
        }
      for (k = 0; k < n_file; k++)
        g_free (all[k]);
      g_free (all);
      ntkmc_gct_take_meta (fields, g_strdup (field), vals, numeric);
    }
  if (grp >= 0)
    H5Gclose (grp);
  g_ptr_array_unref (names);
  return ok;
}

static int
compare_size (gconstpointer a, gconstpointer b)
{
  size_t x = *(const size_t *) a, y = *(const size_t *) b;

  return x < y ? -1 : x > y;
}

/* Reads the selected rows and columns of the matrix dataset into
 * g->values. */
static gboolean
read_matrix (hid_t ds, const char *name, const char *path, size_t n_rows_file,
             const GctSelection *rsel, const GctSelection *csel, NtkmcGct *g,
             GError **error)
{
  size_t n_sel = csel->n, lo = G_MAXSIZE, hi = 0, span, per_batch, k, b;
  size_t *order = NULL;   /* positions k of csel sorted by file column */
  hid_t fspace = -1, mspace = -1;
  double *buf = NULL;
  gboolean ok = FALSE;

  if (n_sel == 0 || rsel->n == 0)
    return TRUE;
  for (k = 0; k < rsel->n; k++)
    {
      lo = MIN (lo, rsel->index[k]);
      hi = MAX (hi, rsel->index[k]);
    }
  span = hi - lo + 1;
  per_batch = MAX ((size_t) 1, READ_BATCH / sizeof (double) / span);
  per_batch = MIN (per_batch, n_sel);
  buf = g_try_new (double, per_batch * span);
  if (buf == NULL)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_TOO_LARGE,
                   "%s: cannot allocate a read buffer", name);
      return FALSE;
    }
  /* sort the requested columns by file position, keeping who wants them */
  order = g_new (size_t, 2 * n_sel);
  for (k = 0; k < n_sel; k++)
    {
      order[2 * k] = csel->index[k];
      order[2 * k + 1] = k;
    }
  qsort (order, n_sel, 2 * sizeof (size_t), compare_size);
  fspace = H5Dget_space (ds);
  for (b = 0; b < n_sel; b += per_batch)
    {
      size_t nb = MIN (per_batch, n_sel - b), start = 0, i;
      hsize_t mdims[2] = { nb, span };

      H5Sselect_none (fspace);
      for (i = 0; i <= nb; i++)
        {
          /* a run of consecutive file columns [start, i) */
          if (i < nb && i > start
              && order[2 * (b + i)] == order[2 * (b + i - 1)] + 1)
            continue;
          if (i > start)
            {
              hsize_t off[2] = { order[2 * (b + start)], lo };
              hsize_t cnt[2] = { i - start, span };

              if (H5Sselect_hyperslab (fspace, H5S_SELECT_OR, off, NULL, cnt,
                                       NULL) < 0)
                {
                  h5_error (error, NTKMC_ERROR_FORMAT, name,
                            "cannot select matrix columns");
                  goto out;
                }
            }
          start = i;
        }
      mspace = H5Screate_simple (2, mdims, NULL);
      if (H5Dread (ds, H5T_NATIVE_DOUBLE, mspace, fspace, H5P_DEFAULT,
                   buf) < 0)
        {
          char *what = g_strdup_printf ("cannot read %s", path);

          h5_error (error, NTKMC_ERROR_FORMAT, name, what);
          g_free (what);
          goto out;
        }
      close_id (&mspace, H5Sclose);
      for (i = 0; i < nb; i++)
        {
          const double *col = buf + i * span;
          double *dst = g->values + order[2 * (b + i) + 1] * g->n_rows;
          size_t r;

          for (r = 0; r < rsel->n; r++)
            dst[r] = col[rsel->index[r] - lo];
        }
    }
  (void) n_rows_file;
  ok = TRUE;
out:
  close_id (&mspace, H5Sclose);
  close_id (&fspace, H5Sclose);
  g_free (order);
  g_free (buf);
  return ok;
}

static NtkmcGct *
read_file (hid_t file, const char *name, const NtkmcGctReadOptions *opt,
           GError **error)
{
  const char *prefix = path_exists (file, "0/DATA/0/matrix") ? "0/" : "";
  char *mpath = g_strconcat (prefix, "DATA/0/matrix", NULL);
  char *rid_path = g_strconcat (prefix, "META/ROW/id", NULL);
  char *cid_path = g_strconcat (prefix, "META/COL/id", NULL);
  char *rgroup = g_strconcat (prefix, "META/ROW", NULL);
  char *cgroup = g_strconcat (prefix, "META/COL", NULL);
  hid_t ds = -1, space = -1, type = -1;
  hsize_t dims[2];
  size_t n_rows = 0, n_cols = 0, k;
  char **rids = NULL, **cids = NULL;
  GctSelection rsel = { 0, NULL }, csel = { 0, NULL };
  NtkmcGct *g = NULL;
  gboolean numeric, ok = FALSE;

  if (!path_exists (file, mpath))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                   "%s: an HDF5 file, but not GCTX: no /0/DATA/0/matrix or "
                   "/DATA/0/matrix dataset", name);
      goto out;
    }
  ds = H5Dopen2 (file, mpath, H5P_DEFAULT);
  if (ds < 0)
    {
      h5_error (error, NTKMC_ERROR_FORMAT, name, "cannot open the matrix");
      goto out;
    }
  space = H5Dget_space (ds);
  type = H5Dget_type (ds);
  if (space < 0 || type < 0 || H5Sget_simple_extent_ndims (space) != 2
      || H5Sget_simple_extent_dims (space, dims, NULL) != 2
      || (H5Tget_class (type) != H5T_FLOAT
          && H5Tget_class (type) != H5T_INTEGER))
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                   "%s: /%s is not a 2-D numeric dataset", name, mpath);
      goto out;
    }
  n_cols = (size_t) dims[0];
  n_rows = (size_t) dims[1];
  if (!read_column (file, name, rid_path, n_rows, FALSE, &rids, &numeric,
                    error)
      || !read_column (file, name, cid_path, n_cols, FALSE, &cids, &numeric,
                       error)
      || !ntkmc_gct_check_unique (name, "row", rids, n_rows,
                                  NTKMC_ERROR_FORMAT, error)
      || !ntkmc_gct_check_unique (name, "column", cids, n_cols,
                                  NTKMC_ERROR_FORMAT, error)
      || !ntkmc_gct_select (name, "row", rids, n_rows, opt->row_ids,
                            opt->n_row_ids, opt->row_ids == NULL, &rsel,
                            error)
      || !ntkmc_gct_select (name, "column", cids, n_cols, opt->col_ids,
                            opt->n_col_ids, opt->col_ids == NULL, &csel,
                            error))
    goto out;
  g = ntkmc_gct_alloc (NTKMC_GCT_FORMAT_GCTX, rsel.n, csel.n);
  for (k = 0; k < rsel.n; k++)
    g->row_ids[k] = g_strdup (rids[rsel.index[k]]);
  for (k = 0; k < csel.n; k++)
    g->col_ids[k] = g_strdup (cids[csel.index[k]]);
  if (!read_fields (file, name, rgroup, n_rows, &rsel, g->row_meta, error)
      || !read_fields (file, name, cgroup, n_cols, &csel, g->col_meta, error))
    goto out;
  if (!opt->meta_only
      && (!ntkmc_gct_alloc_values (g, name, error)
          || !read_matrix (ds, name, mpath, n_rows, &rsel, &csel, g, error)))
    goto out;
  ok = TRUE;
out:
  if (rids != NULL)
    for (k = 0; k < n_rows; k++)
      g_free (rids[k]);
  g_free (rids);
  if (cids != NULL)
    for (k = 0; k < n_cols; k++)
      g_free (cids[k]);
  g_free (cids);
  ntkmc_gct_selection_clear (&rsel);
  ntkmc_gct_selection_clear (&csel);
  close_id (&type, H5Tclose);
  close_id (&space, H5Sclose);
  close_id (&ds, H5Dclose);
  g_free (mpath);
  g_free (rid_path);
  g_free (cid_path);
  g_free (rgroup);
  g_free (cgroup);
  if (!ok)
    {
      ntkmc_gct_free (g);
      return NULL;
    }
  return g;
}

NtkmcGct *
ntkmc_gctx_read (const char *path, const char *name,
                 const NtkmcGctReadOptions *opt, GError **error)
{
  Quiet q;
  hid_t file;
  NtkmcGct *g = NULL;

  quiet_begin (&q);
  file = H5Fopen (path, H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0)
    h5_error (error, NTKMC_ERROR_FORMAT, name,
              "cannot open as HDF5 (corrupt or truncated?)");
  else
    {
      g = read_file (file, name, opt, error);
      H5Fclose (file);
    }
  quiet_end (&q);
  return g;
}

/* ------------------------------------------------------------------ writing */

/* A fixed-length, NUL-terminated string type wide enough for @vals. */
static hid_t
string_type (char *const *vals, size_t n)
{
  size_t width = 1, i;
  hid_t t = H5Tcopy (H5T_C_S1);

  for (i = 0; i < n; i++)
    width = MAX (width, (vals[i] != NULL ? strlen (vals[i]) : 4) + 1);
  H5Tset_size (t, width);
  H5Tset_strpad (t, H5T_STR_NULLTERM);
  return t;
}

static gboolean
write_strings (hid_t group, const char *field, char *const *vals, size_t n)
{
  hid_t type = string_type (vals, n);
  size_t width = H5Tget_size (type), i;
  hsize_t dims[1] = { n };
  hid_t space = H5Screate_simple (1, dims, NULL);
  hid_t ds = H5Dcreate2 (group, field, type, space, H5P_DEFAULT, H5P_DEFAULT,
                         H5P_DEFAULT);
  char *buf = g_malloc0 (MAX (n * width, (size_t) 1));
  gboolean ok;

  for (i = 0; i < n; i++)
    memcpy (buf + i * width, vals[i] != NULL ? vals[i] : "-666",
            strlen (vals[i] != NULL ? vals[i] : "-666"));
  ok = ds >= 0 && H5Dwrite (ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf) >= 0;
  g_free (buf);
  if (ds >= 0)
    H5Dclose (ds);
  H5Sclose (space);
  H5Tclose (type);
  return ok;
}

static gboolean
write_numbers (hid_t group, const char *field, char *const *vals, size_t n)
{
  hsize_t dims[1] = { n };
  hid_t space = H5Screate_simple (1, dims, NULL);
  hid_t ds = H5Dcreate2 (group, field, H5T_IEEE_F64LE, space, H5P_DEFAULT,
                         H5P_DEFAULT, H5P_DEFAULT);
  double *buf = g_new (double, MAX (n, (size_t) 1));
  gboolean ok;
  size_t i;

  for (i = 0; i < n; i++)
    buf[i] = vals[i] != NULL ? g_ascii_strtod (vals[i], NULL) : NAN;
  ok = ds >= 0 && H5Dwrite (ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL,
                            H5P_DEFAULT, buf) >= 0;
  g_free (buf);
  if (ds >= 0)
    H5Dclose (ds);
  H5Sclose (space);
  return ok;
}

static gboolean
write_meta (hid_t file, const char *group, char *const *ids,
            const GPtrArray *fields, size_t n)
{
  hid_t grp = H5Gcreate2 (file, group, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT);
  gboolean ok = grp >= 0 && write_strings (grp, "id", ids, n);
  guint f;

  for (f = 0; ok && f < fields->len; f++)
    {
      const GctMeta *m = g_ptr_array_index ((GPtrArray *) fields, f);

      /* the ids are the "id" dataset already (cmapR keeps a copy of them
       * as a field) */
      if (strcmp (m->name, "id") == 0)
        continue;
      ok = m->numeric ? write_numbers (grp, m->name, m->values, n)
                      : write_strings (grp, m->name, m->values, n);
    }
  if (grp >= 0)
    H5Gclose (grp);
  return ok;
}

static gboolean
write_version (hid_t file)
{
  hid_t type = H5Tcopy (H5T_C_S1), space = H5Screate (H5S_SCALAR), attr;
  gboolean ok;

  H5Tset_size (type, 8);
  H5Tset_strpad (type, H5T_STR_NULLTERM);
  attr = H5Acreate2 (file, "version", type, space, H5P_DEFAULT, H5P_DEFAULT);
  ok = attr >= 0 && H5Awrite (attr, type, "GCTX1.0") >= 0;
  if (attr >= 0)
    H5Aclose (attr);
  H5Sclose (space);
  H5Tclose (type);
  return ok;
}

static gboolean
write_matrix (hid_t file, const NtkmcGct *g)
{
  hsize_t dims[2] = { g->n_cols, g->n_rows };
  hid_t space = H5Screate_simple (2, dims, NULL);
  hid_t dcpl = H5Pcreate (H5P_DATASET_CREATE), ds;
  gboolean ok;

  if (g->n_rows > 0 && g->n_cols > 0)
    {
      hsize_t rows = MIN ((hsize_t) g->n_rows,
                          (hsize_t) (CHUNK_BYTES / sizeof (double)));
      hsize_t cols = MAX ((hsize_t) 1, CHUNK_BYTES / sizeof (double) / rows);
      hsize_t chunk[2] = { MIN (cols, (hsize_t) g->n_cols), rows };

      H5Pset_chunk (dcpl, 2, chunk);
    }
  ds = H5Dcreate2 (file, "0/DATA/0/matrix", H5T_IEEE_F64LE, space,
                   H5P_DEFAULT, dcpl, H5P_DEFAULT);
  ok = ds >= 0
       && (g->values == NULL || g->n_rows == 0 || g->n_cols == 0
           || H5Dwrite (ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                        g->values) >= 0);
  if (ds >= 0)
    H5Dclose (ds);
  H5Pclose (dcpl);
  H5Sclose (space);
  return ok;
}

gboolean
ntkmc_gctx_write (const NtkmcGct *g, const char *path, GError **error)
{
  char *tmp, *name;
  hid_t file;
  gboolean ok;
  Quiet q;

  tmp = ntkmc_gct_temp_path (path, error);
  if (tmp == NULL)
    return FALSE;
  name = g_filename_display_name (path);
  quiet_begin (&q);
  file = H5Fcreate (tmp, H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ok = file >= 0 && write_version (file);
  ok = ok && H5Gclose (H5Gcreate2 (file, "0", H5P_DEFAULT, H5P_DEFAULT,
                                   H5P_DEFAULT)) >= 0;
  ok = ok && H5Gclose (H5Gcreate2 (file, "0/DATA", H5P_DEFAULT, H5P_DEFAULT,
                                   H5P_DEFAULT)) >= 0;
  ok = ok && H5Gclose (H5Gcreate2 (file, "0/DATA/0", H5P_DEFAULT,
                                   H5P_DEFAULT, H5P_DEFAULT)) >= 0;
  ok = ok && H5Gclose (H5Gcreate2 (file, "0/META", H5P_DEFAULT, H5P_DEFAULT,
                                   H5P_DEFAULT)) >= 0;
  ok = ok && write_matrix (file, g);
  ok = ok && write_meta (file, "0/META/ROW", g->row_ids, g->row_meta,
                         g->n_rows);
  ok = ok && write_meta (file, "0/META/COL", g->col_ids, g->col_meta,
                         g->n_cols);
  if (file >= 0 && H5Fclose (file) < 0)
    ok = FALSE;
  if (!ok)
    h5_error (error, NTKMC_ERROR_IO, name, "cannot write the GCTX file");
  quiet_end (&q);
  g_free (name);
  return ntkmc_gct_commit (tmp, path, ok, ok ? error : NULL);
}

gboolean
ntkmc_gct_have_gctx (void)
{
  return TRUE;
}

#else /* !HAVE_HDF5 */

NtkmcGct *
ntkmc_gctx_read (const char *path, const char *name,
                 const NtkmcGctReadOptions *opt, GError **error)
{
  (void) path;
  (void) opt;
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
               "%s is a GCTX (HDF5) file, but this build of ntkmc has no "
               "HDF5 support (rebuild with libhdf5, Debian: apt-get install "
               "libhdf5-dev)", name);
  return NULL;
}

gboolean
ntkmc_gctx_write (const NtkmcGct *g, const char *path, GError **error)
{
  char *name = g_filename_display_name (path);

  (void) g;
  g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
               "cannot write %s: GCTX needs HDF5, and this build of ntkmc has "
               "no HDF5 support (rebuild with libhdf5, Debian: apt-get "
               "install libhdf5-dev)", name);
  g_free (name);
  return FALSE;
}

gboolean
ntkmc_gct_have_gctx (void)
{
  return FALSE;
}

#endif
