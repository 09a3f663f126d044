/* SPDX-License-Identifier: MIT */
/*
 * cntk.c: the NtkmcCntk object: queries (entry, row, sizes), kernel files.
 */
#include "config.h"

#include "cntk/cntk-private.h"

#include "base/context.h"
#include "base/memory.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

void
ntkmc_iid_prior_init (NtkmcIidPrior *prior)
{
  g_return_if_fail (prior != NULL);
  prior->c1 = 1.0 / 300.0;
  prior->c2 = 1.0 / 400.0;
}

char *
ntkmc_cntk_iid_prior_text (const NtkmcIidPrior *prior)
{
  char a[G_ASCII_DTOSTR_BUF_SIZE], b[G_ASCII_DTOSTR_BUF_SIZE];

  g_ascii_formatd (a, sizeof a, "%.17g", prior->c1);
  g_ascii_formatd (b, sizeof b, "%.17g", prior->c2);
  return g_strdup_printf ("iid:%s,%s", a, b);
}

NtkmcCntk *
ntkmc_cntk_new (const char *arch_text, const char *prior_text, unsigned levels)
{
  NtkmcCntk *k = g_new0 (NtkmcCntk, 1);

  k->arch = g_strdup (arch_text);
  k->prior = g_strdup (prior_text);
  k->levels = levels;
  return k;
}

void
ntkmc_cntk_free (NtkmcCntk *k)
{
  if (k == NULL)
    return;
  g_free (k->arch);
  g_free (k->prior);
  ntkmc_big_free (k->table);
  g_free (k->full);
  g_free (k);
}

const char *
ntkmc_cntk_peek_arch (const NtkmcCntk *k)
{
  g_return_val_if_fail (k != NULL, NULL);
  return k->arch;
}

gboolean
ntkmc_cntk_check_arch (const NtkmcCntk *k, const NtkmcArch *arch,
                       GError **error)
{
  char *text;
  gboolean same;

  g_return_val_if_fail (k != NULL && arch != NULL, FALSE);
  text = ntkmc_arch_to_string (arch);
  same = strcmp (text, k->arch) == 0;
  if (!same)
    g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH,
                 "this kernel is for the network '%s', not '%s'", k->arch,
                 text);
  g_free (text);
  return same;
}

/* Does one axis of a compact kernel (base side @base) serve side @side? */
static gboolean
axis_serves (const NtkmcCntk *k, size_t base, gboolean expandable, size_t side)
{
  size_t unit = (size_t) 1 << k->levels;

  if (side == base)
    return TRUE;
  return expandable && side > base && side % unit == 0;
}

gboolean
ntkmc_cntk_check_size (const NtkmcCntk *k, size_t width, size_t height,
                       GError **error)
{
  g_return_val_if_fail (k != NULL, FALSE);
  if (k->form == NTKMC_CNTK_FULL)
    {
      if (width == k->w && height == k->h)
        return TRUE;
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH,
                   "this kernel was computed for %zu x %zu images only, not "
                   "%zu x %zu", k->w, k->h, width, height);
      return FALSE;
    }
  if (axis_serves (k, k->bw, k->expand_w, width)
      && axis_serves (k, k->bh, k->expand_h, height))
    return TRUE;
  if (k->expand_w && k->expand_h)
    g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH,
                 "this kernel serves images of at least %zu x %zu pixels "
                 "with sides multiples of %zu, not %zu x %zu", k->bw, k->bh,
                 (size_t) 1 << k->levels, width, height);
  else
    g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH,
                 "this kernel was computed for %zu x %zu images%s, not "
                 "%zu x %zu", k->bw, k->bh,
                 k->expand_w || k->expand_h ? " (and larger along one side)"
                 : "", width, height);
  return FALSE;
}

/* Displacement index along one axis of a compact kernel, or -1 outside the
 * window: @from, @to are coordinates in an image of side @side. */
static long
axis_offset (size_t base, size_t side, size_t from, size_t to)
{
  if (side == base)
    return (long) ((to + side - from) % side);
  {
    size_t half = base / 2, x = (to + side - from + half) % side;
    if (x >= base)
      return -1;
    return (long) ((x + base - half) % base);
  }
}

double
ntkmc_cntk_entry (const NtkmcCntk *k, size_t width, size_t height, size_t r,
                  size_t c, size_t r2, size_t c2)
{
  const double *phase;
  long dr, dc;

  g_return_val_if_fail (k != NULL, NAN);
  g_return_val_if_fail (r < height && r2 < height && c < width && c2 < width,
                        NAN);
  if (k->form == NTKMC_CNTK_FULL)
    {
      size_t n = k->w * k->h;
      return k->full[(r * k->w + c) + (r2 * k->w + c2) * n];
    }
  phase = k->table + (r % k->period) * k->period + c % k->period;
  dr = axis_offset (k->bh, height, r, r2);
  dc = axis_offset (k->bw, width, c, c2);
  if (dr < 0 || dc < 0)
    return phase[k->bw * k->bh * k->period * k->period];
  return phase[((size_t) dr * k->bw + (size_t) dc) * k->period * k->period];
}

/* Per-axis displacement tables for a gather: off[from * side + to] is the
 * displacement index of axis_offset() (or -1); NULL when too large. */
static gint32 *
axis_table (size_t base, size_t side)
{
  gint32 *t;
  size_t from, to;

  if (side > 8192)
    return NULL;
  t = g_try_new (gint32, side * side);
  if (t == NULL)
    return NULL;
  for (from = 0; from < side; from++)
    for (to = 0; to < side; to++)
      t[from * side + to] = (gint32) axis_offset (base, side, from, to);
  return t;
}

void
ntkmc_cntk_gather (NtkmcContext *ctx, const NtkmcCntk *k, size_t width,
                   size_t height, size_t n_rows, const size_t *rows,
                   size_t n_cols, const size_t *cols, double *out, size_t ld)
{
  gint32 *offr = NULL, *offc = NULL;
  size_t *phase = NULL, p2 = 0;
  long b;

  g_return_if_fail (ctx != NULL && k != NULL && out != NULL && ld >= n_rows);
  if (k->form == NTKMC_CNTK_COMPACT)
    {
      offr = axis_table (k->bh, height);
      offc = axis_table (k->bw, width);
      p2 = k->period * k->period;
    }
  if (offr != NULL && offc != NULL)
    {
      /* table lookups only: K = table[(dr bw + dc) P^2 + phase] */
      const double *outside = k->table + k->bw * k->bh * p2;
      size_t a;

      phase = g_new (size_t, MAX (n_rows, (size_t) 1));
      for (a = 0; a < n_rows; a++)
        phase[a] = (rows[a] / width % k->period) * k->period
                   + rows[a] % width % k->period;
#pragma omp parallel for schedule(static) num_threads(ctx->n_threads)
      for (b = 0; b < (long) n_cols; b++)
        {
          size_t j = cols[b], r2 = j / width, c2 = j % width, i;
          double *col = out + (size_t) b * ld;

          for (i = 0; i < n_rows; i++)
            {
              size_t r = rows[i] / width, c = rows[i] % width;
              gint32 dr = offr[r * height + r2], dc = offc[c * width + c2];
              col[i] = (dr < 0 || dc < 0)
                       ? outside[phase[i]]
                       : k->table[((size_t) dr * k->bw + (size_t) dc) * p2
                                  + phase[i]];
            }
        }
    }
  else
    {
#pragma omp parallel for schedule(static) num_threads(ctx->n_threads)
      for (b = 0; b < (long) n_cols; b++)
        {
          size_t j = cols[b], r2 = j / width, c2 = j % width, a;
          double *col = out + (size_t) b * ld;

          for (a = 0; a < n_rows; a++)
            col[a] = ntkmc_cntk_entry (k, width, height, rows[a] / width,
                                       rows[a] % width, r2, c2);
        }
    }
  g_free (phase);
  g_free (offr);
  g_free (offc);
}

void
ntkmc_cntk_row (const NtkmcCntk *k, size_t width, size_t height, size_t r,
                size_t c, double *row)
{
  size_t r2, c2;

  g_return_if_fail (k != NULL && row != NULL);
  g_return_if_fail (r < height && c < width);
  for (r2 = 0; r2 < height; r2++)
    for (c2 = 0; c2 < width; c2++)
      row[r2 * width + c2] = ntkmc_cntk_entry (k, width, height, r, c, r2, c2);
}

/* ------------------------------------------------------------ kernel files */

gboolean
ntkmc_cntk_write (const NtkmcCntk *k, const char *path, NtkmcDType dtype,
                  GError **error)
{
  GString *d;
  uint64_t dims[3];
  gboolean ok;

  g_return_val_if_fail (k != NULL && path != NULL, FALSE);
  d = g_string_new ("kernel=cntk\n");
  g_string_append_printf (d, "arch=%s\nprior=%s\nlevels=%u\n", k->arch,
                          k->prior, k->levels);
  if (k->form == NTKMC_CNTK_FULL)
    {
      g_string_append_printf (d, "form=full\nwidth=%zu\nheight=%zu\n", k->w,
                              k->h);
      dims[0] = dims[1] = (uint64_t) k->w * k->h;
      ok = ntkmc_kernelfile_write (path, NTKMC_KERNEL_CONV, d->str, dtype, 2,
                                   dims, k->full, error);
    }
  else
    {
      g_string_append_printf (d, "form=compact\nperiod=%zu\nbase_width=%zu\n"
                              "base_height=%zu\nexpand_width=%d\n"
                              "expand_height=%d\n", k->period, k->bw, k->bh,
                              k->expand_w ? 1 : 0, k->expand_h ? 1 : 0);
      /* phase fastest, then displacement (column fastest), then one more
       * displacement row holding the per-phase value outside the window */
      dims[0] = dims[1] = k->period;
      dims[2] = (uint64_t) k->bw * k->bh + 1;
      ok = ntkmc_kernelfile_write (path, NTKMC_KERNEL_CONV, d->str, dtype, 3,
                                   dims, k->table, error);
    }
  g_string_free (d, TRUE);
  return ok;
}

/* Reads a non-negative integer key of the description. */
static gboolean
get_size (const NtkmcKernelFile *kf, const char *path, const char *key,
          size_t *out, GError **error)
{
  char *v = ntkmc_kernelfile_get_value (kf, key);
  guint64 u = 0;
  gboolean ok = v != NULL
                && g_ascii_string_to_unsigned (v, 10, 0, G_MAXINT32, &u, NULL);

  if (!ok)
    g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                 "%s: the description's '%s' is %s", path, key,
                 v ? "not a valid size" : "missing");
  g_free (v);
  *out = (size_t) u;
  return ok;
}

NtkmcCntk *
ntkmc_cntk_open (const char *path, GError **error)
{
  g_autoptr (NtkmcKernelFile) kf = NULL;
  NtkmcCntk *k = NULL;
  char *kind = NULL, *arch = NULL, *prior = NULL, *form = NULL;
  uint64_t dims[NTKMC_KERNELFILE_MAX_DIMS];
  unsigned nd;
  size_t levels = 0, v;

  g_return_val_if_fail (path != NULL, NULL);
  kf = ntkmc_kernelfile_open (path, error);
  if (kf == NULL)
    return NULL;
  kind = ntkmc_kernelfile_get_value (kf, "kernel");
  arch = ntkmc_kernelfile_get_value (kf, "arch");
  prior = ntkmc_kernelfile_get_value (kf, "prior");
  form = ntkmc_kernelfile_get_value (kf, "form");
  nd = ntkmc_kernelfile_get_dims (kf, dims);
  if (ntkmc_kernelfile_get_kind (kf) != NTKMC_KERNEL_CONV
      || g_strcmp0 (kind, "cntk") != 0)
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_MISMATCH,
                   "%s is not a convolutional kernel file (it holds a fully "
                   "connected kernel)", path);
      goto out;
    }
  if (arch == NULL || prior == NULL || form == NULL
      || !get_size (kf, path, "levels", &levels, error))
    {
      if (error == NULL || *error == NULL)
        g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                     "%s: the description lacks arch, prior or form", path);
      goto out;
    }
  {
    /* the architecture must parse and agree with the recorded levels */
    g_autoptr (NtkmcArch) a = ntkmc_arch_parse (arch, error);
    if (a == NULL)
      {
        g_prefix_error (error, "%s: ", path);
        goto out;
      }
    if (ntkmc_arch_get_levels (a) != levels)
      {
        g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                     "%s: the description says %zu levels but its "
                     "architecture has %u", path, levels,
                     ntkmc_arch_get_levels (a));
        goto out;
      }
  }
  k = ntkmc_cntk_new (arch, prior, (unsigned) levels);
  if (strcmp (form, "full") == 0)
    {
      k->form = NTKMC_CNTK_FULL;
      if (!get_size (kf, path, "width", &k->w, error)
          || !get_size (kf, path, "height", &k->h, error))
        goto fail;
      if (nd != 2 || dims[0] != (uint64_t) k->w * k->h || dims[1] != dims[0])
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                       "%s: wrong shape for a full %zu x %zu-pixel kernel",
                       path, k->w, k->h);
          goto fail;
        }
      k->full = g_new (double, dims[0] * dims[1]);
      ntkmc_kernelfile_read_f64 (kf, k->full);
    }
  else if (strcmp (form, "compact") == 0)
    {
      size_t ew = 0, eh = 0;
      k->form = NTKMC_CNTK_COMPACT;
      if (!get_size (kf, path, "period", &k->period, error)
          || !get_size (kf, path, "base_width", &k->bw, error)
          || !get_size (kf, path, "base_height", &k->bh, error)
          || !get_size (kf, path, "expand_width", &ew, error)
          || !get_size (kf, path, "expand_height", &eh, error))
        goto fail;
      k->expand_w = ew != 0;
      k->expand_h = eh != 0;
      v = (size_t) 1 << levels;
      if (nd != 3 || k->period == 0 || k->bw == 0 || k->bh == 0
          || dims[2] != (uint64_t) k->bw * k->bh + 1
          || dims[0] != k->period || dims[1] != k->period
          || k->bw % k->period != 0 || k->bh % k->period != 0
          || (k->expand_w && k->bw != 2 * v) || (k->expand_h && k->bh != 2 * v))
        {
          g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                       "%s: the payload shape does not match the compact "
                       "form its description declares", path);
          goto fail;
        }
      k->table = ntkmc_big_alloc (dims[0] * dims[1] * dims[2], sizeof (double),
                                  "the kernel table", error);
      if (k->table == NULL)
        goto fail;
      ntkmc_kernelfile_read_f64 (kf, k->table);
    }
  else
    {
      g_set_error (error, NTKMC_ERROR, NTKMC_ERROR_FORMAT,
                   "%s: unknown kernel form '%s'", path, form);
      goto fail;
    }
  goto out;

fail:
  ntkmc_cntk_free (k);
  k = NULL;
out:
  g_free (kind);
  g_free (arch);
  g_free (prior);
  g_free (form);
  return k;
}
